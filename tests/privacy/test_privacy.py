"""/forget and /export through the emulator: every table checked, and no message text anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from telegram import Chat as TgChat
from telegram import Message

from bot.features.privacy.queries import SECTIONS
from bot.kernel.db.models import (
    Answer,
    Chat,
    Partner,
    Post,
    PrivateAnswer,
    PrivateReveal,
    Suggestion,
)
from tests.conftest import Couple, RunningBot, StartBot

# Monday 23 November 2026, 20:30 in Berlin.
EVENING = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
SECRET = "OUR-PRIVATE-WORDS-42"


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    bot = await start_bot(tick_seconds=3600)
    return bot


async def known(bot: RunningBot, chat: TgChat, *people: object) -> None:
    """Everyone named talks to the bot once, so they are the couple."""
    for person in people:
        bot.emulator.send_command(chat, person, "/help")  # type: ignore[arg-type]
    await bot.emulator.settle()


async def seed_activity(bot: RunningBot, chat_id: int) -> None:
    """Answers from both partners and an activity done, on the chat's latest evening prompt."""
    async with bot.services.transaction() as session:
        post = await session.scalar(
            select(Post).where(Post.chat_id == chat_id).order_by(Post.id.desc()).limit(1)
        )
        partners = (await session.scalars(select(Partner).where(Partner.chat_id == chat_id))).all()
        assert post is not None and len(partners) == 2
        for partner in partners:
            if await session.scalar(
                select(Answer.id).where(Answer.post_id == post.id, Answer.partner_id == partner.id)
            ):
                continue  # the bot noticed this one itself
            session.add(
                Answer(post_id=post.id, partner_id=partner.id, answered_at=EVENING, how="reply")
            )
        # A private answer, already revealed: the id forgotten, the fact kept.
        session.add(
            PrivateAnswer(
                chat_id=chat_id,
                post_id=post.id,
                partner_id=partners[0].id,
                user_id=partners[0].user_id,
                opened_at=EVENING,
                answered_at=EVENING,
                kind="voice",
                state="revealed",
                replaced=0,
            )
        )
        session.add(
            PrivateReveal(post_id=post.id, chat_id=chat_id, revealed_at=EVENING, how="both")
        )
        session.add(
            Suggestion(
                chat_id=chat_id,
                source="evening",
                options="a,b,c",
                suggested_at=EVENING,
                chosen_id="a",
                outcome="done",
                done_at=EVENING + timedelta(days=1),
            )
        )


def _count_rows(conn: Connection, chat_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    found = inspect(conn)
    for table in found.get_table_names():
        if table == "alembic_version":
            continue
        columns = {c["name"] for c in found.get_columns(table)}
        if table == "chats":
            where = "id = :chat"
        elif "chat_id" in columns:
            where = "chat_id = :chat"
        elif table == "answers":
            where = (
                "post_id IN (SELECT id FROM posts WHERE chat_id = :chat) "
                "OR partner_id IN (SELECT id FROM partners WHERE chat_id = :chat)"
            )
        else:
            raise AssertionError(f"table {table} has no known link to a chat: teach /forget")
        query = text(f"SELECT count(*) FROM {table} WHERE {where}")
        counts[table] = int(conn.execute(query, {"chat": chat_id}).scalar_one())
    return counts


async def rows(bot: RunningBot, chat_id: int) -> dict[str, int]:
    """Rows about a chat in every table of the database, by table."""
    async with bot.services.engine.connect() as conn:
        return await conn.run_sync(_count_rows, chat_id)


async def two_busy_couples(bot: RunningBot, couple: Couple) -> TgChat:
    """Alex & Sam, and Kim & Noor in their own group, each with a week's worth of data."""
    emu = bot.emulator
    kim, noor = emu.create_user("Kim"), emu.create_user("Noor")
    other = emu.create_group("Kim & Noor", [kim, noor], added_by=kim)
    await known(bot, couple.chat, couple.alex, couple.sam)
    await known(bot, other, kim, noor)
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    await emu.settle()
    for chat_id in (couple.chat.id, other.id):
        await seed_activity(bot, chat_id)
    return other


async def command(bot: RunningBot, chat: TgChat, person: object, text: str) -> Message:
    mark = bot.emulator.mark()
    bot.emulator.send_command(chat, person, text)  # type: ignore[arg-type]
    return await bot.emulator.wait_for_message(chat.id, since=mark)


async def press(bot: RunningBot, chat: TgChat, person: object, message: Message, data: str) -> str:
    """Press a button (/forget's by its answer, "forget:yes"); return the text of the alert."""
    emu = bot.emulator
    mark = emu.mark()
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    offered = [str(b.callback_data) for row in rows for b in row]
    data = next((o for o in offered if o.startswith(f"{data}:")), data)
    query_id = emu.press_button(chat, person, message.message_id, data)  # type: ignore[arg-type]
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query_id)
    await emu.settle()
    return str(emu.answered_callbacks[query_id].get("text") or "")


def other_partner(bot: RunningBot, chat: TgChat) -> object:
    """Kim, who made the other couple's group."""
    return next(u for u in bot.emulator.world.users.values() if u.first_name == "Kim")


def current(bot: RunningBot, chat: TgChat, message: Message) -> Message:
    return next(m for m in bot.emulator.bot_messages(chat.id) if m.message_id == message.message_id)


async def test_forget_asks_first_and_keep_it_deletes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    await two_busy_couples(bot, couple)

    question = await command(bot, couple.chat, couple.alex, "/forget")
    before = await rows(bot, couple.chat.id)  # the question itself is stored
    assert question.reply_markup is not None
    labels = [b.text for row in question.reply_markup.inline_keyboard for b in row]
    assert labels == ["Yes, delete everything", "Keep it"]
    await press(bot, couple.chat, couple.sam, question, "forget:no")

    assert "nothing was deleted" in str(current(bot, couple.chat, question).text)
    assert await rows(bot, couple.chat.id) == before


async def test_forget_leaves_no_row_about_the_chat_in_any_table_and_other_chats_untouched(
    bot: RunningBot, couple: Couple
) -> None:
    other = await two_busy_couples(bot, couple)
    await command(bot, couple.chat, couple.alex, "/time 21:00")
    question = await command(bot, couple.chat, couple.alex, "/forget")
    await command(bot, other, other_partner(bot, other), "/forget")
    ours, theirs = await rows(bot, couple.chat.id), await rows(bot, other.id)
    assert all(ours.values()) and all(theirs.values()), (ours, theirs)

    await press(bot, couple.chat, couple.alex, question, "forget:yes")

    assert set((await rows(bot, couple.chat.id)).values()) == {0}
    assert await rows(bot, other.id) == theirs
    said = str(current(bot, couple.chat, question).text)
    assert "everything I kept about this chat is deleted" in said
    assert "start fresh with default settings" in said and "remove me from the group" in said


async def test_after_forget_the_next_command_starts_fresh_with_default_settings(
    bot: RunningBot, couple: Couple
) -> None:
    await known(bot, couple.chat, couple.alex, couple.sam)
    await command(bot, couple.chat, couple.alex, "/time 21:00")
    question = await command(bot, couple.chat, couple.alex, "/forget")
    await press(bot, couple.chat, couple.alex, question, "forget:yes")

    settings = await command(bot, couple.chat, couple.sam, "/settings")

    assert settings.text is not None and "20:30" in settings.text
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None and chat.next_send_at == EVENING


async def test_export_sends_every_section_as_json_without_any_message_text(
    bot: RunningBot, couple: Couple
) -> None:
    await known(bot, couple.chat, couple.alex, couple.sam)
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.tick()
    prompt = bot.emulator.bot_messages(couple.chat.id)[-1]
    bot.emulator.send_message(couple.chat, couple.alex, f"{SECRET} reply", reply_to=prompt)
    bot.emulator.send_message(couple.chat, couple.sam, f"{SECRET} chatter")
    await bot.emulator.settle()
    await seed_activity(bot, couple.chat.id)

    caption = await command(bot, couple.chat, couple.sam, "/export")

    [(name, payload)] = bot.emulator.documents(couple.chat.id)
    assert name == f"quality-time-export-group{-couple.chat.id}.json"
    assert "--" not in name
    assert caption.caption is not None and "no message text" in caption.caption
    assert SECRET.encode() not in payload
    data = json.loads(payload)
    assert set(SECTIONS) <= set(data)
    assert data["settings"]["timezone"] == "Europe/Berlin"
    assert sorted(p["display_name"] for p in data["partners"]) == ["Alex", "Sam"]
    assert [r["status"] for r in data["evening_runs"]] == ["sent"]
    assert data["posts"][0]["kind"] == "evening"
    assert {"partner_id", "answered_at", "how"} <= set(data["answers"][0])
    assert len(data["answers"]) == 2
    assert data["activity_suggestions"][0]["outcome"] == "done"
    assert data["library_use"][0]["entry_id"] == data["posts"][0]["entry_id"]


async def test_a_guest_can_neither_forget_nor_export(bot: RunningBot, couple: Couple) -> None:
    await two_busy_couples(bot, couple)
    guest = bot.emulator.create_user("Robin")
    bot.emulator.add_member(couple.chat, guest)
    before = await rows(bot, couple.chat.id)

    refusal = await command(bot, couple.chat, guest, "/forget")
    assert refusal.reply_markup is None and "only the couple" in str(refusal.text)
    refusal = await command(bot, couple.chat, guest, "/export")
    assert "only the couple" in str(refusal.text)
    assert bot.emulator.documents(couple.chat.id) == []
    question = await command(bot, couple.chat, couple.alex, "/forget")
    before = await rows(bot, couple.chat.id)  # the question Alex asked is stored
    alert = await press(bot, couple.chat, guest, question, "forget:yes")

    assert "only the couple" in alert
    assert await rows(bot, couple.chat.id) == before
