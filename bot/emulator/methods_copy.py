"""copyMessage and copyMessages: a user's message copied into another chat by the bot.

The copy carries the content (text, caption, voice, photo, video note, sticker, ...) as the
message is *now* (an edit is copied as edited), with no link to the original, and is sent by the
bot. The source must be a chat the bot can read: a private chat whose user blocked the bot
answers 403; a message deleted meanwhile answers 400.
"""

from __future__ import annotations

from typing import Any

from telegram import Message

from bot.emulator.errors import bad_request
from bot.emulator.methods import reply_target
from bot.emulator.params import opt_int, opt_json
from bot.emulator.registry import method
from bot.emulator.state import ChatState, World, replace_message

# What a copy takes from the original; everything else (sender, date, replies, forward
# origin, keyboards) is the copy's own.
CONTENT = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "voice",
    "photo",
    "video_note",
    "sticker",
    "video",
    "audio",
    "document",
    "animation",
)
_NOT_COPYABLE = ("poll", "dice", "invoice", "game")


def _source(world: World, p: dict[str, Any]) -> ChatState:
    return world.chat(p.get("from_chat_id"), sending=False)


def _copy(
    world: World, target: ChatState, original: Message, reply: Message | None
) -> dict[str, Any]:
    if any(getattr(original, name, None) for name in _NOT_COPYABLE):
        raise bad_request("the message can't be copied")
    source = original.to_dict()
    content = {key: source[key] for key in CONTENT if key in source}
    if not content:
        raise bad_request("the message can't be copied")
    stored = world.store(target, from_user=world.bot, reply_to_message=reply)
    copied = replace_message(stored, **content)
    target.messages[copied.message_id] = copied
    world.limits.record(target.id)
    return {"message_id": copied.message_id}


@method("copyMessage")
def copy_message(world: World, p: dict[str, Any]) -> Any:
    """Copy one message; answers its new MessageId."""
    source = _source(world, p)
    target = world.chat(p.get("chat_id"))
    original = world.message(source, opt_int(p, "message_id"), "message to copy not found")
    reply = reply_target(world, target, p)
    world.limits.check(target.id, target.is_private)
    return _copy(world, target, original, reply)


@method("copyMessages")
def copy_messages(world: World, p: dict[str, Any]) -> Any:
    """Copy several messages in order; those that cannot be found are skipped, as Telegram does."""
    source = _source(world, p)
    target = world.chat(p.get("chat_id"))
    ids = opt_json(p, "message_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise bad_request("message identifiers are not specified")
    if ids != sorted(set(ids)) or len(ids) > 100:
        raise bad_request("message identifiers must be strictly increasing, at most 100")
    world.limits.check(target.id, target.is_private)
    copied = []
    for message_id in ids:
        original = source.messages.get(message_id)
        if original is not None:
            copied.append(_copy(world, target, original, None))
    return copied
