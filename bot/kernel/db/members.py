"""Meeting a member: the group and the partner registered on first contact, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.actor import Actor
from bot.kernel.db import confirmations
from bot.kernel.db.chats import ensure_chat, get_chat
from bot.kernel.db.models import Chat, Partner
from bot.kernel.db.partners import (
    COUPLE_GROUP_SIZE,
    MAX_PARTNERS,
    count_partners,
    ensure_partner,
    find_partner,
)


class NotAMemberError(Exception):
    """An update from a group the bot has no row for and is not in: nothing is stored for it."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"the bot is not a member of chat {chat_id}")
        self.chat_id = chat_id


@dataclass
class Met:
    """The chat's row (None outside groups) and the member's partner row (None for a guest).

    ``stranger``: a member nobody has vouched for, talking while the couple is missing its
    second partner; the person who added the bot should be asked about them.
    """

    chat: Chat | None
    partner: Partner | None
    stranger: bool = field(default=False, kw_only=True)


@dataclass
class Meeting(Met):
    """What was met, with the open transaction and the moment it began (a use case's start)."""

    session: AsyncSession
    now: datetime


async def meet(
    session: AsyncSession,
    actor: Actor,
    *,
    default_timezone: str,
    now: datetime,
    language: str = "en",
) -> Met:
    """Register the group and the member who acted, as the update's first step.

    A group met for the first time here starts in ``language`` (the member's, when the bot
    speaks it).
    """
    if not actor.in_group:
        return Met(None, None)
    chat = await get_chat(session, actor.chat_id)
    if chat is None:
        # A chat we have no row for: we missed the bot's arrival, the couple used /forget, or
        # the update is not from Telegram at all. Only a group the bot is really in (asked
        # once, here) gets a row, on the default settings, evenings included; anything else
        # stores nothing, so no stranger's chat is planned daily.
        if not await actor.bot_is_member():
            raise NotAMemberError(actor.chat_id)
        chat = await ensure_chat(
            session, actor.chat_id, timezone=default_timezone, now=now, language=language
        )
    if actor.user_id is None or actor.is_bot:
        return Met(chat, None)
    partner, known = await find_partner(session, actor.chat_id, actor.user_id, actor.name)
    if known:
        return Met(chat, partner)
    return await _newcomer(session, chat, actor, actor.user_id, now)


async def _newcomer(
    session: AsyncSession, chat: Chat, actor: Actor, user_id: int, now: datetime
) -> Met:
    """Someone the bot has not met: a partner only when the group says so, else a guest.

    In a group of two people and the bot, both are the couple. In a bigger one, the person who
    added the bot is a partner, and the second partner needs their yes (asked once).
    """
    partners = await count_partners(session, chat.id)
    if partners >= MAX_PARTNERS:
        return Met(chat, None)
    members = await actor.member_count()
    if members is not None:
        chat.member_count = members
    if chat.member_count == COUPLE_GROUP_SIZE or chat.added_by == user_id:
        return Met(chat, await _register(session, chat, actor, user_id))
    if chat.added_by is None and partners == 0 and await actor.is_admin():
        # We never saw who added the bot (or the couple used /forget): an admin stands in.
        chat.added_by = user_id
        return Met(chat, await _register(session, chat, actor, user_id))
    stranger = (
        partners == 1
        and chat.added_by is not None
        and not await confirmations.asked_about(session, chat.id, user_id, now)
    )
    return Met(chat, None, stranger=stranger)


async def _register(
    session: AsyncSession, chat: Chat, actor: Actor, user_id: int
) -> Partner | None:
    partner, _new = await ensure_partner(session, chat.id, user_id, actor.name)
    return partner


async def may_change(met: Met, actor: Actor) -> bool:
    """Partners and the group's admins may change the chat's settings; guests may not."""
    if met.partner is not None:
        return True
    if met.chat is None or actor.user_id is None:
        return False
    return await actor.is_admin()
