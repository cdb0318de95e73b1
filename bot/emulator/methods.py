"""Bot API methods about messages: send, edit, delete, callback answers, chat actions."""

from __future__ import annotations

import re
from typing import Any

from telegram import Message
from telegram.constants import ChatAction, MessageLimit

from bot.emulator.errors import bad_request
from bot.emulator.html import utf16_len
from bot.emulator.objects import entity_dicts, formatted, inline_markup
from bot.emulator.params import opt_bool, opt_int, opt_str
from bot.emulator.registry import method
from bot.emulator.state import (
    ChatState,
    World,
    as_reply_target,
    change_fields,
    replace_message,
)

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
# answerCallbackQuery's url: outside games, only the bot's own t.me link with a /start payload.
_START_LINK = re.compile(r"https://t\.me/(\w{5,32})\?start=[A-Za-z0-9_-]{1,64}")
_CHAT_ACTIONS = frozenset(str(action) for action in ChatAction)


def reply_target(world: World, state: ChatState, p: dict[str, Any]) -> Message | None:
    """The message being replied to (reply_parameters or the legacy reply_to_message_id)."""
    reply = p.get("reply_parameters")
    if isinstance(reply, dict):
        message_id = opt_int(reply, "message_id")
        allow_missing = opt_bool(reply, "allow_sending_without_reply")
        other = opt_int(reply, "chat_id")
        if other is not None and other != state.id:
            state = world.chats.get(other, state)
    else:
        message_id = opt_int(p, "reply_to_message_id")
        allow_missing = opt_bool(p, "allow_sending_without_reply")
    if message_id is None:
        return None
    target = state.messages.get(message_id)
    if target is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return as_reply_target(target)


def message_text(p: dict[str, Any]) -> tuple[str, list[Any]]:
    """Validated text and entities of sendMessage/editMessageText."""
    raw = opt_str(p, "text")
    if not raw:
        raise bad_request("message text is empty")
    text, entities = formatted(raw, opt_str(p, "parse_mode"), p.get("entities"))
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MessageLimit.MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, entities


@method("sendMessage")
def send_message(world: World, p: dict[str, Any]) -> Any:
    """Post a text message from the bot."""
    state = world.chat(p.get("chat_id"))
    text, entities = message_text(p)
    reply = reply_target(world, state, p)
    markup = inline_markup(p.get("reply_markup"))
    paid = opt_bool(p, "allow_paid_broadcast")  # counted against the paid ceiling
    world.limits.check(state.id, state.is_private, paid)
    message = world.store(
        state,
        from_user=world.bot,
        text=text,
        entities=entities or None,
        reply_to_message=reply,
        reply_markup=markup,
    )
    world.limits.record(state.id, paid)
    data = world.text_message_dict(state, message)
    world.remember_dict(state, message, data)
    return data


def _own_message(world: World, state: ChatState, p: dict[str, Any]) -> Message:
    if p.get("inline_message_id"):
        raise bad_request("inline messages are not supported by the emulator")
    message = world.message(state, opt_int(p, "message_id"), "message to edit not found")
    if message.from_user is None or message.from_user.id != world.bot.id:
        raise bad_request("message can't be edited")
    return message


def _markup_dict(raw: Any) -> dict[str, Any] | None:
    markup = inline_markup(raw)
    return markup.to_dict() if markup is not None else None


def _current_markup(message: Message) -> dict[str, Any] | None:
    return message.reply_markup.to_dict() if message.reply_markup is not None else None


def _save(world: World, state: ChatState, message: Message, **changes: Any) -> Any:
    """Store the edited message (JSON fields changed; None removes) and answer with it."""
    if message.text is None:  # e.g. a poll's keyboard
        edited = replace_message(message, edit_date=int(world.clock()), **changes)
        state.messages[edited.message_id] = edited
        return edited.to_dict()
    # A text message, the bot's own: start from its quick dict rather than to_dict().
    changes["edit_date"] = int(world.clock())
    data = change_fields(world.text_message_dict(state, message), changes)
    edited = Message.de_json(data, None)
    state.messages[edited.message_id] = edited
    world.remember_dict(state, edited, data)
    return data


@method("editMessageText")
def edit_message_text(world: World, p: dict[str, Any]) -> Any:
    """Change the text (and keyboard: none given removes it) of a bot message."""
    state = world.chat(p.get("chat_id"))
    message = _own_message(world, state, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = message_text(p)
    markup = _markup_dict(p.get("reply_markup"))
    new_entities = entity_dicts(entities)
    old_entities = entity_dicts(list(message.entities))
    if (text, new_entities, markup) == (message.text, old_entities, _current_markup(message)):
        raise bad_request(_NOT_MODIFIED)
    return _save(world, state, message, text=text, entities=new_entities, reply_markup=markup)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(world: World, p: dict[str, Any]) -> Any:
    """Replace or remove the inline keyboard of a bot message."""
    state = world.chat(p.get("chat_id"))
    message = _own_message(world, state, p)
    markup = _markup_dict(p.get("reply_markup"))
    if markup == _current_markup(message):
        raise bad_request(_NOT_MODIFIED)
    return _save(world, state, message, reply_markup=markup)


@method("deleteMessage")
def delete_message(world: World, p: dict[str, Any]) -> Any:
    """Delete a message: the bot's own, or anyone's where it is admin or in private chats."""
    state = world.chat(p.get("chat_id"))
    message = world.message(state, opt_int(p, "message_id"), "message to delete not found")
    mine = message.from_user is not None and message.from_user.id == world.bot.id
    if not (mine or state.is_private or world.bot_is_admin(state)):
        raise bad_request("message can't be deleted")
    del state.messages[message.message_id]
    return True


@method("answerCallbackQuery")
def answer_callback_query(world: World, p: dict[str, Any]) -> Any:
    """Answer a button press once."""
    query_id = opt_str(p, "callback_query_id")
    if not query_id or query_id not in world.callbacks or query_id in world.answered_callbacks:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = opt_str(p, "text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    url = opt_str(p, "url")
    if url is not None:
        link = _START_LINK.fullmatch(url)
        # Only the bot's own t.me link opens from a button (games aside).
        if link is None or link[1] != world.bot.username:
            raise bad_request("URL_INVALID")
    world.answered_callbacks[query_id] = dict(p)
    return True


@method("sendChatAction")
def send_chat_action(world: World, p: dict[str, Any]) -> Any:
    """ "typing..." and friends: only validated."""
    world.chat(p.get("chat_id"))
    if opt_str(p, "action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
