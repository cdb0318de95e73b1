"""The answers' reads and writes, as SQLAlchemy Core statements built once for the module.

Lists travel as expanding parameters and many rows as one executemany, so each statement keeps
one cache key whatever the size of the batch and SQLAlchemy compiles it once per dialect.

A batch reads everything it needs in one statement: through aiosqlite each statement is several
round trips to the driver's thread, each waiting for a busy event loop to come round, and those,
not the SQL, were most of a batch's time. On PostgreSQL the posts are first locked ``FOR UPDATE``
in id order: two replicas recording the two partners at once take turns on the post (in the
same order, so they cannot deadlock) and the second sees the first's answer. SQLite has no row
locks; the answers' transactions there take the write lock when they begin (see
``bot.kernel.db.engine.write_first_engine``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.features.answers.rules import (
    ANSWER_WINDOW,
    ANSWERABLE,
    ChatRows,
    Member,
    PartnerMark,
    PostFacts,
    Seen,
)
from bot.kernel.db.models import Answer, Chat, Partner, Post

CHATS = cast(Table, Chat.__table__)
POSTS = cast(Table, Post.__table__)
ANSWERS = cast(Table, Answer.__table__)
PARTNERS = cast(Table, Partner.__table__)

# In the order of PostFacts' fields.
_POST_COLUMNS = (
    POSTS.c.id,
    POSTS.c.chat_id,
    POSTS.c.message_id,
    POSTS.c.kind,
    POSTS.c.entry_id,
    POSTS.c.posted_at,
    POSTS.c.done_at,
    POSTS.c.first_answer_at,
    POSTS.c.together_at,
    POSTS.c.in_person,
    POSTS.c.apart,
)
# Two lists, not one list of (chat, message) pairs: SQLite reads a pair list by scanning every
# post ever made. The lists may also match another chat's message id; ``rules.answers_what``
# only takes the post of the message's own chat.
_REPLIED_TO = and_(
    POSTS.c.chat_id.in_(bindparam("reply_chats", expanding=True)),
    POSTS.c.message_id.in_(bindparam("reply_ids", expanding=True)),
    POSTS.c.kind.in_(ANSWERABLE),
)
_RECENT_EVENINGS = and_(
    POSTS.c.chat_id.in_(bindparam("plain_chats", expanding=True)),
    POSTS.c.kind == "evening",
    POSTS.c.posted_at >= bindparam("since"),
)


_PARTNER_COLUMNS = (
    PARTNERS.c.chat_id,
    PARTNERS.c.id,
    PARTNERS.c.user_id,
    PARTNERS.c.display_name,
    PARTNERS.c.active,
)


def _batch_rows(*where: ColumnElement[bool]) -> Select[Any]:
    """Each partner of the batch's chats, with every post of the chat it may answer (if any)
    and whether that partner answered it."""
    # Materialized, SQLite finds the wanted posts through its indexes (one lookup per list);
    # flattened into the join, it looked them up by chat alone and read each chat's history.
    wanted = (
        select(*_POST_COLUMNS)
        .where(or_(*where))
        .cte("wanted")
        .prefix_with("MATERIALIZED", dialect="sqlite")
    )
    answer_of = and_(ANSWERS.c.post_id == wanted.c.id, ANSWERS.c.partner_id == PARTNERS.c.id)
    return (
        select(*_PARTNER_COLUMNS, CHATS.c.private_mode, CHATS.c.language, *wanted.c, ANSWERS.c.how)
        .select_from(PARTNERS)
        .join(CHATS, CHATS.c.id == PARTNERS.c.chat_id)
        .outerjoin(wanted, wanted.c.chat_id == PARTNERS.c.chat_id)
        .outerjoin(ANSWERS, answer_of)
        .where(PARTNERS.c.chat_id.in_(bindparam("chat_ids", expanding=True)))
        .order_by(PARTNERS.c.id, wanted.c.id)
    )


def _locks(*where: ColumnElement[bool]) -> Select[Any]:
    return select(POSTS.c.id).where(or_(*where)).order_by(POSTS.c.id).with_for_update()


# By (any replies, any plain messages) in the batch.
_BATCH_ROWS = {
    (True, False): _batch_rows(_REPLIED_TO),
    (False, True): _batch_rows(_RECENT_EVENINGS),
    (True, True): _batch_rows(_REPLIED_TO, _RECENT_EVENINGS),
}
_LOCK_POSTS = {
    (True, False): _locks(_REPLIED_TO),
    (False, True): _locks(_RECENT_EVENINGS),
    (True, True): _locks(_REPLIED_TO, _RECENT_EVENINGS),
}
_ADMIN_IN = select(CHATS.c.id).where(
    CHATS.c.id.in_(bindparam("chat_ids", expanding=True)), CHATS.c.bot_is_admin.is_(True)
)
# Is there a newer evening prompt: the newest of each chat's evenings after a moment (through
# the (chat, posted_at) index, so only the few posts since are read).
_NEWEST_EVENINGS = (
    select(POSTS.c.chat_id, func.max(POSTS.c.posted_at))
    .where(
        POSTS.c.chat_id.in_(bindparam("chat_ids", expanding=True)),
        POSTS.c.posted_at > bindparam("since"),
        POSTS.c.kind == "evening",
    )
    .group_by(POSTS.c.chat_id)
)
_ADD_ANSWERS = insert(ANSWERS)
_STAMP_POSTS = (
    update(POSTS)
    .where(POSTS.c.id == bindparam("post"))
    .values(first_answer_at=bindparam("first"), together_at=bindparam("together"))
)
_POST_REPLIED_TO: Select[Any] = (
    select(*_POST_COLUMNS)
    .where(
        POSTS.c.chat_id == bindparam("chat_id"),
        POSTS.c.message_id == bindparam("message_id"),
        POSTS.c.kind.in_(ANSWERABLE),
    )
    .with_for_update()
)
_MARKS = (
    select(PARTNERS.c.id, PARTNERS.c.display_name, ANSWERS.c.how)
    .outerjoin(
        ANSWERS,
        and_(ANSWERS.c.post_id == bindparam("post_id"), ANSWERS.c.partner_id == PARTNERS.c.id),
    )
    .where(PARTNERS.c.chat_id == bindparam("chat_id"), PARTNERS.c.active.is_(True))
    .order_by(PARTNERS.c.id)
)


async def load_batch(
    conn: AsyncConnection, batch: Sequence[Seen]
) -> tuple[dict[int, ChatRows], set[tuple[int, int]], set[tuple[int, int]]]:
    """The batch's chats (partners, and the posts its messages may answer) and who answered what.

    The answers are (post id, partner id); those given privately are also in ``private``. On PostgreSQL the posts are locked first, in id
    order; on SQLite the transaction holds the write lock already (BEGIN IMMEDIATE), and the
    driver's round trips are what a batch costs there, so everything is read in one statement.
    """
    chats = {seen.chat_id: ChatRows() for seen in batch}
    replies = [s for s in batch if s.reply_to is not None]
    plain = [s for s in batch if s.reply_to is None]
    params: dict[str, object] = {"chat_ids": sorted(chats)}
    if replies:
        params["reply_chats"] = sorted({s.chat_id for s in replies})
        params["reply_ids"] = sorted({s.reply_to for s in replies if s.reply_to is not None})
    if plain:
        params["plain_chats"] = sorted({s.chat_id for s in plain})
        params["since"] = min(s.at for s in plain) - ANSWER_WINDOW
    kinds = bool(replies), bool(plain)
    if conn.dialect.name == "postgresql":
        await conn.execute(_LOCK_POSTS[kinds], params)
    answered: set[tuple[int, int]] = set()
    private: set[tuple[int, int]] = set()
    posts: set[int] = set()
    # A row per (partner, post it may answer), or one with no post; a partner's rows follow
    # one another, the chat's partners first to join first.
    rows = await conn.execute(_BATCH_ROWS[kinds], params)
    for chat_id, partner_id, user_id, name, active, mode, language, *post, how in rows:
        chat = chats[chat_id]
        chat.private_mode = mode
        chat.language = language
        if not chat.partners or chat.partners[-1].id != partner_id:
            chat.partners.append(Member(partner_id, user_id, name, active))
        post_id = post[0]
        if post_id is None:
            continue
        if post_id not in posts:
            posts.add(post_id)
            chat.posts.append(PostFacts(*post))
        if how is not None:
            answered.add((post_id, partner_id))
        if how == "private":
            private.add((post_id, partner_id))
    unseen = sorted({s.chat_id for s in plain if not s.sees_all})
    if unseen:
        for (chat_id,) in await conn.execute(_ADMIN_IN, {"chat_ids": unseen}):
            chats[chat_id].bot_is_admin = True
    await _newest_evenings(conn, chats, replies)
    return chats, answered, private


async def _newest_evenings(
    conn: AsyncConnection, chats: dict[int, ChatRows], replies: Sequence[Seen]
) -> None:
    """Note each reply chat's newest evening prompt after the oldest post a reply points at."""
    replied = [
        post.posted_at
        for seen in replies
        for post in chats[seen.chat_id].posts
        if post.message_id == seen.reply_to
    ]
    if not replied:
        return
    params = {"chat_ids": sorted({s.chat_id for s in replies}), "since": min(replied)}
    for chat_id, newest in await conn.execute(_NEWEST_EVENINGS, params):
        chats[chat_id].newest_evening_at = newest


async def add_answers(conn: AsyncConnection, rows: Sequence[dict[str, object]]) -> None:
    """Insert answers (post_id, partner_id, answered_at, message_id, how), all in one go."""
    if rows:
        await conn.execute(_ADD_ANSWERS, list(rows))


async def stamp_posts(conn: AsyncConnection, posts: Iterable[PostFacts]) -> None:
    """Store each post's first answer and "answered together" times, all in one go."""
    values = [{"post": p.id, "first": p.first_answer_at, "together": p.together_at} for p in posts]
    if values:
        await conn.execute(_STAMP_POSTS, values)


async def post_for_reply(session: AsyncSession, chat_id: int, message_id: int) -> PostFacts | None:
    """The answerable post a message (or a button under it) points at; locked on PostgreSQL."""
    rows = await session.execute(_POST_REPLIED_TO, {"chat_id": chat_id, "message_id": message_id})
    row = rows.first()
    return None if row is None else PostFacts(*row)


async def marks(session: AsyncSession, post: PostFacts) -> tuple[PartnerMark, ...]:
    """Each active partner of the post's chat, first to join first, and whether they answered."""
    rows = await session.execute(_MARKS, {"post_id": post.id, "chat_id": post.chat_id})
    return tuple(PartnerMark(name, how is not None, how == "private") for _id, name, how in rows)


async def mark_in_person(session: AsyncSession, post: PostFacts, now: datetime) -> None:
    """Both talked it over face to face: an answer for every partner who had none, and the stamps."""
    rows = await session.execute(_MARKS, {"post_id": post.id, "chat_id": post.chat_id})
    missing = [
        {"post_id": post.id, "partner_id": partner_id, "answered_at": now, "how": "button"}
        for partner_id, _name, how in rows
        if how is None
    ]
    if missing:
        await session.execute(_ADD_ANSWERS, missing)
    await session.execute(
        update(POSTS)
        .where(POSTS.c.id == post.id)
        .values(
            in_person=True,
            first_answer_at=post.first_answer_at or now,
            together_at=post.together_at or now,
        )
    )
