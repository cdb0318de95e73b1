"""Playing users, part one: create users and chats, add or remove the bot, members, migration."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Chat, InlineKeyboardMarkup, Message, User

from bot.emulator.errors import ApiError
from bot.emulator.objects import formatted, member_updated
from bot.emulator.privacy import bot_sees
from bot.emulator.state import BOT_PRESENT, ChatState, World

# Telegram posts the migrate_from_chat_id message as this service account.
GROUP_ANONYMOUS_BOT = User(1087968824, "Group", is_bot=True, username="GroupAnonymousBot")

ChatRef = Chat | int
UserRef = User | int


class Actor:
    """Lookups and update delivery shared by the driver's user actions."""

    world: World

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

    def _chat_instance(self) -> str:
        return str(-5_000_000_000_000_000_000 - self.world.next_id())

    def _set_bot_status(self, state: ChatState, new: str, by: User) -> None:
        world = self.world
        old = state.members.get(world.bot.id, "left")
        state.members[world.bot.id] = new
        update = member_updated(world, state, world.bot, old, new, by)
        world.updates.push("my_chat_member", update)

    def _group(self, chat: ChatRef) -> ChatState:
        state = self.state(chat)
        if state.is_private:
            raise ValueError("this needs a group, not a private chat")
        if state.migrated_to is not None:
            raise ValueError(f"chat {state.id} was migrated to {state.migrated_to}")
        return state

    def _deliver(
        self,
        state: ChatState,
        message: Message,
        kind: str = "message",
        force: bool = False,
        text: bool = False,
    ) -> None:
        """Queue the message as an update if the bot may see it (``text``: a plain text one)."""
        if force or bot_sees(self.world, state, message):
            world = self.world
            as_dict = (lambda: world.text_message_dict(state, message)) if text else None
            world.updates.push(kind, message, as_dict)


class ChatActions(Actor):
    """Users and chats: who is where, and the bot joining, leaving and being promoted."""

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

    def create_groups(
        self,
        count: int,
        members: Sequence[UserRef],
        title: str = "Group",
        bot_admin: bool = False,
    ) -> list[Chat]:
        """Many groups with the bot already in them and no updates queued: seeding for load tests.

        The bot is told nothing (as if it joined long ago), so a benchmark or test can put the
        matching chats straight into the bot's database without thousands of join updates.
        """
        world = self.world
        people = [self.user(m) for m in members]
        if not people:
            raise ValueError("a group needs at least one member")
        status = "administrator" if bot_admin else "member"
        created = []
        for _ in range(count):
            world.groups_created += 1
            number = world.groups_created
            chat = Chat(-4_000_000_000 - number, Chat.GROUP, title=f"{title} {number}")
            state = ChatState(chat, {p.id: "member" for p in people}, self._chat_instance())
            state.members[people[0].id] = "creator"
            state.members[world.bot.id] = status
            world.chats[chat.id] = state
            created.append(chat)
        return created

    def post_as_bot(
        self,
        chat: ChatRef,
        text: str,
        reply_markup: InlineKeyboardMarkup | None = None,
        parse_mode: str | None = "HTML",
    ) -> Message:
        """A message from the bot, stored as sendMessage would, with no call recorded.

        Seeding for load tests, like create_groups: the bot's database can then point at posts
        (an evening prompt each) that exist in the chats without thousands of HTTP round trips.
        No update is queued (the bot never sees its own messages) and no rate limit applies.
        """
        try:
            # The same checks as a real send: the bot must be in the chat, the HTML must parse.
            state = self.world.chat(self.state(chat).id)
            plain, entities = formatted(text, parse_mode, None)
        except ApiError as exc:
            raise ValueError(exc.description) from None
        return self.world.store(
            state,
            from_user=self.world.bot,
            text=plain,
            entities=entities or None,
            reply_markup=reply_markup if reply_markup and reply_markup.inline_keyboard else None,
        )

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
