"""What happens when the bot joins, leaves or follows a group, and what /help needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.actor import Actor
from bot.kernel.db import chats, confirmations
from bot.kernel.db.partners import COUPLE_GROUP_SIZE, NAME_LENGTH, ensure_partner, list_partners
from bot.kernel.services import Services
from bot.schedule.plan import reschedule


@dataclass(frozen=True)
class Joined:
    """The outcome of the bot joining a group."""

    new: bool
    minute: int
    zone: str
    crowded: bool
    language: str = "en"  # the chat's: a new group's is its adder's


@dataclass(frozen=True)
class Evening:
    """When the chat's evening prompt comes."""

    minute: int
    zone: str


def is_crowded(member_count: int | None) -> bool:
    """Tell whether a group has more members than a couple and the bot."""
    return member_count is not None and member_count > COUPLE_GROUP_SIZE


async def bot_joined(
    services: Services,
    chat_id: int,
    *,
    member_count: int | None,
    is_admin: bool,
    added_by: Actor | None,
) -> Joined:
    """Record the bot's arrival in a group, plan its first evening, and meet who added it.

    A new group starts in the language of the person who added the bot (when the bot speaks
    it, else the default language); a group the bot knows keeps its own.
    """
    now = services.clock.now()
    language = services.language_of_person(added_by.language_code if added_by else None)
    async with services.transaction() as session:
        chat, new = await chats.join_chat(
            session,
            chat_id,
            timezone=services.settings.default_timezone,
            member_count=member_count,
            bot_is_admin=is_admin,
            now=now,
            language=language,
        )
        reschedule(chat, now)
        if added_by is not None and added_by.user_id is not None and not added_by.is_bot:
            # Whoever adds the bot is one of the couple, and in a bigger group they confirm
            # the other partner.
            chat.added_by = added_by.user_id
            await ensure_partner(session, chat_id, added_by.user_id, added_by.name)
        services.chat_languages.remember(chat.id, chat.language)
        return Joined(new, chat.send_minute, chat.timezone, is_crowded(member_count), chat.language)


async def bot_left(services: Services, chat_id: int) -> None:
    """Stop everything for a group the bot was removed from (its data stays until /forget)."""
    async with services.transaction() as session:
        await chats.deactivate(session, chat_id)


async def bot_role_changed(services: Services, chat_id: int, *, is_admin: bool) -> None:
    """Remember whether the bot is an admin (and so sees every message)."""
    async with services.transaction() as session:
        await chats.set_bot_admin(session, chat_id, is_admin)


async def group_migrated(services: Services, old_id: int, new_id: int) -> bool:
    """Follow a group that became a supergroup; idempotent."""
    async with services.transaction() as session:
        return await chats.migrate_chat(session, old_id, new_id)


async def evening(services: Services, actor: Actor) -> Evening:
    """The chat's evening time and zone (the chat and member are met on the way)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        return Evening(met.chat.send_minute, met.chat.timezone)


@dataclass(frozen=True)
class Question:
    """ "Is <name> your partner?", stored and ready to post with its token."""

    asked_id: int
    token: str
    name: str
    adder: str
    language: str = "en"  # the chat's


@dataclass(frozen=True)
class Consent:
    """What a press on the partner question did.

    ``state``: ``yes`` / ``no`` (settled now), ``answered``, ``expired``, ``unknown`` (not a
    question the bot asked on this message), ``not_yours`` (only the adder answers) or ``full``
    (the couple is complete already).
    """

    state: str
    name: str


async def ask_about(services: Services, actor: Actor) -> Question | None:
    """Store a question to the adder about a member nobody vouched for (None: nothing to ask)."""
    if actor.user_id is None:
        return None
    now = services.clock.now()
    async with services.transaction() as session:
        chat = await chats.get_chat(session, actor.chat_id)
        if chat is None or chat.added_by is None:
            return None
        if await confirmations.asked_about(session, chat.id, actor.user_id, now):
            return None
        partners = await list_partners(session, chat.id)
        adder = next((p.display_name for p in partners if p.user_id == chat.added_by), None)
        if adder is None or len(partners) != 1:
            return None
        name = actor.name[:NAME_LENGTH]
        asked = await confirmations.ask(
            session, chat.id, "partner", now, subject_id=actor.user_id, subject_name=name
        )
        return Question(asked.id, asked.token, name, adder, chat.language)


async def question_posted(services: Services, asked_id: int, message_id: int) -> None:
    """Remember the message that carries the question's buttons."""
    async with services.transaction() as session:
        await confirmations.posted(session, asked_id, message_id)


async def consent(
    services: Services, actor: Actor, message_id: int, token: str, *, yes: bool
) -> Consent:
    """The adder's answer: the member becomes the second partner, or stays a guest."""
    async with services.meeting(actor) as met:
        row = await confirmations.find(met.session, actor.chat_id, message_id, "partner", token)
        state = confirmations.state(row, met.now)
        if row is None or state != "open":
            return Consent(state, "")
        name = row.subject_name or ""
        if met.chat is None or met.chat.added_by != actor.user_id:
            return Consent("not_yours", name)
        if yes:
            assert row.subject_id is not None
            partner, _new = await ensure_partner(met.session, actor.chat_id, row.subject_id, name)
            if partner is None:
                confirmations.settle(row, "full", met.now)
                return Consent("full", name)
        confirmations.settle(row, "yes" if yes else "no", met.now)
        return Consent("yes" if yes else "no", name)
