"""/exercise: a prompt or guided exercise on demand, with limits that keep the chat calm."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db import uses
from bot.kernel.db.models import Chat, Post
from bot.library.picker import Pick, Preferences, pick, seed_for
from bot.library.schema import Category, Kind, Library, category_name
from bot.texts import Texts

# At most this many /exercise posts per chat in the window; "Another one" edits in place.
WINDOW = timedelta(minutes=10)
MAX_POSTS_PER_WINDOW = 5
MIN_REFRESH_GAP = timedelta(seconds=2)
MAX_REFRESHES = 10
KINDS = (Kind.PROMPT, Kind.EXERCISE)


def find_category(text: str, texts: Texts) -> Category | None:
    """Match a typed topic against category ids and names ("dreams", "Daily life", "fun")."""
    wanted = _plain(text)
    if not wanted:
        return None
    for category in Category:
        names = {_plain(category.value), _plain(category_name(texts, category))}
        if wanted in names or any(name.startswith(wanted) for name in names if len(wanted) >= 3):
            return category
    return None


def _plain(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower().replace("&", " and ")).strip()


def category_list(texts: Texts) -> str:
    """The topics, as people can type them."""
    return ", ".join(category.value for category in Category)


@dataclass(frozen=True)
class Limited:
    """Refused for now; ``key`` names the friendly explanation."""

    key: str


async def choose(
    session: AsyncSession, chat: Chat, library: Library, category: Category | None, now: datetime
) -> Pick | Limited:
    """Pick an entry for a new /exercise post, unless the chat asked for many just now."""
    recent = await session.scalar(
        select(func.count())
        .select_from(Post)
        .where(Post.chat_id == chat.id, Post.kind == "exercise", Post.posted_at > now - WINDOW)
    )
    if (recent or 0) >= MAX_POSTS_PER_WINDOW:
        return Limited("exercise.too_many")
    return await _pick(session, chat, library, category)


async def _pick(
    session: AsyncSession, chat: Chat, library: Library, category: Category | None
) -> Pick | Limited:
    prefs = Preferences(
        max_depth=chat.max_depth,
        disabled_categories=frozenset(filter(None, chat.disabled_categories.split(","))),
    )
    history = await uses.history(session, chat.id)
    chosen = pick(
        library, history, prefs, seed=seed_for(chat.id, chat.picks), kinds=KINDS, category=category
    )
    return chosen if chosen is not None else Limited("exercise.empty")


def record(
    session: AsyncSession,
    chat: Chat,
    chosen: Pick,
    message_id: int,
    category: Category | None,
    now: datetime,
) -> None:
    """Remember the post and count the entry as used."""
    uses.record_pick(session, chat, chosen, now)
    session.add(
        Post(
            chat_id=chat.id,
            message_id=message_id,
            kind="exercise",
            entry_id=chosen.entry.id,
            category=category.value if category else None,
            posted_at=now,
            refreshes=0,
        )
    )


async def find_post(session: AsyncSession, chat_id: int, message_id: int) -> Post | None:
    """The /exercise post behind a button."""
    return await session.scalar(
        select(Post).where(Post.chat_id == chat_id, Post.message_id == message_id)
    )


async def another(
    session: AsyncSession, chat: Chat, post: Post, library: Library, now: datetime
) -> Pick | Limited:
    """Swap the post's entry for a new one, within the flood limits."""
    if post.refreshes >= MAX_REFRESHES:
        return Limited("exercise.refresh_limit")
    last = post.refreshed_at or post.posted_at
    if now - last < MIN_REFRESH_GAP:
        return Limited("exercise.too_fast")
    category = Category(post.category) if post.category else None
    chosen = await _pick(session, chat, library, category)
    if isinstance(chosen, Pick):
        uses.record_pick(session, chat, chosen, now)
        post.entry_id = chosen.entry.id
        post.refreshes += 1
        post.refreshed_at = now
    return chosen


def mark_done(post: Post, now: datetime) -> bool:
    """Record that the couple did it together; False when it already was."""
    if post.done_at is not None:
        return False
    post.done_at = now
    return True
