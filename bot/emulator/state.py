"""The emulated world: users, chats, messages, polls, files and the calls the bot made."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Chat, Message, Poll, PollOption, User

from bot.emulator.errors import bad_request, forbidden
from bot.emulator.limits import Faults, RateLimits
from bot.emulator.updates import UpdateQueue

PRESENT = frozenset({"creator", "administrator", "member"})
BOT_PRESENT = frozenset({"administrator", "member"})


@dataclass(slots=True)
class Call:
    """One Bot API request the bot made, with its answer."""

    method: str
    params: dict[str, Any]
    ok: bool
    status: int
    result: Any  # None on errors
    error: str | None
    at: float


@dataclass(slots=True)
class ChatState:
    """A chat as the emulator sees it: members, messages in order, bot status."""

    chat: Chat
    members: dict[int, str]  # user id (the bot included) -> ChatMember status
    chat_instance: str
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None
    started: bool = False  # private chats: the user pressed Start (sent /start)
    bot_left_itself: bool = False

    @property
    def id(self) -> int:
        """The chat id."""
        return self.chat.id

    @property
    def is_private(self) -> bool:
        """A one-to-one chat between a user and the bot."""
        return self.chat.type == Chat.PRIVATE


@dataclass(slots=True)
class PollState:
    """A poll the bot sent, with every user's current vote."""

    id: str
    chat_id: int
    message_id: int
    question: str
    options: list[str]
    is_anonymous: bool
    type: str
    allows_multiple_answers: bool
    allows_revoting: bool
    correct_option_ids: list[int] | None = None
    is_closed: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)

    def persistent_id(self, option: int) -> str:
        """The option's persistent id (Bot API 9.6), stable for the poll's lifetime."""
        return f"{self.id}-{option}"

    def to_poll(self) -> Poll:
        """The current poll as Telegram would show it."""
        counts = [0] * len(self.options)
        for chosen in self.votes.values():
            for option in chosen:
                counts[option] += 1
        options = [
            PollOption(text, count, persistent_id=self.persistent_id(i))
            for i, (text, count) in enumerate(zip(self.options, counts, strict=True))
        ]
        return Poll(
            id=self.id,
            question=self.question,
            options=options,
            total_voter_count=sum(1 for chosen in self.votes.values() if chosen),
            is_closed=self.is_closed,
            is_anonymous=self.is_anonymous,
            type=self.type,
            allows_multiple_answers=self.allows_multiple_answers,
            allows_revoting=self.allows_revoting,
            members_only=False,
            correct_option_ids=self.correct_option_ids,
        )


@dataclass(slots=True)
class StoredFile:
    """An uploaded file, kept so tests can read it back."""

    file_id: str
    file_unique_id: str
    filename: str
    mime_type: str
    data: bytes
    path: str
    chat_id: int | None


class World:
    """All mutable emulator state; methods and the driver both act on it."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_name: str,
        privacy_mode: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        bot_id = token.split(":", 1)[0]
        self.token = token
        self.privacy_mode = privacy_mode
        self.clock = clock
        self.bot = User(
            id=int(bot_id) if bot_id.isdigit() else 100000,
            first_name=bot_name,
            is_bot=True,
            username=bot_username,
        )
        self.users: dict[int, User] = {}
        self.chats: dict[int, ChatState] = {}
        self.polls: dict[str, PollState] = {}
        self.callbacks: dict[str, Any] = {}
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.sent_documents: list[tuple[int, str]] = []  # (chat id, file id) in order
        self.sent_photos: list[tuple[int, str]] = []  # (chat id, file id) in order
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (name|description|..., language)
        self.updates = UpdateQueue()
        self.limits = RateLimits()
        self.faults = Faults()
        self.calls: list[Call] = []
        self.call_waiters: list[asyncio.Future[None]] = []
        self.in_flight = 0  # bot requests (not long polls) being answered right now
        self.last_activity = time.monotonic()
        self.counter = 0  # ids for polls, callback queries and files
        self.next_user_id = 1000
        self.groups_created = 0
        self.supergroups_created = 0
        # Pieces of Message.to_dict() that repeat: what every message has, each chat and
        # sender (object, its dict: an object replaced means a stale dict), ...
        self._message_base: dict[str, Any] | None = None
        self._chat_dicts: dict[int, tuple[Chat, dict[str, Any]]] = {}
        self._user_dicts: dict[int, tuple[User, dict[str, Any]]] = {}
        # ...and messages replied to: a prompt everyone replies to is serialised once, not in
        # every reply (read-only: the dicts are shared).
        self._nested: dict[tuple[int, int], tuple[Message, dict[str, Any]]] = {}

    def now(self) -> dtm.datetime:
        """The current date for new objects, as an aware datetime."""
        return dtm.datetime.fromtimestamp(int(self.clock()), dtm.UTC)

    def next_id(self) -> int:
        """A fresh number for string ids."""
        self.counter += 1
        return self.counter

    def record(self, call: Call) -> None:
        """Append a call and wake anyone waiting for calls."""
        self.calls.append(call)
        self.last_activity = time.monotonic()
        if self.call_waiters:
            waiters, self.call_waiters = self.call_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def chat(self, chat_id: int | str | None, *, sending: bool = True) -> ChatState:
        """Resolve chat_id the way Telegram answers a bot about it (400/403 when it can't)."""
        state = self._lookup(chat_id)
        if state is None:
            raise bad_request("chat not found")
        if state.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": state.migrated_to},
            )
        status = state.members.get(self.bot.id, "left")
        if state.is_private:
            if status == "kicked":
                raise forbidden("bot was blocked by the user")
            if not state.started:
                if sending:
                    raise forbidden("bot can't initiate conversation with a user")
                raise bad_request("chat not found")
        elif status not in BOT_PRESENT:
            kind = "supergroup chat" if state.chat.type == Chat.SUPERGROUP else "group chat"
            if state.bot_left_itself:
                raise forbidden(f"bot is not a member of the {kind}")
            raise forbidden(f"bot was kicked from the {kind}")
        return state

    def _lookup(self, chat_id: int | str | None) -> ChatState | None:
        if isinstance(chat_id, int):
            return self.chats.get(chat_id)
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            for state in self.chats.values():
                if (state.chat.username or "").lower() == name:
                    return state
        return None

    def message(self, state: ChatState, message_id: int | None, missing: str) -> Message:
        """A stored message of the chat, or 400 with Telegram's wording for `missing`."""
        message = state.messages.get(message_id) if message_id is not None else None
        if message is None:
            raise bad_request(missing)
        return message

    def store(self, state: ChatState, **fields: Any) -> Message:
        """Create the next message in a chat (fields are telegram.Message arguments)."""
        message = Message(
            message_id=state.next_message_id, date=self.now(), chat=state.chat, **fields
        )
        state.next_message_id += 1
        state.messages[message.message_id] = message
        return message

    def text_message_dict(self, state: ChatState, message: Message) -> dict[str, Any]:
        """message.to_dict() for a text message (the bot's or a user's), from cached pieces.

        Sending, answering and editing text messages are the benchmarks' hot path, and
        Message.to_dict() walks ~100 attributes; the test suite checks this equals
        message.to_dict(). Only for messages with text and nothing else but what is copied here.
        """
        sender = message.from_user
        assert sender is not None and message.text is not None
        if self._message_base is None:
            sample = Message(0, self.now(), state.chat, text="-").to_dict()
            for field in ("message_id", "date", "text", "chat"):
                del sample[field]
            self._message_base = sample
        data = dict(self._message_base)
        data["message_id"] = message.message_id
        data["date"] = int(message.date.timestamp())
        data["chat"] = _cached_dict(self._chat_dicts, state.chat.id, state.chat)
        data["from"] = _cached_dict(self._user_dicts, sender.id, sender)
        data["text"] = message.text
        if message.entities:
            data["entities"] = [entity.to_dict() for entity in message.entities]
        if message.reply_to_message is not None:
            data["reply_to_message"] = self._nested_dict(state, message.reply_to_message)
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup.to_dict()
        if message.edit_date is not None:
            data["edit_date"] = int(message.edit_date.timestamp())
        return data

    def remember_dict(self, state: ChatState, message: Message, data: dict[str, Any]) -> None:
        """Note a stored message's to_dict(), for replies to it."""
        self._nested[(state.id, message.message_id)] = (message, data)

    def _nested_dict(self, state: ChatState, message: Message) -> dict[str, Any]:
        key = (state.id, message.message_id)
        cached = self._nested.get(key)
        if cached is None or cached[0] is not message:  # an edit stores a new object
            cached = self._nested[key] = (message, message.to_dict())
        return cached[1]

    def bot_is_admin(self, state: ChatState) -> bool:
        """Whether the bot is an administrator there."""
        return state.members.get(self.bot.id) == "administrator"


def _cached_dict(
    cache: dict[int, tuple[Any, dict[str, Any]]], key: int, obj: Chat | User
) -> dict[str, Any]:
    cached = cache.get(key)
    if cached is None or cached[0] is not obj:
        cached = cache[key] = (obj, obj.to_dict())
    return cached[1]


def replace_message(message: Message, **changes: Any) -> Message:
    """A copy of a frozen telegram.Message with some JSON fields changed (None removes)."""
    return Message.de_json(change_fields(message.to_dict(), changes), None)


def change_fields(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Change some fields of an object's JSON, in place (None removes one); returns it."""
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def as_reply_target(message: Message) -> Message:
    """The message as nested in reply_to_message: Telegram includes only one level."""
    if message.reply_to_message is None:
        return message
    return replace_message(message, reply_to_message=None)
