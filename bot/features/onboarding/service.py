"""What happens when the bot joins, leaves or follows a group, and what /help needs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.actor import Actor
from bot.kernel.db import chats
from bot.kernel.db.partners import ensure_partner
from bot.kernel.services import Services
from bot.schedule.plan import reschedule

# A couple plus the bot; anything larger is probably not the group the bot is built for.
COUPLE_GROUP_SIZE = 3


@dataclass(frozen=True)
class Joined:
    """The outcome of the bot joining a group."""

    new: bool
    minute: int
    zone: str
    crowded: bool


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
    """Record the bot's arrival in a group, plan its first evening, and meet who added it."""
    now = services.clock.now()
    async with services.transaction() as session:
        chat, new = await chats.join_chat(
            session,
            chat_id,
            timezone=services.settings.default_timezone,
            member_count=member_count,
            bot_is_admin=is_admin,
            now=now,
        )
        reschedule(chat, now)
        if added_by is not None and added_by.user_id is not None and not added_by.is_bot:
            # Whoever adds the bot is almost always one of the couple.
            await ensure_partner(session, chat_id, added_by.user_id, added_by.name)
        return Joined(new, chat.send_minute, chat.timezone, is_crowded(member_count))


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
