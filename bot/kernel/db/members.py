"""Meeting a member: the group and the partner registered on first contact, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.actor import Actor
from bot.kernel.db.chats import ensure_chat
from bot.kernel.db.models import Chat, Partner
from bot.kernel.db.partners import ensure_partner


@dataclass
class Met:
    """The chat's row (None outside groups) and the member's partner row (None for a guest)."""

    chat: Chat | None
    partner: Partner | None


@dataclass
class Meeting(Met):
    """What was met, with the open transaction and the moment it began (a use case's start)."""

    session: AsyncSession
    now: datetime


async def meet(session: AsyncSession, actor: Actor, *, default_timezone: str, now: datetime) -> Met:
    """Register the group and the member who acted, as the update's first step."""
    if not actor.in_group:
        return Met(None, None)
    # A chat we have no row for (we missed the bot's arrival, or the couple used /forget)
    # starts on the default settings, evenings included.
    chat = await ensure_chat(session, actor.chat_id, timezone=default_timezone, now=now)
    partner = None
    if actor.user_id is not None and not actor.is_bot:
        partner, _new = await ensure_partner(session, actor.chat_id, actor.user_id, actor.name)
    return Met(chat, partner)


async def may_change(met: Met, actor: Actor) -> bool:
    """Partners and the group's admins may change the chat's settings; guests may not."""
    if met.partner is not None:
        return True
    if met.chat is None or actor.user_id is None:
        return False
    return await actor.is_admin()
