"""The library entries a chat has seen: history for the picker, and recording a pick."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Chat, EntryUse
from bot.library.picker import History, Pick, Preferences, depth_setting, tender_allowed

RECENT_CATEGORIES = 4


async def histories(
    session: AsyncSession, chat_ids: Sequence[int], answered_together: dict[int, int] | None = None
) -> dict[int, History]:
    """What each chat has had in its current cycle, in one query."""
    rows = await session.execute(
        select(EntryUse.chat_id, EntryUse.entry_id, EntryUse.category)
        .join(Chat, and_(Chat.id == EntryUse.chat_id, Chat.cycle == EntryUse.cycle))
        .where(EntryUse.chat_id.in_(chat_ids))
        .order_by(EntryUse.id)
    )
    used: dict[int, list[tuple[str, str]]] = {chat_id: [] for chat_id in chat_ids}
    for chat_id, entry_id, category in rows:
        used[chat_id].append((entry_id, category))
    answered = answered_together or {}
    return {
        chat_id: History(
            used=tuple(e for e, _ in items),
            recent_categories=tuple(c for _, c in reversed(items[-RECENT_CATEGORIES:])),
            answered_together=answered.get(chat_id, 0),
        )
        for chat_id, items in used.items()
    }


async def history(session: AsyncSession, chat_id: int, answered_together: int = 0) -> History:
    """One chat's history."""
    return (await histories(session, [chat_id], {chat_id: answered_together}))[chat_id]


def record_pick(session: AsyncSession, chat: Chat, pick: Pick, now: datetime) -> None:
    """Count the pick against the no-repeat rule (starting a new cycle when the picker says so)."""
    if pick.new_cycle:
        chat.cycle += 1
    chat.picks += 1
    entry = pick.entry
    session.add(
        EntryUse(
            chat_id=chat.id,
            entry_id=entry.id,
            kind=entry.kind.value,
            category=entry.category.value,
            cycle=chat.cycle,
            used_at=now,
        )
    )


def preferences_of(chat: Chat, now: datetime) -> Preferences:
    """What the picker may choose for the chat: its depth, topics, decks and tender topics."""
    max_depth, ramp = depth_setting(chat.depth)
    return Preferences(
        max_depth=max_depth,
        ramp=ramp,
        disabled_categories=split_ids(chat.disabled_categories),
        decks=split_ids(chat.decks),
        tender=tender_allowed(chat.tender, chat.created_at, now),
    )


def split_ids(stored: str) -> frozenset[str]:
    """A comma-separated column of ids as a set."""
    return frozenset(filter(None, stored.split(",")))
