"""Queries about partners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Partner

NAME_LENGTH = 64
# A couple. Anyone else in the group is a guest.
MAX_PARTNERS = 2
# A couple plus the bot: in a group this size, both people are the couple.
COUPLE_GROUP_SIZE = 3


async def find_partner(
    session: AsyncSession, chat_id: int, user_id: int, display_name: str
) -> tuple[Partner | None, bool]:
    """The member's active partner row (None for a guest) and whether any row exists for them."""
    partner = await session.scalar(
        select(Partner).where(Partner.chat_id == chat_id, Partner.user_id == user_id)
    )
    if partner is None:
        return None, False
    name = display_name[:NAME_LENGTH]
    if partner.display_name != name:
        partner.display_name = name
    return (partner if partner.active else None), True


async def count_partners(session: AsyncSession, chat_id: int) -> int:
    """How many active partners the chat has."""
    count = await session.scalar(
        select(func.count())
        .select_from(Partner)
        .where(Partner.chat_id == chat_id, Partner.active.is_(True))
    )
    return count or 0


async def ensure_partner(
    session: AsyncSession, chat_id: int, user_id: int, display_name: str
) -> tuple[Partner | None, bool]:
    """Make the member a partner if the couple is incomplete: only for someone who may be one.

    Callers decide who that is (who added the bot, both people of a two-person group, a member
    the adder confirmed). Returns the partner (None when the couple is complete or the member
    was a partner once and left) and whether they were registered just now.
    """
    partner, known = await find_partner(session, chat_id, user_id, display_name)
    if known:
        return partner, False
    if await count_partners(session, chat_id) >= MAX_PARTNERS:
        return None, False
    partner = Partner(
        chat_id=chat_id, user_id=user_id, display_name=display_name[:NAME_LENGTH], active=True
    )
    session.add(partner)
    await session.flush()
    return partner, True


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
