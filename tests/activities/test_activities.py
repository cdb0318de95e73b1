"""Activities when the chat goes quiet: offers, "Not now", follow-ups, /activity."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.kernel.db.models import Suggestion
from tests.conftest import Couple, RunningBot
from tests.couple_evening import (
    evening,
    is_evening_post,
    now_message,
    press,
    press_time,
    reply,
)


async def test_three_quiet_evenings_bring_an_activity_instead_of_a_question(
    bot: RunningBot, couple: Couple
) -> None:
    for day in range(3):
        assert (await evening(bot, day)) is not None

    offer = await evening(bot, 3)

    assert offer is not None and offer.text is not None
    assert "quiet few evenings" in offer.text
    assert offer.reply_markup is not None
    buttons = [b.callback_data for row in offer.reply_markup.inline_keyboard for b in row]
    assert buttons == ["act:0", "act:1", "act:2", "act:no"]
    # While the offer waits, the evenings rest rather than ask.
    assert await evening(bot, 4) is None


async def test_not_now_brings_questions_back_and_holds_the_next_offer_for_a_cooldown(
    bot: RunningBot, couple: Couple
) -> None:
    for day in range(3):
        await evening(bot, day)
    offer = await evening(bot, 3)
    assert offer is not None

    answer = await press(bot, couple, offer, "act:no")

    assert "No problem" in answer
    questions = [await evening(bot, day) for day in (4, 5, 6)]
    assert all(q is not None and is_evening_post(q) for q in questions)
    again = await evening(bot, 7)
    assert again is not None and "quiet few evenings" in (again.text or "")


async def test_a_chosen_activity_gets_one_follow_up_and_done_counts(
    bot: RunningBot, couple: Couple
) -> None:
    for day in range(3):
        await evening(bot, day)
    offer = await evening(bot, 3)
    assert offer is not None

    answer = await press(bot, couple, offer, "act:1")
    assert "You picked:" in answer
    assert await evening(bot, 4) is None  # resting while they go and do it
    follow_up = await evening(bot, 6)  # three days later, at the evening time

    assert follow_up is not None and (follow_up.text or "").startswith("A few days ago you picked:")
    assert "quality time" in await press(bot, couple, follow_up, "fu:done")
    async with bot.services.transaction() as session:
        suggestion = await session.scalar(select(Suggestion))
    assert suggestion is not None and suggestion.outcome == "done" and suggestion.done_at
    question = await evening(bot, 7)
    assert question is not None and is_evening_post(question)


async def test_answering_again_ends_the_rest_and_questions_resume(
    bot: RunningBot, couple: Couple
) -> None:
    prompts = [await evening(bot, day) for day in range(3)]
    offer = await evening(bot, 3)
    assert offer is not None and prompts[2] is not None

    bot.clock.advance(timedelta(minutes=20))
    await reply(bot, couple, "sam", prompts[2])
    question = await evening(bot, 4)

    assert question is not None and is_evening_post(question)


async def test_activity_on_demand_narrows_and_offers_another(
    bot: RunningBot, couple: Couple
) -> None:
    text = await press_time(bot, couple, "/activity free")
    assert "An idea for the two of you" in text
    assert "free)" in text
    idea = bot.emulator.bot_messages(couple.chat.id)[-1]

    await press(bot, couple, idea, "act1:another")
    changed = now_message(bot, couple, idea.message_id)
    assert changed.text != idea.text
    assert "free)" in (changed.text or "")
    assert "I know these" in await press_time(bot, couple, "/activity spaceship")
