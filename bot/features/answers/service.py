"""Who answered a prompt: replies, messages (when the bot sees them), and "we talked in person".

Only the fact of an answer is kept (who, when, how, the message id), never what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Answer, Partner, Post
from bot.kernel.db.partners import list_partners

# A partner's plain message counts for the latest evening prompt for this long (when the bot
# can see every message: it is an admin, or privacy mode is off).
ANSWER_WINDOW = timedelta(hours=20)
ANSWERABLE = ("evening", "exercise")


@dataclass(frozen=True)
class PartnerMark:
    """One partner's line in the status under a prompt."""

    name: str
    answered: bool


@dataclass(frozen=True)
class AnswerState:
    """Where a post stands after an answer."""

    post: Post
    partners: tuple[PartnerMark, ...]
    together: bool
    changed: bool  # something new was recorded, so the prompt's status needs an edit


async def post_for_reply(session: AsyncSession, chat_id: int, message_id: int) -> Post | None:
    """The answerable post a reply points at."""
    # Locked (on PostgreSQL) so that two replicas recording the two partners' answers at once
    # take turns, and the second sees the first: "answered by both" is never missed.
    return await session.scalar(
        select(Post)
        .where(Post.chat_id == chat_id, Post.message_id == message_id, Post.kind.in_(ANSWERABLE))
        .with_for_update()
    )


async def open_evening_post(session: AsyncSession, chat_id: int, now: datetime) -> Post | None:
    """The latest evening prompt, while it still takes answers."""
    post = await session.scalar(
        select(Post)
        .where(Post.chat_id == chat_id, Post.kind == "evening")
        .order_by(Post.posted_at.desc(), Post.id.desc())
        .limit(1)
        .with_for_update()
    )
    if post is None or now - post.posted_at > ANSWER_WINDOW:
        return None
    return post


async def record(
    session: AsyncSession,
    post: Post,
    partner: Partner,
    now: datetime,
    *,
    how: str,
    message_id: int | None = None,
) -> AnswerState | None:
    """Record one partner's answer; None when they had answered already (nothing changes).

    Every reply to a prompt comes here, and most after the first change nothing, so the status
    is read once, before the insert: an earlier answer ends it there, read-only.
    """
    answered = await _answered(session, post)
    if any(p.id == partner.id and done for p, done in answered):
        return None
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # The unique key settles a race with another replica recording the same answer.
    result = await session.execute(
        insert(Answer)
        .values(
            post_id=post.id,
            partner_id=partner.id,
            answered_at=now,
            message_id=message_id,
            how=how,
        )
        .on_conflict_do_nothing(index_elements=["post_id", "partner_id"])
    )
    if not getattr(result, "rowcount", 0):
        return None
    if post.first_answer_at is None:
        post.first_answer_at = now
    answered = [(p, done or p.id == partner.id) for p, done in answered]
    return _state(post, answered, now, changed=True)


async def in_person(session: AsyncSession, post: Post, now: datetime) -> AnswerState:
    """Both partners talked it over face to face: mark everyone as answered."""
    changed = not post.in_person
    if changed:
        answered = set(
            (
                await session.scalars(select(Answer.partner_id).where(Answer.post_id == post.id))
            ).all()
        )
        for partner in await list_partners(session, post.chat_id):
            if partner.id not in answered:
                session.add(
                    Answer(post_id=post.id, partner_id=partner.id, answered_at=now, how="button")
                )
        post.in_person = True
        post.first_answer_at = post.first_answer_at or now
        post.together_at = post.together_at or now
        await session.flush()
    return await _settle(session, post, now, changed)


async def state(session: AsyncSession, post: Post) -> AnswerState:
    """The post's answer status, without recording anything."""
    return await _settle(session, post, post.together_at or post.posted_at, False)


async def _settle(session: AsyncSession, post: Post, now: datetime, changed: bool) -> AnswerState:
    return _state(post, await _answered(session, post), now, changed)


async def _answered(session: AsyncSession, post: Post) -> list[tuple[Partner, bool]]:
    """The chat's active partners, first to join first, and whether each answered the post."""
    rows = await session.execute(
        select(Partner, Answer.id)
        .outerjoin(Answer, and_(Answer.post_id == post.id, Answer.partner_id == Partner.id))
        .where(Partner.chat_id == post.chat_id, Partner.active.is_(True))
        .order_by(Partner.id)
    )
    return [(partner, answer_id is not None) for partner, answer_id in rows]


def _state(
    post: Post, answered: list[tuple[Partner, bool]], now: datetime, changed: bool
) -> AnswerState:
    marks = tuple(PartnerMark(p.display_name, done) for p, done in answered)
    return settle(post, marks, now, changed=changed)


def settle(
    post: Post, marks: tuple[PartnerMark, ...], now: datetime, *, changed: bool
) -> AnswerState:
    """The post's state given each partner's mark; the first time both answered is stamped."""
    # A couple is two people: both registered partners, or the in-person button.
    together = bool(post.in_person) or (len(marks) >= 2 and all(m.answered for m in marks))
    if together and post.together_at is None:
        post.together_at = now
    return AnswerState(post, marks, together, changed)
