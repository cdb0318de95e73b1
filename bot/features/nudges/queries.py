"""The nudge search: prompts one partner answered and the other has not, each claimed once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.nudges.rules import (
    NUDGE_HORIZON,
    SHORTEST_DELAY,
    Member,
    Nudge,
    at_night,
    nudge_ripe,
    who,
)
from bot.kernel.db.models import Answer, Chat, Post
from bot.kernel.db.partners import list_partners


async def claim_nudges(session: AsyncSession, now: datetime, limit: int = 500) -> list[Nudge]:
    """Find prompts where one partner answered and the other has not; claim each once."""
    rows = await session.execute(
        select(Post, Chat)
        .join(Chat, Chat.id == Post.chat_id)
        .where(
            Post.kind == "evening",
            Post.together_at.is_(None),
            Post.nudged_at.is_(None),
            Post.posted_at >= now - NUDGE_HORIZON,
            # Implied by the line above (an answer comes after its prompt), and what lets the
            # index on first answers read only the last hours' instead of every answered
            # prompt ever: this runs every tick.
            Post.first_answer_at >= now - NUDGE_HORIZON,
            Post.first_answer_at <= now - SHORTEST_DELAY,
            Chat.active.is_(True),
            Chat.nudges_enabled.is_(True),
        )
        .limit(limit)
    )
    nudges = []
    for post, chat in rows.all():
        assert post.first_answer_at is not None
        if not nudge_ripe(
            first_answer_at=post.first_answer_at,
            posted_at=post.posted_at,
            delay=timedelta(minutes=chat.nudge_delay_minutes),
            now=now,
        ):
            continue
        pair = who(await _members(session, post))
        if pair is None:
            continue
        # Never in the night of the partner the nudge mentions, in their own zone if they set one.
        if at_night(pair[1], chat.timezone, now, chat.quiet_start_minute, chat.quiet_end_minute):
            continue
        # The conditional update is the claim: replicas racing here send one nudge between them.
        claimed = await session.execute(
            update(Post).where(Post.id == post.id, Post.nudged_at.is_(None)).values(nudged_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        answered, waiting = pair
        nudges.append(
            Nudge(
                chat.id,
                post.message_id,
                answered.name,
                waiting.name,
                waiting.user_id,
                post.apart,
                chat.language,
            )
        )
    return nudges


async def _members(session: AsyncSession, post: Post) -> list[Member]:
    partners = list(await list_partners(session, post.chat_id))
    answered = set(
        (await session.scalars(select(Answer.partner_id).where(Answer.post_id == post.id))).all()
    )
    return [Member(p.user_id, p.display_name, p.id in answered, p.timezone) for p in partners]
