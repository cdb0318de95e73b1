"""Answer privately, revealed together: the whole flow through the emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.kernel.db.models import Answer, PrivateAnswer, PrivateReveal
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import evening, now_message, nudges
from tests.private_answers.flow import (
    answer_privately,
    group_after,
    last_private,
    link,
    say,
    start,
)


async def rows(bot: RunningBot) -> list[PrivateAnswer]:
    async with bot.services.transaction() as session:
        return list(await session.scalars(select(PrivateAnswer).order_by(PrivateAnswer.id)))


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_both_answer_privately_and_the_reveal_copies_both_in_answer_order(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode, tick_seconds=3600)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    couple = Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])
    prompt = await evening(bot)
    assert prompt is not None and prompt.reply_markup is not None
    labels = [b.text for row in prompt.reply_markup.inline_keyboard for b in row]
    assert labels == ["We talked in person", "Answer privately 🔒"]

    payload = await link(bot, couple, sam, prompt)
    opened = await start(bot, sam, payload)
    assert "Reply here." in opened and "Alex won't see your answer until they've answered" in opened
    await say(bot, sam, "Sam's hidden words")
    assert last_private(bot, sam) == "Saved — hidden until Alex answers. 🔒"
    status = now_message(bot, couple, prompt.message_id).text or ""
    assert status.endswith("Alex … · Sam ✓🔒")
    assert group_after(bot, couple, prompt) == []  # nothing shown yet

    await answer_privately(bot, couple, alex, prompt, "Alex's hidden words")

    assert last_private(bot, alex).startswith("Saved — you've both answered now")

    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert shown == [
        "🔓 You both answered — here's what you said (Sam first, then Alex).",
        "Sam's hidden words",
        "Alex's hidden words",
    ]
    assert all(
        m.reply_to_message is not None and m.reply_to_message.message_id == prompt.message_id
        for m in group_after(bot, couple, prompt)
    )
    assert "Alex ✓🔒 · Sam ✓🔒" in (now_message(bot, couple, prompt.message_id).text or "")
    async with bot.services.transaction() as session:
        answers = (await session.scalars(select(Answer).order_by(Answer.id))).all()
    assert [(a.how, a.message_id) for a in answers] == [("private", None), ("private", None)]
    assert [(r.state, r.message_id) for r in await rows(bot)] == [("revealed", None)] * 2


async def test_one_private_answer_is_revealed_when_the_other_replies_in_the_group(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "from Alex, privately")

    bot.emulator.send_message(couple.chat, couple.sam, "Sam in the group", reply_to=prompt)
    await bot.emulator.settle()

    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert shown == [
        "🔓 You both answered — here's what Alex said privately.",
        "from Alex, privately",
    ]


async def test_an_edit_before_the_reveal_is_copied_as_edited_and_media_is_copied_too(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    first = await answer_privately(bot, couple, couple.alex, prompt, "first thought")
    bot.emulator.edit_message(couple.alex.id, couple.alex, first.message_id, "second thought")
    await bot.emulator.settle()
    payload = await link(bot, couple, couple.sam, prompt)
    await start(bot, couple.sam, payload)

    await say(bot, couple.sam, "a voice caption", kind="voice")

    shown = group_after(bot, couple, prompt)
    assert [m.text for m in shown[:2]] == [
        "🔓 You both answered — here's what you said (Alex first, then Sam).",
        "second thought",
    ]
    assert shown[2].voice is not None and shown[2].caption == "a voice caption"
    assert shown[2].from_user is not None and shown[2].from_user.id == bot.emulator.bot.id


async def test_a_deleted_answer_and_a_blocked_bot_are_revealed_as_withdrawn(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    gone = await answer_privately(bot, couple, couple.alex, prompt, "I take it back")
    bot.emulator.delete_message(couple.alex.id, couple.alex, gone.message_id)

    await answer_privately(bot, couple, couple.sam, prompt, "still here")

    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert shown == [
        "🔓 You both answered — here's what you said (Alex first, then Sam).",
        "Alex took their answer back before the reveal.",
        "still here",
    ]
    assert [r.state for r in await rows(bot)] == ["withdrawn", "revealed"]


async def test_a_partner_who_blocked_the_bot_has_their_answer_withdrawn(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "blocked words")
    bot.emulator.block_bot(couple.alex)
    await bot.emulator.settle()

    await answer_privately(bot, couple, couple.sam, prompt, "open words")

    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert "blocked words" not in shown
    assert shown[1:] == ["Alex took their answer back before the reveal.", "open words"]


async def test_a_second_private_answer_replaces_the_first_and_the_bot_says_so(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "draft")

    await say(bot, couple.alex, "final answer")

    assert last_private(bot, couple.alex).startswith("Got it — this replaces your earlier answer")
    await answer_privately(bot, couple, couple.sam, prompt, "Sam's")
    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert shown[1:] == ["final answer", "Sam's"]
    [row, _] = await rows(bot)
    assert row.replaced == 1


async def test_forged_reused_and_other_partners_links_get_a_kind_answer_and_change_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    sams = await link(bot, couple, couple.sam, prompt)
    post, partner, _signature = sams.split("x", 2)

    forged = f"{post}x{partner}x{'A' * 22}"
    assert "doesn't open anything I know" in await start(bot, couple.sam, forged)
    assert "doesn't open anything I know" in await start(bot, couple.sam, "hello")
    assert "made for your partner" in await start(bot, couple.alex, sams)
    assert await rows(bot) == []
    await say(bot, couple.alex, "nothing is open for me")
    assert "tap “Answer privately 🔒” under one" in last_private(bot, couple.alex)

    await answer_privately(bot, couple, couple.alex, prompt, "one")
    await answer_privately(bot, couple, couple.sam, prompt, "two")
    before = [(r.id, r.state, r.message_id) for r in await rows(bot)]
    assert "closed now" in await start(bot, couple.sam, sams)  # reused after the reveal
    await say(bot, couple.sam, "late words")

    assert [(r.id, r.state, r.message_id) for r in await rows(bot)] == before
    assert "late words" not in [m.text for m in group_after(bot, couple, prompt)]


async def test_a_restart_between_the_two_answers_still_reveals_once(
    start_bot: StartBot, couple: Couple, bot: RunningBot
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "before the restart")
    payload = await link(bot, couple, couple.sam, prompt)
    await bot.runner.stop()
    bot.emulator.bots.remove(bot.runner)

    again = await start_bot(tick_seconds=3600)
    await start(again, couple.sam, payload)
    await say(again, couple.sam, "after the restart")
    await again.runner.evening.tick()
    await again.emulator.settle()

    shown = [m.text for m in group_after(again, couple, prompt)]
    assert shown == [
        "🔓 You both answered — here's what you said (Alex first, then Sam).",
        "before the restart",
        "after the restart",
    ]


async def test_a_lone_answer_is_shared_only_after_a_tap_and_kept_ids_go_after_48_hours(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "only mine")
    emu = bot.emulator

    bot.clock.advance(timedelta(hours=21))
    await bot.runner.evening.tick()
    await emu.settle()
    question = emu.bot_messages(couple.alex.id)[-1]
    assert "Sam didn't get to answer this one in time" in (question.text or "")
    assert group_after(bot, couple, prompt) == []  # nothing without the tap
    await bot.runner.evening.tick()  # asked once
    await emu.settle()
    assert emu.bot_messages(couple.alex.id)[-1].message_id == question.message_id

    mark = emu.mark()
    query = emu.press_button(couple.alex.id, couple.alex, question.message_id, _share(question))
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()

    shown = [m.text for m in group_after(bot, couple, prompt)]
    assert shown == ["🔓 Alex chose to share their answer.", "only mine"]
    async with bot.services.transaction() as session:
        assert (await session.scalar(select(PrivateReveal.how))) == "shared"


async def test_keep_it_private_reveals_nothing_and_ids_are_cleared_after_48_hours(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "kept")
    exercise = await _exercise(bot, couple)
    await answer_privately(bot, couple, couple.sam, exercise, "expires")
    emu = bot.emulator
    bot.clock.advance(timedelta(hours=21))
    await bot.runner.evening.tick()
    await emu.settle()
    question = emu.bot_messages(couple.alex.id)[-1]
    mark = emu.mark()
    query = emu.press_button(
        couple.alex.id, couple.alex, question.message_id, _share(question, "no")
    )
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    assert "kept" not in [m.text for m in group_after(bot, couple, prompt)]
    assert last_private(bot, couple.alex) == question.text  # answered by an alert only

    bot.clock.advance(timedelta(hours=28))
    await bot.runner.evening.tick()
    await emu.settle()

    assert [(r.state, r.message_id) for r in await rows(bot)] == [
        ("kept", None),
        ("expired", None),
    ]


async def test_private_off_hides_the_button_and_only_counts_private_answers(
    bot: RunningBot, couple: Couple
) -> None:
    assert "Private answers are off" in await bot.ask(couple.chat, couple.alex, "/private off")
    prompt = await evening(bot)
    assert prompt is not None and prompt.reply_markup is not None
    assert [b.text for row in prompt.reply_markup.inline_keyboard for b in row] == [
        "We talked in person"
    ]
    assert "are off here" in await bot.ask(couple.chat, couple.alex, "/private")
    assert "Private answers only" in await bot.ask(couple.chat, couple.sam, "/private only")
    exercise = await _exercise(bot, couple)
    assert exercise.reply_markup is not None
    assert exercise.reply_markup.inline_keyboard[0][0].text == "Answer privately 🔒"

    hint = await _reply(bot, couple, exercise)

    assert "answers are given privately" in hint
    async with bot.services.transaction() as session:
        assert (await session.scalars(select(Answer))).all() == []
    guest = bot.emulator.create_user("Robin")
    bot.emulator.add_member(couple.chat, guest)
    assert "for the couple" in await bot.ask(couple.chat, guest, "/private off")


async def _exercise(bot: RunningBot, couple: Couple):  # type: ignore[no-untyped-def]
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, "/exercise")
    posted = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    return posted


async def _reply(bot: RunningBot, couple: Couple, prompt) -> str:  # type: ignore[no-untyped-def]
    emu = bot.emulator
    mark = emu.mark()
    emu.send_message(couple.chat, couple.sam, "in the group", reply_to=prompt)
    answer = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    return answer.text or ""


def _share(question, answer: str = "yes") -> str:  # type: ignore[no-untyped-def]
    rows = question.reply_markup.inline_keyboard
    return next(
        str(b.callback_data) for row in rows for b in row if f":{answer}:" in str(b.callback_data)
    )


async def test_a_private_answer_counts_for_the_nudge_and_the_stats_like_any_other(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await bot.ask(couple.chat, couple.alex, "/time 18:00")  # the nudge comes before quiet hours
    prompt = await evening(bot, after=timedelta(hours=-1, minutes=-30, seconds=1))
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "counted, not shown")

    bot.clock.advance(timedelta(hours=2, minutes=5))
    await bot.runner.evening.tick()
    await emu.settle()

    [nudge] = nudges(bot, couple)
    assert (nudge.text or "").startswith("Sam, there's room for your answer")
    assert "counted, not shown" not in [m.text for m in group_after(bot, couple, prompt)]
    await answer_privately(bot, couple, couple.sam, prompt, "now both")
    stats = await bot.ask(couple.chat, couple.sam, "/stats")
    assert "answered by you both: 1" in stats
