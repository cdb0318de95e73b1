"""Private answers' reads and writes: the rows that hold a private message's id until the reveal.

Two claims keep replicas from doing a thing twice: a post's reveal is the insert of its one
``private_reveals`` row (the second insert finds it and does nothing), and the "share anyway?"
question is a conditional update of ``asked_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.private_answers.rules import KEEP_FOR, Hidden
from bot.kernel.db.models import Answer, Chat, Partner, Post, PrivateAnswer, PrivateReveal

ANSWERABLE = ("evening", "exercise")
HIDDEN = "hidden"


@dataclass(frozen=True)
class PostRow:
    """One of the bot's posts that takes answers."""

    id: int
    chat_id: int
    message_id: int
    kind: str
    entry_id: str | None
    posted_at: datetime
    together_at: datetime | None


@dataclass(frozen=True)
class Opened:
    """A partner's open private answer: the row, its post, and who they are there."""

    row_id: int
    partner_id: int
    name: str
    post: PostRow
    message_id: int | None


def _post(post: Post) -> PostRow:
    return PostRow(
        post.id,
        post.chat_id,
        post.message_id,
        post.kind,
        post.entry_id,
        post.posted_at,
        post.together_at,
    )


async def chat_mode(session: AsyncSession, chat_id: int) -> str | None:
    """The chat's /private setting; None for a chat we do not know."""
    mode = await session.scalar(select(Chat.private_mode).where(Chat.id == chat_id))
    return None if mode is None else str(mode)


async def set_mode(session: AsyncSession, chat_id: int, mode: str) -> None:
    """Store the chat's /private setting."""
    await session.execute(update(Chat).where(Chat.id == chat_id).values(private_mode=mode))


async def post_at(session: AsyncSession, chat_id: int, message_id: int) -> PostRow | None:
    """The answerable post shown by a group message."""
    post = await session.scalar(
        select(Post).where(
            Post.chat_id == chat_id, Post.message_id == message_id, Post.kind.in_(ANSWERABLE)
        )
    )
    return None if post is None else _post(post)


async def post_by_id(session: AsyncSession, post_id: int) -> PostRow | None:
    """An answerable post by its id."""
    post = await session.get(Post, post_id)
    return None if post is None or post.kind not in ANSWERABLE else _post(post)


async def newer_evening(session: AsyncSession, post: PostRow) -> bool:
    """Whether the chat got another evening prompt after this post."""
    found = await session.scalar(
        select(Post.id)
        .where(
            Post.chat_id == post.chat_id,
            Post.kind == "evening",
            Post.posted_at > post.posted_at,
        )
        .limit(1)
    )
    return found is not None


async def partner(session: AsyncSession, partner_id: int) -> Partner | None:
    """A partner row by id."""
    return await session.get(Partner, partner_id)


async def other_name(session: AsyncSession, chat_id: int, partner_id: int) -> str | None:
    """The other active partner's name, first to join first; None while they are unknown."""
    name = await session.scalar(
        select(Partner.display_name)
        .where(Partner.chat_id == chat_id, Partner.active.is_(True), Partner.id != partner_id)
        .order_by(Partner.id)
        .limit(1)
    )
    return None if name is None else str(name)


async def is_revealed(session: AsyncSession, post_id: int) -> bool:
    """Whether the post's private answers went into the group already (or were shared)."""
    return (await session.get(PrivateReveal, post_id)) is not None


async def open_answer(
    session: AsyncSession, post: PostRow, member: Partner, now: datetime
) -> PrivateAnswer:
    """The partner opened the link: their row for the post, made or brought to the front."""
    row = await session.scalar(
        select(PrivateAnswer).where(
            PrivateAnswer.post_id == post.id, PrivateAnswer.partner_id == member.id
        )
    )
    if row is None:
        row = PrivateAnswer(
            chat_id=post.chat_id,
            post_id=post.id,
            partner_id=member.id,
            user_id=member.user_id,
            opened_at=now,
            state=HIDDEN,
            replaced=0,
        )
        session.add(row)
        await session.flush()
    else:
        row.opened_at = now
    return row


async def latest_open(session: AsyncSession, user_id: int) -> Opened | None:
    """The user's most recently opened private answer that is still hidden (what they answer)."""
    found = (
        await session.execute(
            select(PrivateAnswer, Post, Partner.display_name)
            .join(Post, Post.id == PrivateAnswer.post_id)
            .join(Partner, Partner.id == PrivateAnswer.partner_id)
            .where(
                PrivateAnswer.user_id == user_id,
                PrivateAnswer.state == HIDDEN,
                Partner.active.is_(True),
                ~exists().where(PrivateReveal.post_id == PrivateAnswer.post_id),
            )
            .order_by(PrivateAnswer.opened_at.desc(), PrivateAnswer.id.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        return None
    row, post, name = found
    return Opened(row.id, row.partner_id, str(name), _post(post), row.message_id)


async def save_answer(
    session: AsyncSession, row_id: int, message_id: int, kind: str, now: datetime
) -> bool:
    """Keep the private message's id (and its kind); True when it replaces an earlier one."""
    row = await session.get(PrivateAnswer, row_id)
    assert row is not None
    replaced = row.message_id is not None
    row.message_id = message_id
    row.kind = kind
    row.answered_at = row.answered_at or now
    if replaced:
        row.replaced += 1
    return replaced


async def hidden_answers(session: AsyncSession, post_id: int) -> list[Hidden]:
    """The post's private answers still waiting, with each partner's name."""
    rows = await session.execute(
        select(PrivateAnswer, Partner.display_name)
        .join(Partner, Partner.id == PrivateAnswer.partner_id)
        .where(
            PrivateAnswer.post_id == post_id,
            PrivateAnswer.state == HIDDEN,
            PrivateAnswer.message_id.is_not(None),
        )
    )
    return [
        Hidden(row.id, row.partner_id, str(name), row.user_id, row.message_id, row.answered_at)
        for row, name in rows
    ]


async def partners_and_answers(session: AsyncSession, post: PostRow) -> tuple[list[int], list[int]]:
    """The chat's active partners, and who of them answered the post (any way)."""
    partners = await session.scalars(
        select(Partner.id).where(Partner.chat_id == post.chat_id, Partner.active.is_(True))
    )
    answered = await session.scalars(select(Answer.partner_id).where(Answer.post_id == post.id))
    return list(partners), list(answered)


async def claim_reveal(session: AsyncSession, post: PostRow, now: datetime, how: str) -> bool:
    """Claim the post's one reveal; False when another replica (or an earlier tap) has it."""
    values = {"post_id": post.id, "chat_id": post.chat_id, "revealed_at": now, "how": how}
    if session.get_bind().dialect.name == "postgresql":
        result = await session.execute(
            pg_insert(PrivateReveal).values(values).on_conflict_do_nothing()
        )
    else:
        result = await session.execute(
            sqlite_insert(PrivateReveal).values(values).on_conflict_do_nothing()
        )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def finish_reveal(session: AsyncSession, states: dict[int, str]) -> None:
    """After the copies: each row's outcome, and its message id forgotten."""
    for row_id, state in states.items():
        await session.execute(
            update(PrivateAnswer)
            .where(PrivateAnswer.id == row_id)
            .values(state=state, message_id=None)
        )


async def due_reveals(session: AsyncSession, now: datetime, limit: int = 200) -> list[PostRow]:
    """Posts answered by both (or in person) whose private answers still wait for a reveal."""
    # From the waiting answers (few: their ids go within 48 hours), not from every post.
    waiting = (
        select(PrivateAnswer.post_id)
        .where(
            PrivateAnswer.state == HIDDEN,
            PrivateAnswer.answered_at > now - KEEP_FOR,
            PrivateAnswer.message_id.is_not(None),
        )
        .distinct()
        .subquery()
    )
    rows = await session.scalars(
        select(Post)
        .join(waiting, waiting.c.post_id == Post.id)
        .where(Post.together_at.is_not(None), ~exists().where(PrivateReveal.post_id == Post.id))
        .limit(limit)
    )
    return [_post(p) for p in rows]


@dataclass(frozen=True)
class Question:
    """A lone private answer whose window closed: ask its partner whether to share it."""

    row_id: int
    user_id: int
    other: str | None
    entry_id: str | None
    chat_id: int = 0  # the group the post is in (its language is the question's)


async def claim_questions(
    session: AsyncSession, now: datetime, window: timedelta, limit: int = 200
) -> list[Question]:
    """Lone private answers on posts whose window closed; each claimed once (``asked_at``)."""
    rows = await session.execute(
        select(PrivateAnswer, Post)
        .join(Post, Post.id == PrivateAnswer.post_id)
        .where(
            PrivateAnswer.state == HIDDEN,
            PrivateAnswer.message_id.is_not(None),
            PrivateAnswer.asked_at.is_(None),
            Post.together_at.is_(None),
            Post.posted_at < now - window,
            # Nothing older than the ids are kept for: those are cleared, not asked about.
            PrivateAnswer.answered_at > now - KEEP_FOR,
        )
        .limit(limit)
    )
    asked = []
    for row, post in rows.all():
        claimed = await session.execute(
            update(PrivateAnswer)
            .where(PrivateAnswer.id == row.id, PrivateAnswer.asked_at.is_(None))
            .values(asked_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        other = await other_name(session, post.chat_id, row.partner_id)
        asked.append(Question(row.id, row.user_id, other, post.entry_id, post.chat_id))
    return asked


async def set_question_message(session: AsyncSession, row_id: int, message_id: int) -> None:
    """Remember which private message asked, so only its buttons answer."""
    await session.execute(
        update(PrivateAnswer).where(PrivateAnswer.id == row_id).values(asked_message_id=message_id)
    )


async def asked_row(
    session: AsyncSession, row_id: int, user_id: int, message_id: int
) -> tuple[PrivateAnswer, PostRow] | None:
    """The row a "share anyway?" button answers, if it is this user's and this message's."""
    found = (
        await session.execute(
            select(PrivateAnswer, Post)
            .join(Post, Post.id == PrivateAnswer.post_id)
            .where(
                PrivateAnswer.id == row_id,
                PrivateAnswer.user_id == user_id,
                PrivateAnswer.asked_message_id == message_id,
            )
        )
    ).first()
    return None if found is None else (found[0], _post(found[1]))


async def expire(session: AsyncSession, now: datetime) -> int:
    """Clear private message ids kept for 48 hours; drop links opened then and never used."""
    # Only a waiting answer still has an id: the others were cleared when they were settled.
    cleared = await session.execute(
        update(PrivateAnswer)
        .where(
            PrivateAnswer.state == HIDDEN,
            PrivateAnswer.answered_at <= now - KEEP_FOR,
            PrivateAnswer.message_id.is_not(None),
        )
        .values(message_id=None, state="expired")
    )
    await session.execute(
        delete(PrivateAnswer).where(
            and_(
                PrivateAnswer.state == HIDDEN,
                PrivateAnswer.answered_at.is_(None),
                PrivateAnswer.opened_at <= now - KEEP_FOR,
            )
        )
    )
    return int(getattr(cleared, "rowcount", 0) or 0)
