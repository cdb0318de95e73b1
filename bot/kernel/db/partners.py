"""Queries about partners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Partner

NAME_LENGTH = 64
# A couple: the first two members who talk to the bot. Anyone else in the group is a guest.
MAX_PARTNERS = 2


async def ensure_partner(
    session: AsyncSession, chat_id: int, user_id: int, display_name: str
) -> tuple[Partner | None, bool]:
    """Register a member who interacted while the couple is incomplete.

    Returns the partner (None for a guest in a group that already has two partners) and
    whether they were registered just now.
    """
    name = display_name[:NAME_LENGTH]
    partner = await session.scalar(
        select(Partner).where(Partner.chat_id == chat_id, Partner.user_id == user_id)
    )
    if partner is None:
        count = await session.scalar(
            select(func.count())
            .select_from(Partner)
            .where(Partner.chat_id == chat_id, Partner.active.is_(True))
        )
        if (count or 0) >= MAX_PARTNERS:
            return None, False
        partner = Partner(chat_id=chat_id, user_id=user_id, display_name=name, active=True)
        session.add(partner)
        await session.flush()
        return partner, True
    if partner.display_name != name:
        partner.display_name = name
    if not partner.active:
        return None, False
    return partner, False


async def list_partners(session: AsyncSession, chat_id: int) -> Sequence[Partner]:
    """Return the chat's active partners, first to join first."""
    result = await session.scalars(
        select(Partner)
        .where(Partner.chat_id == chat_id, Partner.active.is_(True))
        .order_by(Partner.id)
    )
    return result.all()


async def is_partner(session: AsyncSession, chat_id: int, user_id: int) -> bool:
    """Tell whether a user is a registered, active partner of the chat."""
    found = await session.scalar(
        select(Partner.id).where(
            Partner.chat_id == chat_id, Partner.user_id == user_id, Partner.active.is_(True)
        )
    )
    return found is not None
