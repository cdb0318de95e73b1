"""The README's first step works with privacy mode on: a command, not an ordinary "hello"."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Couple, RunningBot

README = Path(__file__).resolve().parents[2] / "README.md"


async def test_with_privacy_on_a_hello_goes_unseen_and_the_commands_the_readme_names_answer(
    bot: RunningBot, couple: Couple
) -> None:
    first_step = " ".join(README.read_text(encoding="utf-8").split())
    assert "add the bot, and say hello" not in first_step
    assert "add the bot, and send `/start` or `/help` there" in first_step
    emu = bot.emulator
    await emu.settle()

    mark = emu.mark()
    emu.send_message(couple.chat, couple.alex, "hello")
    await emu.settle()
    assert emu.bot_messages(couple.chat.id)[-1].message_id == couple.greeting.message_id

    for command in ("/start", "/help"):
        assert await bot.ask(couple.chat, couple.alex, command)
    assert emu.mark() > mark
