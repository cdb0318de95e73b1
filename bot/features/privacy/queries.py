"""/forget and /export: every row about one chat and its partners, deleted or read back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import (
    Answer,
    Base,
    Chat,
    Confirmation,
    EntryUse,
    Partner,
    Post,
    PrivateAnswer,
    PrivateReveal,
    Run,
    Suggestion,
)

# Children before parents, so nothing depends on the database cascading (SQLite only does with
# its foreign-key pragma on). Answers hang off posts and partners, not off the chat directly.
CHAT_TABLES: tuple[
    type[
        PrivateAnswer | PrivateReveal | Confirmation | Suggestion | EntryUse | Post | Run | Partner
    ],
    ...,
] = (
    # Private answers first: /forget deletes the private message ids with their rows.
    PrivateAnswer,
    PrivateReveal,
    Confirmation,
    Suggestion,
    EntryUse,
    Post,
    Run,
    Partner,
)
# Export sections, in the order a person reads them.
SECTIONS = (
    "settings",
    "partners",
    "evening_runs",
    "posts",
    "answers",
    "private_answers",
    "activity_suggestions",
    "library_use",
)


def _answers_of(chat_id: int) -> Any:
    posts = select(Post.id).where(Post.chat_id == chat_id)
    partners = select(Partner.id).where(Partner.chat_id == chat_id)
    return or_(Answer.post_id.in_(posts), Answer.partner_id.in_(partners))


async def forget(session: AsyncSession, chat_id: int) -> int:
    """Delete everything stored about a chat and its partners; return how many rows went."""
    # Write pending changes first: objects loaded for this update must not be flushed again
    # (as updates of rows that no longer exist) once the rows are gone.
    await session.flush()
    removed = 0
    statements = [delete(Answer).where(_answers_of(chat_id))]
    statements += [delete(model).where(model.chat_id == chat_id) for model in CHAT_TABLES]
    statements.append(delete(Chat).where(Chat.id == chat_id))
    for statement in statements:
        result = await session.execute(statement.execution_options(synchronize_session=False))
        removed += int(getattr(result, "rowcount", 0) or 0)
    session.expunge_all()
    return removed


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(table: Any, row: Any, leave_out: frozenset[str]) -> dict[str, object]:
    return {c.key: _plain(getattr(row, c.key)) for c in table.columns if c.key not in leave_out}


async def export(session: AsyncSession, chat_id: int) -> dict[str, Any]:
    """Everything stored about a chat, as JSON-ready sections (no message text exists to add)."""
    chat = await session.get(Chat, chat_id)
    skip = frozenset({"chat_id"})
    # A private answer is shown by when and how (its kind), not by where its message is.
    hidden = skip | {"message_id", "asked_message_id", "user_id"}
    data: dict[str, Any] = {
        "settings": _row(Chat.__table__, chat, frozenset()) if chat is not None else None
    }
    sources: dict[str, tuple[type[Base], Any]] = {
        "partners": (Partner, Partner.chat_id == chat_id),
        "evening_runs": (Run, Run.chat_id == chat_id),
        "posts": (Post, Post.chat_id == chat_id),
        "answers": (Answer, _answers_of(chat_id)),
        "private_answers": (PrivateAnswer, PrivateAnswer.chat_id == chat_id),
        "activity_suggestions": (Suggestion, Suggestion.chat_id == chat_id),
        "library_use": (EntryUse, EntryUse.chat_id == chat_id),
    }
    for section, (model, condition) in sources.items():
        table = model.__table__
        assert isinstance(table, Table)
        rows = await session.execute(select(table).where(condition).order_by(table.c.id))
        leave_out = hidden if model is PrivateAnswer else skip
        data[section] = [_row(table, row, leave_out) for row in rows]
    return {key: data[key] for key in SECTIONS}
