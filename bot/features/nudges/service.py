"""One kind nudge for the partner who has not answered yet: rare, and never at night."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Answer, Chat, Partner, Post
from bot.kernel.db.partners import list_partners
from bot.schedule.slots import in_quiet_hours

# A prompt older than this is yesterday's news: no nudge about it any more.
NUDGE_HORIZON = timedelta(hours=18)
SHORTEST_DELAY = timedelta(minutes=15)


def nudge_due(
    *,
    first_answer_at: datetime,
    posted_at: datetime,
    delay: timedelta,
    now: datetime,
    zone: ZoneInfo,
    quiet_start: int,
    quiet_end: int,
) -> bool:
    """Tell whether a nudge may go out now (pure)."""
    if now - posted_at > NUDGE_HORIZON:
        return False
    if now - first_answer_at < delay:
        return False
    return not in_quiet_hours(now, zone, quiet_start, quiet_end)


@dataclass(frozen=True)
class Nudge:
    """A nudge to send: which prompt, who answered, who is gently reminded."""

    chat_id: int
    prompt_message_id: int
    answered: str
    waiting_name: str
    waiting_user_id: int


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
        if not nudge_due(
            first_answer_at=post.first_answer_at,
            posted_at=post.posted_at,
            delay=timedelta(minutes=chat.nudge_delay_minutes),
            now=now,
            zone=ZoneInfo(chat.timezone),
            quiet_start=chat.quiet_start_minute,
            quiet_end=chat.quiet_end_minute,
        ):
            continue
        who = await _who(session, post)
        if who is None:
            continue
        # The conditional update is the claim: replicas racing here send one nudge between them.
        claimed = await session.execute(
            update(Post).where(Post.id == post.id, Post.nudged_at.is_(None)).values(nudged_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        answered, waiting = who
        nudges.append(
            Nudge(
                chat.id,
                post.message_id,
                answered.display_name,
                waiting.display_name,
                waiting.user_id,
            )
        )
    return nudges


async def _who(session: AsyncSession, post: Post) -> tuple[Partner, Partner] | None:
    """The partner who answered and the one who has not (None unless it is one of each)."""
    partners = list(await list_partners(session, post.chat_id))
    if len(partners) < 2:
        return None
    answered_ids = set(
        (await session.scalars(select(Answer.partner_id).where(Answer.post_id == post.id))).all()
    )
    answered = [p for p in partners if p.id in answered_ids]
    waiting = [p for p in partners if p.id not in answered_ids]
    if len(answered) != 1 or len(waiting) != 1:
        return None
    return answered[0], waiting[0]
