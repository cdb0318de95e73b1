"""The /exercise posts: how many lately, finding one behind a button, recording a new one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Post


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
