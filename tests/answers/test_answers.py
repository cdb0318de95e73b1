"""Answers noticed: replies, messages when the bot sees them, and "we talked in person"."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from telegram import Message

from bot.kernel.db.models import Answer, Post
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import SECRET, evening, now_message, press, reply


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


def buttons_of(message: Message) -> list[str]:
    markup = message.reply_markup
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row] if markup else []


async def test_we_talked_in_person_counts_for_both(bot: RunningBot, couple: Couple) -> None:
    # The first evening whose prompt is talked about (a "do" prompt has "Done" instead).
    for day in range(5):
        prompt = await evening(bot, day)
        if prompt is not None and "inperson" in buttons_of(prompt):
            break
    assert prompt is not None and "inperson" in buttons_of(prompt)

    answer = await press(bot, couple, prompt, "inperson")

    assert "counts for both" in answer
    after = now_message(bot, couple, prompt.message_id)
    assert after.text is not None and "talked it over in person" in after.text
    async with bot.services.transaction() as session:
        hows = (await session.scalars(select(Answer.how))).all()
    assert sorted(hows) == ["button", "button"]


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
