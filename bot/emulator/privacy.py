"""Telegram's privacy mode: which group messages a bot is shown."""

from __future__ import annotations

import re

from telegram import Message

from bot.emulator.state import BOT_PRESENT, ChatState, World

_SERVICE_FIELDS = (
    "new_chat_members",
    "left_chat_member",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "group_chat_created",
    "supergroup_chat_created",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "pinned_message",
)


def is_service(message: Message) -> bool:
    """Service messages (joins, leaves, migrations...) reach bots despite privacy mode."""
    return any(getattr(message, name) for name in _SERVICE_FIELDS)


def bot_sees(world: World, state: ChatState, message: Message) -> bool:
    """Telegram's privacy mode: what a non-admin bot in a group is shown."""
    bot = world.bot
    status = state.members.get(bot.id, "left")
    if state.is_private:
        return status != "kicked"
    if status not in BOT_PRESENT:
        return False
    if not world.privacy_mode or status == "administrator" or is_service(message):
        return True
    text = message.text or message.caption or ""
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        return not addressee or addressee.lower() == (bot.username or "").lower()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
        return True
    mention = rf"(?<![\w@])@{re.escape(bot.username or '')}(?!\w)"
    return bool(bot.username) and re.search(mention, text, re.IGNORECASE) is not None
