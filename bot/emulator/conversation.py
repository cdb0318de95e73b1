"""Playing users, part two: write, edit, press buttons, vote."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from telegram import (
    CallbackQuery,
    Message,
    PhotoSize,
    PollAnswer,
    Sticker,
    User,
    VideoNote,
    Voice,
)

from bot.emulator.actions import Actor, ChatRef, UserRef
from bot.emulator.html import detect_entities
from bot.emulator.objects import entity_dicts
from bot.emulator.state import PRESENT, ChatState, as_reply_target, replace_message


class Conversation(Actor):
    """What users say and tap; each action queues the updates Telegram would send."""

    def _writable(self, chat: ChatRef, person: User) -> ChatState:
        state = self.state(chat)
        if state.migrated_to is not None:
            raise ValueError(f"chat {state.id} was migrated to {state.migrated_to}")
        if state.is_private:
            if person.id != state.id:
                raise ValueError("only its user can write in a private chat")
        elif state.members.get(person.id) not in PRESENT:
            raise ValueError(f"{person.first_name} is not a member of {state.chat.title!r}")
        return state

    def send_message(
        self, chat: ChatRef, user: UserRef, text: str, reply_to: int | Message | None = None
    ) -> Message:
        """A user writes; returns the message even if privacy mode keeps it from the bot."""
        person = self.user(user)
        state = self._writable(chat, person)
        if not text:
            raise ValueError("message text is empty")
        reply = None
        if reply_to is not None:
            target_id = reply_to.message_id if isinstance(reply_to, Message) else reply_to
            target = state.messages.get(target_id)
            if target is None:
                raise ValueError(f"no message {target_id} in chat {state.id}")
            reply = as_reply_target(target)
        entities = detect_entities(text)
        message = self.world.store(
            state, from_user=person, text=text, entities=entities or None, reply_to_message=reply
        )
        if state.is_private and re.match(r"/start(?:@\w+)?(?:\s|$)", text):
            if state.members.get(self.world.bot.id) == "kicked":
                self._set_bot_status(state, "member", person)  # /start after a block unblocks
            state.started = True
        self._deliver(state, message, text=True)
        return message

    send_command = send_message

    def send_media(
        self,
        chat: ChatRef,
        user: UserRef,
        kind: str,
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> Message:
        """A user sends a voice note, photo, video note or sticker (``kind``); no real file."""
        person = self.user(user)
        state = self._writable(chat, person)
        number = self.world.next_id()
        file_id, unique = f"{kind}-file-{number}", f"u{number}"
        content: dict[str, Any] = {}
        if kind == "voice":
            content["voice"] = Voice(file_id, unique, duration=3, mime_type="audio/ogg")
        elif kind == "photo":
            content["photo"] = (PhotoSize(file_id, unique, width=640, height=480),)
        elif kind == "video_note":
            content["video_note"] = VideoNote(file_id, unique, length=240, duration=4)
        elif kind == "sticker":
            content["sticker"] = Sticker(
                file_id, unique, 512, 512, is_animated=False, is_video=False, type="regular"
            )
        else:
            raise ValueError(f"unknown media kind {kind!r}")
        if caption is not None and kind in ("voice", "photo"):
            content["caption"] = caption
            content["caption_entities"] = detect_entities(caption) or None
        reply = None
        if reply_to is not None:
            target = state.messages.get(reply_to)
            if target is None:
                raise ValueError(f"no message {reply_to} in chat {state.id}")
            reply = as_reply_target(target)
        message = self.world.store(state, from_user=person, reply_to_message=reply, **content)
        self._deliver(state, message)
        return message

    def delete_message(self, chat: ChatRef, user: UserRef, message_id: int) -> None:
        """A user deletes their own message; Telegram tells bots nothing about it."""
        person = self.user(user)
        state = self._writable(chat, person)
        message = state.messages.get(message_id)
        if message is None or message.from_user is None or message.from_user.id != person.id:
            raise ValueError(f"{person.first_name} has no message {message_id} there")
        del state.messages[message_id]

    def edit_message(self, chat: ChatRef, user: UserRef, message_id: int, text: str) -> Message:
        """A user edits their message: an edited_message update if the bot could see it."""
        person = self.user(user)
        state = self._writable(chat, person)
        message = state.messages.get(message_id)
        if message is None or message.from_user is None or message.from_user.id != person.id:
            raise ValueError(f"{person.first_name} has no message {message_id} there")
        edited = replace_message(
            message,
            text=text,
            entities=entity_dicts(detect_entities(text)),
            edit_date=int(self.world.clock()),
        )
        state.messages[message_id] = edited
        self._deliver(state, edited, kind="edited_message", text=True)
        return edited

    def press_button(self, chat: ChatRef, user: UserRef, message_id: int, data: str) -> str:
        """Press an inline button by its callback_data; returns the callback query id."""
        person = self.user(user)
        state = self._writable(chat, person)
        message = state.messages.get(message_id)
        if message is None:
            raise ValueError(f"no message {message_id} in chat {state.id}")
        rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
        offered = [button.callback_data for row in rows for button in row]
        if data not in offered:
            raise ValueError(f"message {message_id} has no button {data!r}; it offers {offered}")
        query = CallbackQuery(
            id=str(4_000_000_000_000_000_000 + self.world.next_id()),
            from_user=person,
            chat_instance=state.chat_instance,
            message=message,
            data=data,
        )
        self.world.callbacks[query.id] = query
        self.world.updates.push("callback_query", query)
        return query.id

    def answer_poll(self, poll_id: str, user: UserRef, option_ids: Sequence[int]) -> None:
        """Vote (an empty list retracts): poll_answer for non-anonymous polls, then poll."""
        world = self.world
        person = self.user(user)
        poll = world.polls.get(poll_id)
        if poll is None:
            raise ValueError(f"unknown poll {poll_id}")
        if poll.is_closed:
            raise ValueError("the poll is closed")
        chosen = list(option_ids)
        if len(set(chosen)) != len(chosen) or not all(0 <= i < len(poll.options) for i in chosen):
            raise ValueError(f"invalid options {chosen} for a poll with {len(poll.options)}")
        if len(chosen) > 1 and not poll.allows_multiple_answers:
            raise ValueError("this poll allows one answer")
        if person.id in poll.votes and not poll.allows_revoting:
            raise ValueError("this poll does not allow changing the answer")
        if chosen:
            poll.votes[person.id] = chosen
        else:
            poll.votes.pop(person.id, None)
        current = poll.to_poll()
        state = world.chats[poll.chat_id]
        message = state.messages.get(poll.message_id)
        if message is not None:
            state.messages[message.message_id] = replace_message(message, poll=current.to_dict())
        if not poll.is_anonymous:
            persistent = [poll.persistent_id(i) for i in chosen]
            answer = PollAnswer(poll_id, chosen, user=person, option_persistent_ids=persistent)
            world.updates.push("poll_answer", answer)
        world.updates.push("poll", current)
