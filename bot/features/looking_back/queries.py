"""Queries for /stats and the weekly recap: one chat's history, and due recaps with a claim."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.looking_back.rules import EveningDay, EveningStat
from bot.kernel.db.models import Chat, Post, Run, Suggestion


async def evenings(session: AsyncSession, chat_id: int, zone: ZoneInfo) -> list[EveningStat]:
    """Every evening prompt the chat got, with the local date it was planned for."""
    rows = await session.execute(
        select(Post.posted_at, Post.together_at, Run.local_date)
        .outerjoin(Run, Run.id == Post.run_id)
        .where(Post.chat_id == chat_id, Post.kind == "evening")
    )
    return [
        # A post whose run is gone (it never had one in old data) falls back to its own date.
        EveningStat(day or posted_at.astimezone(zone).date(), posted_at, together_at)
        for posted_at, together_at, day in rows
    ]


async def evening_days(session: AsyncSession, chat_id: int, since: date) -> list[EveningDay]:
    """What each evening slot from ``since`` on became: its run's kind and its prompt's answers."""
    rows = await session.execute(
        select(Run.local_date, Run.kind, Post.first_answer_at, Post.together_at, Post.in_person)
        .outerjoin(Post, (Post.run_id == Run.id) & (Post.kind == "evening"))
        .where(Run.chat_id == chat_id, Run.local_date >= since)
    )
    return [
        EveningDay(day, kind, first, together, bool(in_person))
        for day, kind, first, together, in_person in rows
    ]


async def exercises_done(session: AsyncSession, chat_id: int) -> list[datetime]:
    """When each guided exercise or /exercise post was marked done together."""
    rows = await session.scalars(
        select(Post.done_at).where(
            Post.chat_id == chat_id, Post.kind == "exercise", Post.done_at.is_not(None)
        )
    )
    return [d for d in rows if d is not None]


async def activities_done(session: AsyncSession, chat_id: int) -> list[datetime]:
    """When each suggested activity was reported done."""
    rows = await session.scalars(
        select(Suggestion.done_at).where(
            Suggestion.chat_id == chat_id, Suggestion.done_at.is_not(None)
        )
    )
    return [d for d in rows if d is not None]


async def due_recaps(session: AsyncSession, now: datetime, limit: int) -> Sequence[Chat]:
    """Active chats with the recap on whose recap is due, oldest first (via the index)."""
    return (
        await session.scalars(
            select(Chat)
            .where(
                Chat.next_recap_at <= now,
                Chat.active.is_(True),
                Chat.recap_enabled.is_(True),
            )
            .order_by(Chat.next_recap_at)
            .limit(limit)
            # On PostgreSQL replicas take different chats instead of queueing on the same rows.
            .with_for_update(skip_locked=True)
        )
    ).all()


async def move_recap(
    session: AsyncSession, chat_id: int, *, expected: datetime | None, to: datetime | None
) -> bool:
    """Move a chat's recap from ``expected`` to ``to``; False when someone else moved it first.

    The conditional update is the claim: of two replicas reading the same due recap, only the
    one whose update still finds ``expected`` goes on to send it.
    """
    result = await session.execute(
        update(Chat)
        .where(Chat.id == chat_id, Chat.next_recap_at == expected)
        .values(next_recap_at=to)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
