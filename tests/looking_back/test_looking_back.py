"""/stats and the weekly recap through the emulator, against a history seeded in the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram import Message

from bot.features.looking_back.jobs import send_recaps
from bot.kernel.db.models import Answer, Chat, Partner, Post, Run, Suggestion
from tests.conftest import Couple, RunningBot, StartBot

# Monday 23 November 2026; Berlin is UTC+1, so 20:30 there is 19:30 UTC.
EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
SUNDAY_RECAP = EVENING + timedelta(days=6, minutes=1)
RECAP_TITLE = "Your week together"


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """A bot whose JobQueue tick is rare, so each test ticks by hand and knows when."""
    bot = await start_bot(tick_seconds=3600)
    return bot


@pytest.fixture
async def couple(couple: Couple, bot: RunningBot) -> Couple:
    """Both partners known to the bot."""
    for person in (couple.alex, couple.sam):
        bot.emulator.send_command(couple.chat, person, "/help")
    await bot.emulator.settle()
    return couple


def recaps(bot: RunningBot, couple: Couple) -> list[Message]:
    return [m for m in bot.emulator.bot_messages(couple.chat.id) if RECAP_TITLE in words(m)]


def words(message: Message) -> str:
    """A message's text, or its caption when it is a picture."""
    return message.text or message.caption or ""


async def seed_evening(
    bot: RunningBot, chat_id: int, day: date, wait: timedelta | None, number: int
) -> None:
    """An evening prompt posted at 20:30 Berlin on ``day``, both answers ``wait`` later."""
    posted = datetime(day.year, day.month, day.day, 19, 30, tzinfo=UTC)
    async with bot.services.transaction() as session:
        run = Run(chat_id=chat_id, local_date=day, status="sent", due_at=posted, not_before=posted)
        session.add(run)
        await session.flush()
        together = posted + wait if wait is not None else None
        session.add(
            Post(
                chat_id=chat_id,
                message_id=10_000 + number,
                kind="evening",
                entry_id="seeded",
                run_id=run.id,
                posted_at=posted,
                first_answer_at=together,
                together_at=together,
            )
        )


async def seed_history(bot: RunningBot, chat_id: int) -> None:
    """Seven evenings together, a miss, two together, a miss, three together, a day off (the
    23rd), two together, tonight's prompt still open; two exercises and an activity done."""
    waits: dict[int, timedelta | None] = {day: timedelta(minutes=30) for day in range(9, 16)}
    waits |= {16: None, 17: timedelta(minutes=30), 18: timedelta(minutes=30), 19: None}
    waits |= {day: timedelta(minutes=30) for day in (20, 21, 22)}
    waits |= {24: timedelta(hours=2), 25: timedelta(hours=2, minutes=20), 26: None}
    for day, wait in waits.items():
        await seed_evening(bot, chat_id, date(2026, 11, day), wait, day)
    async with bot.services.transaction() as session:
        for number, done in enumerate((datetime(2026, 11, 18, 20), datetime(2026, 11, 24, 21))):
            posted = done.replace(tzinfo=UTC) - timedelta(minutes=20)
            session.add(
                Post(
                    chat_id=chat_id,
                    message_id=20_000 + number,
                    kind="exercise",
                    posted_at=posted,
                    done_at=done.replace(tzinfo=UTC),
                )
            )
        session.add(Post(chat_id=chat_id, message_id=20_100, kind="exercise", posted_at=EVENING))
        session.add(
            Suggestion(
                chat_id=chat_id,
                source="evening",
                options="a,b,c",
                suggested_at=datetime(2026, 11, 19, 19, 30, tzinfo=UTC),
                chosen_id="a",
                outcome="done",
                done_at=datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
            )
        )


async def test_stats_show_this_week_and_all_time_from_a_known_history(
    bot: RunningBot, couple: Couple
) -> None:
    await seed_history(bot, couple.chat.id)
    bot.clock.set(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))  # Thursday, 22:00 in Berlin

    text = await bot.ask(couple.chat, couple.alex, "/stats")

    week, all_time = text.split("All time")
    assert "Evening questions: 3 · answered by you both: 2" in week
    assert "Exercises done together: 1" in week
    assert "Activities done together: 0" in week
    assert "Typical time until you've both answered: about 2 h 10 min" in week
    assert "Evening questions: 17 · answered by you both: 14" in all_time
    assert "Exercises done together: 2" in all_time
    assert "Activities done together: 1" in all_time
    assert "Typical time until you've both answered: about 30 min" in all_time
    assert "5 evenings in a row answered together (your best so far: 7)" in all_time


async def test_stats_before_any_evening_say_there_is_nothing_yet_without_zeros(
    bot: RunningBot, couple: Couple
) -> None:
    text = await bot.ask(couple.chat, couple.alex, "/stats")

    assert "Nothing to count yet" in text
    assert "0" not in text


async def test_a_quiet_week_gets_encouragement_not_scolding(
    bot: RunningBot, couple: Couple
) -> None:
    await seed_evening(bot, couple.chat.id, date(2026, 11, 23), None, 1)
    await seed_evening(bot, couple.chat.id, date(2026, 11, 24), None, 2)
    bot.clock.set(datetime(2026, 11, 25, 21, 0, tzinfo=UTC))

    text = await bot.ask(couple.chat, couple.alex, "/stats")

    assert "Busy week? That happens." in text
    assert "Typical time" not in text  # no median without an evening answered together


async def evenings_through(bot: RunningBot, couple: Couple, days: int, answered: int = 0) -> None:
    """Tick at 20:30 on each of the first ``days`` days from Monday; the first ``answered``
    prompts are answered by both ten minutes in (so the quiet rule leaves the questions on)."""
    for day in range(days):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
        if day < answered:
            await answer_latest(bot, couple)


async def answer_latest(bot: RunningBot, couple: Couple) -> None:
    async with bot.services.transaction() as session:
        post = await session.scalar(
            select(Post)
            .where(Post.chat_id == couple.chat.id, Post.kind == "evening")
            .order_by(Post.posted_at.desc())
            .limit(1)
        )
        assert post is not None
        partners = (
            await session.scalars(select(Partner).where(Partner.chat_id == couple.chat.id))
        ).all()
        for minutes, partner in enumerate(partners, start=9):
            at = post.posted_at + timedelta(minutes=minutes)
            session.add(Answer(post_id=post.id, partner_id=partner.id, answered_at=at, how="reply"))
        post.first_answer_at = post.posted_at + timedelta(minutes=9)
        post.together_at = post.posted_at + timedelta(minutes=10)


async def test_the_weekly_recap_comes_once_on_sunday_right_after_the_evening_prompt(
    bot: RunningBot, couple: Couple
) -> None:
    await evenings_through(bot, couple, 7, answered=6)
    assert recaps(bot, couple) == []  # Sunday's prompt has just gone out; the recap is next

    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()
    await bot.runner.evening.tick()
    bot.clock.advance(timedelta(hours=1))
    await bot.runner.evening.tick()

    [recap] = recaps(bot, couple)
    assert recap.photo, "the recap comes as the calendar picture with the words under it"
    assert "Evenings you both answered: 6" in words(recap)
    assert " of 7" not in words(recap)
    assert "6 evenings in a row" in words(recap)
    assert "For the week ahead" in words(recap)
    assert recap.message_id > bot.emulator.bot_messages(couple.chat.id)[-2].message_id


async def test_two_replicas_sending_at_once_post_one_recap(bot: RunningBot, couple: Couple) -> None:
    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))

    counts = await asyncio.gather(
        *(send_recaps(bot.services, bot.runner.app.bot) for _ in range(3))
    )

    assert sum(counts) == 1
    assert len(recaps(bot, couple)) == 1


async def test_recap_off_keeps_sunday_quiet(bot: RunningBot, couple: Couple) -> None:
    assert "no more weekly recaps" in await bot.ask(couple.chat, couple.alex, "/recap off")

    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()

    assert recaps(bot, couple) == []
    assert "The weekly recap is off" in await bot.ask(couple.chat, couple.alex, "/recap")


async def test_recap_wednesday_moves_it_from_sunday_to_wednesday(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await bot.ask(couple.chat, couple.alex, "/recap wed")

    assert "Wednesdays" in answer and "comes on Wed 25 Nov" in answer
    await evenings_through(bot, couple, 3, answered=3)
    bot.clock.set(EVENING + timedelta(days=2, minutes=1, seconds=1))
    await bot.runner.evening.tick()
    assert len(recaps(bot, couple)) == 1
    await evenings_through_to_sunday(bot, couple)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()
    assert len(recaps(bot, couple)) == 1


async def evenings_through_to_sunday(bot: RunningBot, couple: Couple) -> None:
    for day in range(3, 7):
        bot.clock.set(EVENING + timedelta(days=day, seconds=1))
        await bot.runner.evening.tick()
        await answer_latest(bot, couple)


async def test_a_recap_more_than_six_hours_late_waits_for_next_week(
    bot: RunningBot, couple: Couple
) -> None:
    await evenings_through(bot, couple, 6, answered=6)

    bot.clock.set(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # the bot was down all evening
    await bot.runner.evening.tick()

    assert recaps(bot, couple) == []
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None
    assert chat.next_recap_at == datetime(2026, 12, 6, 19, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/recap", "Your weekly recap comes on <b>Sundays</b>"),
        ("/recap someday", "I couldn't read “someday”"),
        ("/recap weekends", "pick one day"),
    ],
)
async def test_recap_explains_itself_and_its_arguments(
    bot: RunningBot, couple: Couple, command: str, expected: str
) -> None:
    mark = bot.emulator.mark()
    bot.emulator.send_command(couple.chat, couple.alex, command)
    call = await bot.emulator.wait_for_call("sendMessage", since=mark, chat_id=couple.chat.id)

    assert expected in str(call.params["text"])


async def test_a_quiet_week_gets_a_recap_that_counts_nothing_and_offers_something_to_do(
    bot: RunningBot, couple: Couple
) -> None:
    await evenings_through(bot, couple, 7, answered=0)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))

    await bot.runner.evening.tick()

    [recap] = recaps(bot, couple)
    # Nothing was answered together: the recap says nothing about it, and simply looks ahead.
    assert "A new week starts tomorrow" in words(recap)
    assert "Something to do together" in words(recap)
    assert "Busy week" not in words(recap) and "in a row" not in words(recap)
    assert not any(digit in words(recap).split("For the week ahead")[0] for digit in "0123456789")
    assert recap.reply_markup is None


async def test_no_recap_while_the_couple_is_on_a_break(bot: RunningBot, couple: Couple) -> None:
    await evenings_through(bot, couple, 4, answered=4)
    await bot.ask(couple.chat, couple.alex, "/pause")

    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()

    assert recaps(bot, couple) == []


async def test_the_recaps_exercise_button_posts_that_exercise_once(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await evenings_through(bot, couple, 7, answered=7)
    bot.clock.set(SUNDAY_RECAP + timedelta(seconds=1))
    await bot.runner.evening.tick()
    [recap] = recaps(bot, couple)
    assert recap.reply_markup is not None
    [[button]] = recap.reply_markup.inline_keyboard
    assert button.text == "Show us the exercise"
    guest = emu.create_user("Robin")
    emu.add_member(couple.chat, guest)

    refused = emu.press_button(couple.chat, guest, recap.message_id, str(button.callback_data))
    await emu.wait_for_call("answerCallbackQuery", callback_query_id=refused)
    emu.press_button(couple.chat, couple.sam, recap.message_id, str(button.callback_data))
    await emu.wait_for_call("editMessageReplyMarkup")
    await emu.settle()

    assert "for the couple" in str(emu.answered_callbacks[refused].get("text"))
    posted = emu.bot_messages(couple.chat.id)[-1]
    assert posted.text is not None and posted.text.startswith("🧭")
    after = next(m for m in emu.bot_messages(couple.chat.id) if m.message_id == recap.message_id)
    assert after.reply_markup is None
    async with bot.services.transaction() as session:
        post = await session.scalar(select(Post).where(Post.message_id == posted.message_id))
    assert post is not None and post.kind == "exercise"
    assert post.entry_id == str(button.callback_data).removeprefix("recap:ex:")
