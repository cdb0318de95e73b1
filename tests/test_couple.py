"""The heart of it: answers noticed, kind nudges, and activities when the chat goes quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from telegram import Message

from bot.kernel.db.models import Answer, Post, Suggestion
from tests.conftest import Couple, RunningBot, StartBot

# Monday 23 November 2026, 20:30 in Berlin.
EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
SECRET = "PINEAPPLE-ONLY-WE-KNOW"


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    return await start_bot(tick_seconds=3600)


@pytest.fixture
async def couple(couple: Couple, bot: RunningBot) -> Couple:
    """Both partners known to the bot: Alex added it, Sam has asked for /help."""
    bot.emulator.send_command(couple.chat, couple.sam, "/help")
    await bot.emulator.settle()
    return couple


async def evening(
    bot: RunningBot, day: int = 0, after: timedelta = timedelta(seconds=1)
) -> Message | None:
    """Tick at the couple's evening time on a day; return what the bot posted, if anything."""
    emu = bot.emulator
    mark = emu.mark()
    bot.clock.set(EVENING + timedelta(days=day) + after)
    await bot.runner.evening.tick()
    await emu.settle()
    sent = [c for c in emu.calls[mark:] if c.method == "sendMessage" and c.ok]
    if not sent:
        return None
    chat_id = int(sent[-1].params["chat_id"])
    return next(
        m for m in emu.bot_messages(chat_id) if m.message_id == sent[-1].result["message_id"]
    )


def now_message(bot: RunningBot, couple: Couple, message_id: int) -> Message:
    return next(m for m in bot.emulator.bot_messages(couple.chat.id) if m.message_id == message_id)


async def reply(bot: RunningBot, couple: Couple, who: str, prompt: Message) -> None:
    user = couple.alex if who == "alex" else couple.sam
    bot.emulator.send_message(couple.chat, user, f"{SECRET} from {who}", reply_to=prompt.message_id)
    await bot.emulator.settle()


async def press(bot: RunningBot, couple: Couple, message: Message, data: str) -> str:
    emu = bot.emulator
    mark = emu.mark()
    query = emu.press_button(couple.chat, couple.alex, message.message_id, data)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    return str(emu.answered_callbacks[query].get("text") or "")


async def test_both_partners_answering_by_reply_updates_the_prompt_in_place(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None

    await reply(bot, couple, "alex", prompt)
    halfway = now_message(bot, couple, prompt.message_id).text or ""
    await reply(bot, couple, "sam", prompt)
    done = now_message(bot, couple, prompt.message_id)

    assert halfway.endswith("Alex ✓ · Sam …")
    assert done.text is not None and "Alex ✓ · Sam ✓" in done.text and "💛" in done.text
    assert done.reply_markup is None
    async with bot.services.transaction() as session:
        rows = (await session.scalars(select(Answer).order_by(Answer.id))).all()
        post = await session.scalar(select(Post))
    assert [r.how for r in rows] == ["reply", "reply"]
    assert all(r.message_id for r in rows)
    assert post is not None and post.together_at is not None
    # One prompt message, edited twice; nothing new posted.
    assert len([c for c in bot.emulator.calls if c.method == "editMessageText"]) == 2


async def test_a_partner_the_bot_has_not_met_yet_shows_as_your_partner(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(tick_seconds=3600)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()
    prompt = await evening(bot)
    assert prompt is not None

    emu.send_message(chat, alex, "hello", reply_to=prompt.message_id)
    await emu.settle()
    status = next(m for m in emu.bot_messages(chat.id) if m.message_id == prompt.message_id)

    assert (status.text or "").endswith("Alex ✓ · your partner …")


async def test_a_second_reply_from_the_same_partner_changes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)
    edits = len(bot.emulator.calls)

    await reply(bot, couple, "alex", prompt)

    assert not [c for c in bot.emulator.calls[edits:] if c.method == "editMessageText"]


async def test_we_talked_in_person_counts_for_both(bot: RunningBot, couple: Couple) -> None:
    prompt = await evening(bot)
    assert prompt is not None

    answer = await press(bot, couple, prompt, "inperson")

    assert "counts for both" in answer
    after = now_message(bot, couple, prompt.message_id)
    assert after.text is not None and "talked in person" in after.text
    async with bot.services.transaction() as session:
        hows = (await session.scalars(select(Answer.how))).all()
    assert sorted(hows) == ["button", "button"]


async def test_one_answer_brings_one_gentle_nudge_after_the_delay(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await press_time(bot, couple, "/time 18:00")  # so the delay ends before quiet hours
    prompt = await evening(bot, after=timedelta(hours=-1, minutes=-30, seconds=1))
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)

    bot.clock.advance(timedelta(hours=1, minutes=50))
    await bot.runner.evening.tick()
    assert not nudges(bot, couple)
    bot.clock.advance(timedelta(minutes=15))
    await bot.runner.evening.tick()
    bot.clock.advance(timedelta(minutes=30))
    await bot.runner.evening.tick()
    await emu.settle()

    [nudge] = nudges(bot, couple)
    assert nudge.reply_to_message is not None
    assert nudge.reply_to_message.message_id == prompt.message_id
    assert nudge.text is not None and nudge.text.startswith("Sam, Alex has shared")
    assert any(
        e.type == "text_link" and e.url == f"tg://user?id={couple.sam.id}" for e in nudge.entities
    )


async def test_no_nudge_at_night_and_one_in_the_morning(bot: RunningBot, couple: Couple) -> None:
    prompt = await evening(bot)  # 20:30 Berlin
    assert prompt is not None
    await reply(bot, couple, "sam", prompt)

    for hours in (1, 2, 3, 5, 9):  # up to 05:30 local: quiet hours
        bot.clock.set(EVENING + timedelta(hours=hours))
        await bot.runner.evening.tick()
    assert not nudges(bot, couple)
    bot.clock.set(EVENING + timedelta(hours=11, minutes=31))  # 08:01 local
    await bot.runner.evening.tick()
    await bot.emulator.settle()

    assert len(nudges(bot, couple)) == 1


async def test_no_nudge_when_nobody_answered_or_nudges_are_off(
    bot: RunningBot, couple: Couple
) -> None:
    assert "no reminders" in await press_time(bot, couple, "/nudges off")
    prompt = await evening(bot)
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)
    bot.clock.advance(timedelta(hours=13))
    await bot.runner.evening.tick()

    assert not nudges(bot, couple)


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
    assert all(q is not None and "reply to this message" in (q.text or "") for q in questions)
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
    assert "it is" in answer
    assert await evening(bot, 4) is None  # resting while they go and do it
    follow_up = await evening(bot, 6)  # three days later, at the evening time

    assert follow_up is not None and (follow_up.text or "").startswith("Did you get to")
    assert "quality time" in await press(bot, couple, follow_up, "fu:done")
    async with bot.services.transaction() as session:
        suggestion = await session.scalar(select(Suggestion))
    assert suggestion is not None and suggestion.outcome == "done" and suggestion.done_at
    question = await evening(bot, 7)
    assert question is not None and "reply to this message" in (question.text or "")


async def test_answering_again_ends_the_rest_and_questions_resume(
    bot: RunningBot, couple: Couple
) -> None:
    prompts = [await evening(bot, day) for day in range(3)]
    offer = await evening(bot, 3)
    assert offer is not None and prompts[2] is not None

    bot.clock.advance(timedelta(minutes=20))
    await reply(bot, couple, "sam", prompts[2])
    question = await evening(bot, 4)

    assert question is not None and "reply to this message" in (question.text or "")


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


async def test_plain_messages_count_when_the_bot_sees_every_message(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    emu.promote_bot(couple.chat, by=couple.alex)
    await emu.settle()
    prompt = await evening(bot)
    assert prompt is not None

    emu.send_message(couple.chat, couple.sam, f"{SECRET} just talking")
    await emu.settle()

    async with bot.services.transaction() as session:
        hows = (await session.scalars(select(Answer.how))).all()
    assert hows == ["message"]


async def test_no_message_text_ever_reaches_the_database_or_the_logs(
    bot: RunningBot, couple: Couple, bot_logs: pytest.CaptureFixture[str]
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)
    await reply(bot, couple, "sam", prompt)

    async with bot.services.transaction() as session:
        tables = [
            r[0]
            for r in await session.execute(
                text("SELECT name FROM sqlite_master WHERE type='table'")
            )
        ]
        dump = []
        for table in tables:
            dump += [repr(row) for row in await session.execute(text(f'SELECT * FROM "{table}"'))]
    assert dump
    assert not [row for row in dump if SECRET in row]
    logs = bot_logs.readouterr().err
    assert "answer recorded" in logs
    assert SECRET not in logs


def nudges(bot: RunningBot, couple: Couple) -> list[Message]:
    return [
        m
        for m in bot.emulator.bot_messages(couple.chat.id)
        if m.text and "has shared their answer" in m.text
    ]


async def press_time(bot: RunningBot, couple: Couple, command: str) -> str:
    """Send a command as Alex and return the bot's answer."""
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, command)
    answer = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    return answer.text or ""
