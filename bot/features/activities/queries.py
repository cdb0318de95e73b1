"""Activity offers in the database, and each chat's pulse (how it has been doing lately)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.activities.rules import QUIET_EVENINGS, ChatPulse
from bot.kernel.db.models import Answer, Chat, Post, Suggestion
from bot.kernel.db.types import UTCDateTime


async def used_ids(session: AsyncSession, chat: Chat) -> list[str]:
    """Activities already offered in the chat's current activity cycle."""
    rows = await session.scalars(
        select(Suggestion.options).where(
            Suggestion.chat_id == chat.id, Suggestion.cycle == chat.activity_cycle
        )
    )
    return [entry for options in rows for entry in options.split(",") if entry]


def add_offer(
    session: AsyncSession,
    chat: Chat,
    activity_ids: list[str],
    *,
    new_cycle: bool,
    message_id: int,
    source: str,
    now: datetime,
) -> None:
    """Remember what was offered in which message (starting a new cycle when the picker says)."""
    if new_cycle:
        chat.activity_cycle += 1
    session.add(
        Suggestion(
            chat_id=chat.id,
            message_id=message_id,
            source=source,
            options=",".join(activity_ids),
            cycle=chat.activity_cycle,
            suggested_at=now,
        )
    )


async def offer_in(session: AsyncSession, chat_id: int, message_id: int) -> Suggestion | None:
    """The suggestion a button press belongs to."""
    return await session.scalar(
        select(Suggestion).where(Suggestion.chat_id == chat_id, Suggestion.message_id == message_id)
    )


async def follow_up_in(session: AsyncSession, chat_id: int, message_id: int) -> Suggestion | None:
    """The suggestion a follow-up button belongs to."""
    return await session.scalar(
        select(Suggestion).where(
            Suggestion.chat_id == chat_id, Suggestion.follow_up_message_id == message_id
        )
    )


async def claim_follow_ups(session: AsyncSession, now: datetime, limit: int = 200) -> list[int]:
    """Take the follow-ups that are due; each is claimed once, whatever the replicas."""
    ids = list(
        (
            await session.scalars(
                select(Suggestion.id)
                .where(Suggestion.follow_up_at <= now, Suggestion.follow_up_message_id.is_(None))
                .order_by(Suggestion.follow_up_at)
                .limit(limit)
            )
        ).all()
    )
    claimed = []
    for suggestion_id in ids:
        # A sentinel id marks "being sent"; the conditional update is the lock.
        result = await session.execute(
            update(Suggestion)
            .where(Suggestion.id == suggestion_id, Suggestion.follow_up_message_id.is_(None))
            .values(follow_up_message_id=0)
        )
        if getattr(result, "rowcount", 0) == 1:
            claimed.append(suggestion_id)
    return claimed


async def set_follow_up_message(session: AsyncSession, suggestion_id: int, message_id: int) -> None:
    """Remember the follow-up's message, so its buttons find the offer."""
    await session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion_id)
        .values(follow_up_message_id=message_id)
    )


# --- Each chat's pulse, read for a whole batch of chats in a few queries -------------------

_UTC = UTCDateTime()
_SQLITE = sqlite.dialect()

# The picker's depth grows with the evenings answered together in this window.
TOGETHER_WINDOW = timedelta(days=28)
# Enough recent evenings to judge quietness even when some came before the last offer.
RECENT_EVENINGS = 2 * QUIET_EVENINGS


async def pulses(
    session: AsyncSession, chats: Sequence[Chat], now: datetime
) -> tuple[dict[int, ChatPulse], dict[int, int]]:
    """Return each chat's pulse (for the quiet rule) and evenings together (for depth)."""
    ids = [chat.id for chat in chats]
    last_offer = dict(
        (
            await session.execute(
                select(Suggestion.chat_id, func.max(Suggestion.suggested_at))
                .where(Suggestion.chat_id.in_(ids), Suggestion.source == "evening")
                .group_by(Suggestion.chat_id)
            )
        ).all()
    )
    ranked = (
        select(
            Post.chat_id,
            Post.posted_at,
            Post.together_at,
            func.row_number()
            .over(partition_by=Post.chat_id, order_by=(Post.posted_at.desc(), Post.id.desc()))
            .label("rank"),
        )
        .where(Post.chat_id.in_(ids), Post.kind == "evening")
        .subquery()
    )
    recent: dict[int, list[tuple[datetime, bool]]] = {i: [] for i in ids}
    for chat_id, posted_at, together_at, _rank in await session.execute(
        select(ranked)
        .where(ranked.c.rank <= RECENT_EVENINGS)
        .order_by(ranked.c.chat_id, ranked.c.rank)
    ):
        recent[chat_id].append((_aware(posted_at) or now, together_at is not None))
    posted = dict(
        (
            await session.execute(
                select(Post.chat_id, func.count())
                .where(Post.chat_id.in_(ids), Post.kind == "evening")
                .group_by(Post.chat_id)
            )
        ).all()
    )
    together = dict(
        (
            await session.execute(
                select(Post.chat_id, func.count())
                .where(
                    Post.chat_id.in_(ids),
                    Post.kind == "evening",
                    Post.together_at.is_not(None),
                    Post.posted_at > now - TOGETHER_WINDOW,
                )
                .group_by(Post.chat_id)
            )
        ).all()
    )
    last_answer = dict(
        (
            await session.execute(
                select(Post.chat_id, func.max(Answer.answered_at))
                .join(Post, Post.id == Answer.post_id)
                .where(Post.chat_id.in_(ids))
                .group_by(Post.chat_id)
            )
        ).all()
    )
    # A joint activity done together counts like an answer: the couple is not quiet.
    last_done = dict(
        (
            await session.execute(
                select(Suggestion.chat_id, func.max(Suggestion.done_at))
                .where(Suggestion.chat_id.in_(ids), Suggestion.done_at.is_not(None))
                .group_by(Suggestion.chat_id)
            )
        ).all()
    )
    open_offer = dict(
        (
            await session.execute(
                select(Suggestion.chat_id, func.max(Suggestion.suggested_at))
                .where(
                    Suggestion.chat_id.in_(ids),
                    Suggestion.source == "evening",
                    Suggestion.chosen_id.is_(None),
                    Suggestion.declined_at.is_(None),
                )
                .group_by(Suggestion.chat_id)
            )
        ).all()
    )
    chosen = dict(
        (
            await session.execute(
                select(Suggestion.chat_id, func.max(Suggestion.chosen_at))
                .where(
                    Suggestion.chat_id.in_(ids),
                    Suggestion.chosen_id.is_not(None),
                    Suggestion.outcome.is_(None),
                )
                .group_by(Suggestion.chat_id)
            )
        ).all()
    )
    result = {
        chat.id: ChatPulse(
            started_at=chat.created_at,
            recent=tuple(recent[chat.id]),
            last_offer_at=_aware(last_offer.get(chat.id)),
            evenings_posted=int(posted.get(chat.id, 0)),
            last_answer_at=_latest(last_answer.get(chat.id), last_done.get(chat.id)),
            cooldown_until=chat.activity_cooldown_until,
            open_suggestion_at=_aware(open_offer.get(chat.id)),
            chosen_at=_aware(chosen.get(chat.id)),
        )
        for chat in chats
    }
    return result, {chat_id: int(n) for chat_id, n in together.items()}


def _aware(value: object) -> datetime | None:
    """Make an aggregate's value an aware UTC datetime, whatever the database returned."""
    if value is None:
        return None
    return _UTC.process_result_value(value, _SQLITE)


def _latest(*values: object) -> datetime | None:
    """The latest of some optional moments."""
    moments = [m for m in (_aware(v) for v in values) if m is not None]
    return max(moments) if moments else None


async def offers(session: AsyncSession, ids: Sequence[int]) -> list[Suggestion]:
    """The offers with these ids, in id order."""
    if not ids:
        return []
    rows = await session.scalars(
        select(Suggestion).where(Suggestion.id.in_(ids)).order_by(Suggestion.id)
    )
    return list(rows.all())
