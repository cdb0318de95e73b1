"""The promise: what partners write privately passes through neither the database nor the logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.kernel.db.models import PrivateAnswer
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import evening
from tests.private_answers.flow import answer_privately, group_after

ALEX_WORDS = "MARMALADE-SKY-7731"
SAM_WORDS = "VELVET-HARBOUR-0412"


async def test_private_answers_words_are_in_no_database_file_and_no_log(
    start_bot: StartBot,
    sqlite_url: str,
    bot_logs: pytest.CaptureFixture[str],
) -> None:
    bot = await start_bot(tick_seconds=3600)
    couple = await _couple(bot)
    prompt = await evening(bot)
    assert prompt is not None

    await answer_privately(bot, couple, couple.alex, prompt, f"{ALEX_WORDS} is my answer")
    await answer_privately(bot, couple, couple.sam, prompt, f"{SAM_WORDS} is mine")

    shown = " ".join(m.text or "" for m in group_after(bot, couple, prompt))
    assert ALEX_WORDS in shown and SAM_WORDS in shown  # revealed, by copy
    path = Path(sqlite_url.removeprefix("sqlite+aiosqlite:///"))
    stored = b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )
    assert len(stored) > 0
    logs = "".join(bot_logs.readouterr())
    assert "private" in logs or "answer" in logs  # the bot did log, at DEBUG
    for words in (ALEX_WORDS, SAM_WORDS):
        assert words.encode() not in stored
        assert words not in logs
    caption_export = await _export(bot, couple)
    assert ALEX_WORDS not in caption_export and SAM_WORDS not in caption_export


async def test_export_shows_when_and_how_and_forget_deletes_the_ids(
    bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await answer_privately(bot, couple, couple.alex, prompt, "kept from the export")

    data = json.loads(await _export(bot, couple))

    [row] = data["private_answers"]
    assert row["kind"] == "text" and row["answered_at"] and row["state"] == "hidden"
    assert "message_id" not in row
    question = await _ask(bot, couple, "/forget")
    emu = bot.emulator
    mark = emu.mark()
    data_yes = next(
        str(b.callback_data)
        for r in (question.reply_markup.inline_keyboard if question.reply_markup else ())
        for b in r
        if str(b.callback_data).startswith("forget:yes")
    )
    query = emu.press_button(couple.chat, couple.alex, question.message_id, data_yes)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    async with bot.services.transaction() as session:
        assert (await session.scalars(select(PrivateAnswer))).all() == []


async def _couple(bot: RunningBot) -> Couple:
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    return Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])


async def _ask(bot: RunningBot, couple: Couple, command: str):  # type: ignore[no-untyped-def]
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, command)
    answer = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    return answer


async def _export(bot: RunningBot, couple: Couple) -> str:
    await _ask(bot, couple, "/export")
    _name, payload = bot.emulator.documents(couple.chat.id)[-1]
    return payload.decode()
