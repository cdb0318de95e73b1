"""What users do: create chats, add or remove the bot, write, press buttons, vote."""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import CallbackQuery, Chat, Message, PollAnswer, User

from bot.emulator.html import detect_entities
from bot.emulator.objects import entity_dicts, member_updated
from bot.emulator.state import (
    BOT_PRESENT,
    PRESENT,
    ChatState,
    World,
    as_reply_target,
    replace_message,
)

# Telegram posts the migrate_from_chat_id message as this service account.
GROUP_ANONYMOUS_BOT = User(1087968824, "Group", is_bot=True, username="GroupAnonymousBot")
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

ChatRef = Chat | int
UserRef = User | int


def is_service(message: Message) -> bool:
    """Service messages (joins, leaves, migrations...) reach bots despite privacy mode."""
    return any(getattr(message, name) for name in _SERVICE_FIELDS)


class UserActions:
    """The driver's "play a user" half; Emulator mixes it in."""

    world: World

    # -- lookups -------------------------------------------------------------------------

    def state(self, chat: ChatRef) -> ChatState:
        """The emulator's record of a chat (ValueError for unknown chats)."""
        chat_id = chat.id if isinstance(chat, Chat) else chat
        state = self.world.chats.get(chat_id)
        if state is None:
            raise ValueError(f"unknown chat {chat_id}")
        return state

    def user(self, user: UserRef) -> User:
        """A user created with create_user (the bot too, by id)."""
        user_id = user.id if isinstance(user, User) else user
        if user_id == self.world.bot.id:
            return self.world.bot
        found = self.world.users.get(user_id)
        if found is None:
            raise ValueError(f"unknown user {user_id}")
        return found

    # -- users and chats -----------------------------------------------------------------

    def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> User:
        """A new Telegram user with the next id (from 1000)."""
        world = self.world
        user = User(
            id=world.next_user_id,
            first_name=first_name,
            is_bot=False,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        world.next_user_id += 1
        world.users[user.id] = user
        return user

    def create_group(
        self,
        title: str,
        members: Sequence[UserRef],
        added_by: UserRef | None = None,
        bot_admin: bool = False,
        add_bot: bool = True,
        supergroup: bool = False,
    ) -> Chat:
        """A group owned by `added_by` (default the first member), with the bot added."""
        world = self.world
        people = [self.user(m) for m in members]
        owner = self.user(added_by) if added_by is not None else (people[0] if people else None)
        if owner is None:
            raise ValueError("a group needs at least one member")
        if supergroup:
            world.supergroups_created += 1
            chat = Chat(
                -1_002_000_000_000 - world.supergroups_created, Chat.SUPERGROUP, title=title
            )
        else:
            world.groups_created += 1
            chat = Chat(-4_000_000_000 - world.groups_created, Chat.GROUP, title=title)
        state = ChatState(chat, {p.id: "member" for p in people}, self._chat_instance())
        state.members[owner.id] = "creator"
        world.chats[chat.id] = state
        if add_bot:
            self.add_bot(chat, by=owner, admin=bot_admin)
        return chat

    def private_chat(self, user: UserRef, started: bool = False) -> Chat:
        """The private chat between a user and the bot (sends fail with 403 until /start)."""
        person = self.user(user)
        state = self.world.chats.get(person.id)
        if state is None:
            chat = Chat(
                person.id,
                Chat.PRIVATE,
                first_name=person.first_name,
                last_name=person.last_name,
                username=person.username,
            )
            members = {person.id: "member", self.world.bot.id: "member"}
            state = ChatState(chat, members, self._chat_instance())
            self.world.chats[chat.id] = state
        if started:
            state.started = True
        return state.chat

    def _chat_instance(self) -> str:
        return str(-5_000_000_000_000_000_000 - self.world.next_id())

    def _set_bot_status(self, state: ChatState, new: str, by: User) -> None:
        world = self.world
        old = state.members.get(world.bot.id, "left")
        state.members[world.bot.id] = new
        update = member_updated(world, state, world.bot, old, new, by)
        world.updates.push("my_chat_member", update)

    def add_bot(self, chat: ChatRef, by: UserRef, admin: bool = False) -> None:
        """Add the bot: my_chat_member (left -> member/administrator) and a new_chat_members message."""
        state, actor = self._group(chat), self.user(by)
        if state.members.get(self.world.bot.id) in BOT_PRESENT:
            raise ValueError("the bot is already in this chat")
        state.bot_left_itself = False
        self._set_bot_status(state, "administrator" if admin else "member", actor)
        message = self.world.store(state, from_user=actor, new_chat_members=[self.world.bot])
        self._deliver(state, message)

    def remove_bot(self, chat: ChatRef, by: UserRef, banned: bool = False) -> None:
        """Remove (or ban) the bot: my_chat_member and a left_chat_member message; sends then 403."""
        state, actor = self._group(chat), self.user(by)
        if state.members.get(self.world.bot.id) not in BOT_PRESENT:
            raise ValueError("the bot is not in this chat")
        state.bot_left_itself = False
        self._set_bot_status(state, "kicked" if banned else "left", actor)
        message = self.world.store(state, from_user=actor, left_chat_member=self.world.bot)
        self._deliver(state, message, force=True)  # the bot hears about its own removal

    def promote_bot(self, chat: ChatRef, by: UserRef) -> None:
        """Make the bot an administrator (it then sees every message)."""
        state = self._group(chat)
        if state.members.get(self.world.bot.id) != "member":
            raise ValueError("the bot must be a plain member to be promoted")
        self._set_bot_status(state, "administrator", self.user(by))

    def demote_bot(self, chat: ChatRef, by: UserRef) -> None:
        """Take the bot's admin rights away."""
        state = self._group(chat)
        if state.members.get(self.world.bot.id) != "administrator":
            raise ValueError("the bot is not an administrator")
        self._set_bot_status(state, "member", self.user(by))

    def add_member(self, chat: ChatRef, user: UserRef, by: UserRef | None = None) -> Message:
        """A user joins (by=None) or is added: a new_chat_members message."""
        state, person = self._group(chat), self.user(user)
        actor = self.user(by) if by is not None else person
        self._member_status(state, person, "member", actor)
        message = self.world.store(state, from_user=actor, new_chat_members=[person])
        self._deliver(state, message)
        return message

    def remove_member(
        self, chat: ChatRef, user: UserRef, by: UserRef | None = None, banned: bool = False
    ) -> Message:
        """A user leaves (by=None) or is removed: a left_chat_member message."""
        state, person = self._group(chat), self.user(user)
        actor = self.user(by) if by is not None else person
        self._member_status(state, person, "kicked" if banned else "left", actor)
        message = self.world.store(state, from_user=actor, left_chat_member=person)
        self._deliver(state, message)
        return message

    def _member_status(self, state: ChatState, person: User, new: str, actor: User) -> None:
        world = self.world
        old = state.members.get(person.id, "left")
        state.members[person.id] = new
        if world.bot_is_admin(state):  # chat_member needs admin rights (and allowed_updates)
            world.updates.push("chat_member", member_updated(world, state, person, old, new, actor))

    def migrate_to_supergroup(self, chat: ChatRef, by: UserRef | None = None) -> Chat:
        """Upgrade a group: service messages in both chats; the old id then answers 400."""
        world = self.world
        old = self._group(chat)
        if old.chat.type != Chat.GROUP:
            raise ValueError("only basic groups can be migrated")
        owners = [uid for uid, status in old.members.items() if status == "creator"]
        actor = self.user(by) if by is not None else self.user(owners[0])
        world.supergroups_created += 1
        new_chat = Chat(
            -1_002_000_000_000 - world.supergroups_created, Chat.SUPERGROUP, title=old.chat.title
        )
        new = ChatState(new_chat, dict(old.members), self._chat_instance())
        new.bot_left_itself = old.bot_left_itself
        world.chats[new_chat.id] = new
        farewell = world.store(old, from_user=actor, migrate_to_chat_id=new_chat.id)
        old.migrated_to = new_chat.id
        greeting = world.store(
            new, from_user=GROUP_ANONYMOUS_BOT, sender_chat=new_chat, migrate_from_chat_id=old.id
        )
        self._deliver(old, farewell)
        self._deliver(new, greeting)
        return new_chat

    def block_bot(self, user: UserRef) -> None:
        """The user blocks the bot: my_chat_member in the private chat; sends then 403."""
        person = self.user(user)
        state = self.state(self.private_chat(person))
        self._set_bot_status(state, "kicked", person)

    def _group(self, chat: ChatRef) -> ChatState:
        state = self.state(chat)
        if state.is_private:
            raise ValueError("this needs a group, not a private chat")
        if state.migrated_to is not None:
            raise ValueError(f"chat {state.id} was migrated to {state.migrated_to}")
        return state

    # -- messages ------------------------------------------------------------------------

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
        self._deliver(state, message)
        return message

    send_command = send_message

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
        self._deliver(state, edited, kind="edited_message")
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

    # -- delivery ------------------------------------------------------------------------

    def _deliver(
        self, state: ChatState, message: Message, kind: str = "message", force: bool = False
    ) -> None:
        if force or self.bot_sees(state, message):
            self.world.updates.push(kind, message)

    def bot_sees(self, state: ChatState, message: Message) -> bool:
        """Telegram's privacy mode: what a non-admin bot in a group is shown."""
        bot = self.world.bot
        status = state.members.get(bot.id, "left")
        if state.is_private:
            return status != "kicked"
        if status not in BOT_PRESENT:
            return False
        if not self.world.privacy_mode or status == "administrator" or is_service(message):
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
