"""/exercise's pure rules: topics as people type them, and the limits that keep a chat calm."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.library.schema import Category, Kind, category_name
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


def category_list() -> str:
    """The topics, as people can type them."""
    return ", ".join(category.value for category in Category)


def too_many_posts(recent_posts: int) -> bool:
    """Tell whether the chat asked for enough /exercise posts in the window already."""
    return recent_posts >= MAX_POSTS_PER_WINDOW


def refresh_refused(refreshes: int, last: datetime, now: datetime) -> str | None:
    """Why "Another one" is refused right now (a template key), or None when it may go ahead."""
    if refreshes >= MAX_REFRESHES:
        return "exercise.refresh_limit"
    if now - last < MIN_REFRESH_GAP:
        return "exercise.too_fast"
    return None
