"""Settings answers read as natural sentences."""

from __future__ import annotations

from tests.conftest import Couple, RunningBot


async def test_setting_every_day_reads_naturally(bot: RunningBot, couple: Couple) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/days daily")

    assert "come on every day" not in answer
    assert "Done — prompt days: every day." in answer


async def test_resume_without_a_break_says_so_in_its_own_sentence(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/resume")

    assert "— Next one" not in answer
    assert answer.startswith("We're not on a break, so there's nothing to resume. Next one:")
