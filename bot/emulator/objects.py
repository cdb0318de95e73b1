"""Builders for the PTB objects methods return: members, chat info, keyboards, formatted text."""

from __future__ import annotations

import datetime as dtm
from typing import Any

from telegram import (
    AcceptedGiftTypes,
    ChatFullInfo,
    ChatMember,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    ChatMemberUpdated,
    ChatPermissions,
    InlineKeyboardMarkup,
    MessageEntity,
    User,
)

from bot.emulator.errors import bad_request
from bot.emulator.html import EntityParseError, detect_entities, parse_html, strip_text, utf16_len
from bot.emulator.state import ChatState, World

_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_NO_GIFTS = AcceptedGiftTypes(False, False, False, False, False)


def member(user: User, status: str) -> ChatMember:
    """The ChatMember subclass for a status."""
    if status == "creator":
        return ChatMemberOwner(user, is_anonymous=False)
    if status == "administrator":
        return ChatMemberAdministrator(
            user,
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
        )
    if status == "member":
        return ChatMemberMember(user)
    if status == "kicked":
        return ChatMemberBanned(user, until_date=dtm.datetime.fromtimestamp(0, dtm.UTC))
    return ChatMemberLeft(user)


def member_updated(
    world: World, state: ChatState, target: User, old: str, new: str, by: User
) -> ChatMemberUpdated:
    """A my_chat_member/chat_member payload: `target` went from `old` to `new` status."""
    return ChatMemberUpdated(
        chat=state.chat,
        from_user=by,
        date=world.now(),
        old_chat_member=member(target, old),
        new_chat_member=member(target, new),
    )


def full_info(state: ChatState) -> ChatFullInfo:
    """getChat's answer."""
    chat = state.chat
    return ChatFullInfo(
        id=chat.id,
        type=chat.type,
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types=_NO_GIFTS,
        title=chat.title,
        username=chat.username,
        first_name=chat.first_name,
        last_name=chat.last_name,
        permissions=None if state.is_private else ChatPermissions.all_permissions(),
    )


def inline_markup(raw: Any) -> InlineKeyboardMarkup | None:
    """Validate reply_markup; only inline keyboards show up on the sent message."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in raw:
        return None  # reply keyboards, ForceReply, ReplyKeyboardRemove: accepted, not echoed
    rows = raw["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if not any(key in button for key in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
    markup = InlineKeyboardMarkup.de_json(raw, None)
    return markup if markup is not None and markup.inline_keyboard else None


def formatted(
    text: str, parse_mode: str | None, entities: Any, field: str = "text"
) -> tuple[str, list[MessageEntity]]:
    """Apply parse_mode (HTML only) or explicit entities, then Telegram's trimming and detection."""
    explicit: list[MessageEntity] = []
    if parse_mode:
        if parse_mode.lower() != "html":
            raise bad_request(f"unsupported parse_mode {parse_mode!r} (the emulator speaks HTML)")
        try:
            text, explicit = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif isinstance(entities, list):
        explicit = _explicit_entities(entities, utf16_len(text), field)
    text, explicit = strip_text(text, explicit)
    return text, detect_entities(text, explicit)


def _explicit_entities(raw: list[Any], limit: int, field: str) -> list[MessageEntity]:
    result: list[MessageEntity] = []
    for item in raw:
        try:
            entity = MessageEntity.de_json(item, None) if isinstance(item, dict) else None
        except (KeyError, TypeError, ValueError):
            entity = None
        if entity is None or entity.offset < 0 or entity.length <= 0:
            raise bad_request(f"can't parse {field} entities: invalid entity")
        if entity.offset + entity.length <= limit:
            result.append(entity)
    return result


def entity_dicts(entities: list[MessageEntity]) -> list[dict[str, Any]] | None:
    """Entities as JSON for replace_message (None removes the field)."""
    return [e.to_dict() for e in entities] or None
