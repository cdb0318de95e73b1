"""A couple's evenings as the behaviour tests of answers, nudges and activities play them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from telegram import Message

from bot.kernel.db.models import Run
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


def nudges(bot: RunningBot, couple: Couple) -> list[Message]:
    return [
        m
        for m in bot.emulator.bot_messages(couple.chat.id)
        if m.text and "room for your answer" in m.text
    ]


async def press_time(bot: RunningBot, couple: Couple, command: str) -> str:
    """Send a command as Alex and return the bot's answer."""
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, command)
    answer = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    return answer.text or ""


def is_evening_post(message: Message) -> bool:
    """Whether a bot message is an evening post: a prompt (answered by reply, by talking it over
    or by doing it together) or an exercise evening's exercise."""
    text = message.text or ""
    return text.startswith("💬") or "exercise evening" in text


def prompts_in(bot: RunningBot, chat_id: int) -> list[Message]:
    """The evening prompts the bot posted in a chat."""
    return [m for m in bot.emulator.bot_messages(chat_id) if is_evening_post(m)]


async def run_count(bot: RunningBot, **where: object) -> int:
    """How many evening runs match the filters."""
    async with bot.services.transaction() as session:
        query = select(func.count()).select_from(Run).filter_by(**where)
        return int(await session.scalar(query) or 0)
