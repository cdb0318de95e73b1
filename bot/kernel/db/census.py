"""What the operator's gauges count in the database: active chats and evening runs waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Chat, Run

# Run statuses as the evening feature writes them (bot.features.evening.rules), which the
# kernel may not import.
_PENDING, _SENDING = "pending", "sending"


@dataclass(frozen=True)
class Census:
    """Counts for the gauges."""

    active_chats: int
    runs_waiting: int


async def census(session: AsyncSession, now: datetime) -> Census:
    """Chats the bot is active in; runs due and not sent yet (pending past their time, or out)."""
    active = await session.scalar(select(func.count()).select_from(Chat).where(Chat.active))
    waiting = await session.scalar(
        select(func.count())
        .select_from(Run)
        .where(or_(and_(Run.status == _PENDING, Run.not_before <= now), Run.status == _SENDING))
    )
    return Census(active_chats=active or 0, runs_waiting=waiting or 0)
