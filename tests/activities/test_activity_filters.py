"""/activity with filters that contradict each other says which ones, instead of picking one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.features.activities.rules import conflicting
from bot.kernel.db.models import Suggestion
from tests.conftest import Couple, RunningBot
from tests.couple_evening import press_time


async def test_activity_home_out_names_the_two_filters_that_conflict(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/activity home out")

    assert "“home” and “out”" in answer
    assert "/activity home or /activity out" in answer
    assert "An idea for the two of you" not in answer


@pytest.mark.parametrize(
    ("words", "clash"),
    [
        (["home", "out"], ("home", "out")),
        (["free", "calm", "cheap"], ("free", "cheap")),
        (["calm", "short", "active"], ("calm", "active")),
        (["home", "outside"], ("home", "outside")),
    ],
)
def test_two_words_of_one_kind_with_different_values_conflict(
    words: list[str], clash: tuple[str, str]
) -> None:
    assert conflicting(words) == clash


@pytest.mark.parametrize(
    "words", [[], ["free", "home"], ["short", "quick"], ["out", "outside"], ["free", "free"]]
)
def test_words_that_agree_or_narrow_different_things_do_not_conflict(words: list[str]) -> None:
    assert conflicting(words) is None


async def test_activity_filters_in_portuguese_name_the_two_that_conflict_as_typed(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/activity em casa fora")

    assert "“em casa” and “fora”" in answer
    assert "An idea for the two of you" not in answer


async def test_an_idea_remembers_every_filter_for_another_idea(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/activity free home short")
    assert "free)" in answer  # an idea came, and it is free

    async with bot.services.transaction() as session:
        source = await session.scalar(
            select(Suggestion.source)
            .where(Suggestion.chat_id == couple.chat.id)
            .order_by(Suggestion.id.desc())
        )
    # Cut at 16 characters, "Another idea" forgot all but the first filter.
    assert source == "on_demand:free:home:short"
