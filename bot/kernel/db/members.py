"""Meeting a member: the group and the partner registered on first contact, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.actor import Actor
from bot.kernel.db.chats import ensure_chat, get_chat
from bot.kernel.db.models import Chat, Partner
from bot.kernel.db.partners import ensure_partner


class NotAMemberError(Exception):
    """An update from a group the bot has no row for and is not in: nothing is stored for it."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"the bot is not a member of chat {chat_id}")
        self.chat_id = chat_id


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
    chat = await get_chat(session, actor.chat_id)
    if chat is None:
        # A chat we have no row for: we missed the bot's arrival, the couple used /forget, or
        # the update is not from Telegram at all. Only a group the bot is really in (asked
        # once, here) gets a row, on the default settings, evenings included; anything else
        # stores nothing, so no stranger's chat is planned daily.
        if not await actor.bot_is_member():
            raise NotAMemberError(actor.chat_id)
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
