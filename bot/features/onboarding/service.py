"""What happens when the bot joins, leaves or follows a group (no Telegram types here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db import chats
from bot.schedule.plan import reschedule
from bot.schedule.times import format_minute

# A couple plus the bot; anything larger is probably not the group the bot is built for.
COUPLE_GROUP_SIZE = 3


@dataclass(frozen=True)
class Joined:
    """The outcome of the bot joining a group."""

    new: bool
    time: str
    zone: str
    crowded: bool


def is_crowded(member_count: int | None) -> bool:
    """Tell whether a group has more members than a couple and the bot."""
    return member_count is not None and member_count > COUPLE_GROUP_SIZE


async def bot_joined(
    session: AsyncSession,
    chat_id: int,
    *,
    default_timezone: str,
    member_count: int | None,
    is_admin: bool,
    now: datetime,
) -> Joined:
    """Record the bot's arrival in a group and plan its first evening."""
    chat, new = await chats.join_chat(
        session,
        chat_id,
        timezone=default_timezone,
        member_count=member_count,
        bot_is_admin=is_admin,
        now=now,
    )
    reschedule(chat, now)
    return Joined(
        new=new,
        time=format_minute(chat.send_minute),
        zone=chat.timezone,
        crowded=is_crowded(member_count),
    )


async def bot_left(session: AsyncSession, chat_id: int) -> None:
    """Stop everything for a group the bot was removed from (its data stays until /forget)."""
    await chats.deactivate(session, chat_id)


async def bot_role_changed(session: AsyncSession, chat_id: int, *, is_admin: bool) -> None:
    """Remember whether the bot is an admin (and so sees every message)."""
    await chats.set_bot_admin(session, chat_id, is_admin)


async def group_migrated(session: AsyncSession, old_id: int, new_id: int) -> bool:
    """Follow a group that became a supergroup; idempotent."""
    return await chats.migrate_chat(session, old_id, new_id)
