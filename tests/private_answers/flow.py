"""Playing a private evening: the button, the link, the private chat, the reveal."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from telegram import Message, User

from tests.conftest import Couple, RunningBot

PRIVATELY = "privately"


async def link(bot: RunningBot, couple: Couple, who: User, prompt: Message) -> str:
    """Press "Answer privately" as ``who``; return the deep link's payload Telegram opens."""
    emu = bot.emulator
    mark = emu.mark()
    query = emu.press_button(couple.chat, who, prompt.message_id, PRIVATELY)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    answered = emu.answered_callbacks[query]
    url = str(answered.get("url") or "")
    assert url, answered
    parsed = urlparse(url)
    assert parsed.netloc == "t.me" and parsed.path == "/QualityTimeBot"
    return parse_qs(parsed.query)["start"][0]


async def start(bot: RunningBot, who: User, payload: str) -> str:
    """The partner opens the link: /start <payload> in their private chat; the bot's answer."""
    emu = bot.emulator
    chat = emu.private_chat(who)
    mark = emu.mark()
    emu.send_command(chat, who, f"/start {payload}")
    answer = await emu.wait_for_message(chat.id, since=mark)
    await emu.settle()
    return answer.text or ""


async def say(bot: RunningBot, who: User, text: str | None = None, kind: str = "text") -> Message:
    """The partner answers in the private chat (text, or a voice note, photo...)."""
    emu = bot.emulator
    chat = emu.private_chat(who)
    mark = emu.mark()
    if kind == "text":
        assert text is not None
        sent = emu.send_message(chat, who, text)
    else:
        sent = emu.send_media(chat, who, kind, caption=text)
    await emu.wait_for_message(chat.id, since=mark)
    await emu.settle()
    return sent


def last_private(bot: RunningBot, who: User) -> str:
    """What the bot said last in the partner's private chat."""
    return bot.emulator.bot_messages(who.id)[-1].text or ""


def group_after(bot: RunningBot, couple: Couple, prompt: Message) -> list[Message]:
    """The bot's messages in the group after the prompt, in order."""
    return [
        m for m in bot.emulator.bot_messages(couple.chat.id) if m.message_id > prompt.message_id
    ]


async def answer_privately(
    bot: RunningBot, couple: Couple, who: User, prompt: Message, text: str
) -> Message:
    """The whole private path: press, open, answer."""
    payload = await link(bot, couple, who, prompt)
    await start(bot, who, payload)
    return await say(bot, who, text)
