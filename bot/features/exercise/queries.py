"""The /exercise posts (how many lately, finding one behind a button, recording a new one) and
what exercise evenings read: the exercises a chat was given, and the evening post pressed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import EntryUse, Post


async def recent_posts(session: AsyncSession, chat_id: int, since: datetime) -> int:
    """How many /exercise posts the chat got since ``since``."""
    count = await session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.chat_id == chat_id, Post.kind == "exercise", Post.posted_at > since)
    )
    return int(count or 0)


async def find_post(session: AsyncSession, chat_id: int, message_id: int) -> Post | None:
    """The /exercise post behind a button."""
    return await session.scalar(
        select(Post).where(
            Post.chat_id == chat_id, Post.message_id == message_id, Post.kind == "exercise"
        )
    )


def add_post(
    session: AsyncSession,
    chat_id: int,
    entry_id: str,
    message_id: int,
    category: str | None,
    now: datetime,
) -> None:
    """Remember an /exercise post so its buttons and answers find it."""
    session.add(
        Post(
            chat_id=chat_id,
            message_id=message_id,
            kind="exercise",
            entry_id=entry_id,
            category=category,
            posted_at=now,
            refreshes=0,
        )
    )


async def exercise_uses(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, list[str]]:
    """The guided exercises each chat was given, ever, oldest first (for series in progress)."""
    rows = await session.execute(
        select(EntryUse.chat_id, EntryUse.entry_id)
        .where(EntryUse.chat_id.in_(chat_ids), EntryUse.kind == "exercise")
        .order_by(EntryUse.id)
    )
    used: dict[int, list[str]] = {chat_id: [] for chat_id in chat_ids}
    for chat_id, entry_id in rows:
        used[chat_id].append(entry_id)
    return used


async def evening_post(session: AsyncSession, chat_id: int, message_id: int) -> Post | None:
    """The evening post behind a button (an exercise evening's "Start" / "Next step")."""
    return await session.scalar(
        select(Post).where(
            Post.chat_id == chat_id, Post.message_id == message_id, Post.kind == "evening"
        )
    )


async def newer_evening(session: AsyncSession, chat_id: int, posted_at: datetime) -> bool:
    """Whether an evening post came after this moment (the one posted then has passed)."""
    found = await session.scalar(
        select(Post.id)
        .where(Post.chat_id == chat_id, Post.kind == "evening", Post.posted_at > posted_at)
        .limit(1)
    )
    return found is not None
