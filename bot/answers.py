"""Who answered a prompt: replies, messages (when the bot sees them), and "we talked in person".

Only the fact of an answer is kept (who, when, how, the message id), never what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Answer, Partner, Post
from bot.storage.partners import list_partners

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
    return await session.scalar(
        select(Post).where(
            Post.chat_id == chat_id, Post.message_id == message_id, Post.kind.in_(ANSWERABLE)
        )
    )


async def open_evening_post(session: AsyncSession, chat_id: int, now: datetime) -> Post | None:
    """The latest evening prompt, while it still takes answers."""
    post = await session.scalar(
        select(Post)
        .where(Post.chat_id == chat_id, Post.kind == "evening")
        .order_by(Post.posted_at.desc(), Post.id.desc())
        .limit(1)
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
) -> AnswerState:
    """Record one partner's answer (the first one counts; later ones change nothing)."""
    existing = await session.scalar(
        select(Answer.id).where(Answer.post_id == post.id, Answer.partner_id == partner.id)
    )
    changed = existing is None
    if changed:
        session.add(
            Answer(
                post_id=post.id,
                partner_id=partner.id,
                answered_at=now,
                message_id=message_id,
                how=how,
            )
        )
        await session.flush()
        if post.first_answer_at is None:
            post.first_answer_at = now
    return await _settle(session, post, now, changed)


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
    partners = await list_partners(session, post.chat_id)
    answered = set(
        (await session.scalars(select(Answer.partner_id).where(Answer.post_id == post.id))).all()
    )
    marks = tuple(PartnerMark(p.display_name, p.id in answered) for p in partners)
    # A couple is two people: both registered partners, or the in-person button.
    together = post.in_person or (len(partners) >= 2 and all(m.answered for m in marks))
    if together and post.together_at is None:
        post.together_at = now
    return AnswerState(post, marks, together, changed)
