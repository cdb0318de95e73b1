"""Yes/No questions the bot issued: a button counts only on its own question, once, in time."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Confirmation

# How long a question can be answered; after that its buttons say it has expired.
LIFETIME = {"forget": timedelta(minutes=10), "partner": timedelta(days=2)}
# Letters, digits, "-" and "_": what token_urlsafe gives and the buttons' patterns accept.
TOKEN_BYTES = 9


@dataclass(frozen=True)
class Asked:
    """A question stored before it is posted: its row id and the token for its buttons."""

    id: int
    token: str


async def ask(
    session: AsyncSession,
    chat_id: int,
    kind: str,
    now: datetime,
    *,
    subject_id: int | None = None,
    subject_name: str | None = None,
) -> Asked:
    """Store a new question (its message id comes once it is posted)."""
    row = Confirmation(
        chat_id=chat_id,
        kind=kind,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        subject_id=subject_id,
        subject_name=subject_name,
        asked_at=now,
        expires_at=now + LIFETIME[kind],
    )
    session.add(row)
    await session.flush()
    return Asked(row.id, row.token)


async def posted(session: AsyncSession, asked_id: int, message_id: int) -> None:
    """Remember which message carries the question's buttons."""
    row = await session.get(Confirmation, asked_id)
    if row is not None:
        row.message_id = message_id


async def find(
    session: AsyncSession, chat_id: int, message_id: int, kind: str, token: str
) -> Confirmation | None:
    """The question on this message with this token, answered or not; None if never asked."""
    return await session.scalar(
        select(Confirmation).where(
            Confirmation.chat_id == chat_id,
            Confirmation.kind == kind,
            Confirmation.message_id == message_id,
            Confirmation.token == token,
        )
    )


def state(row: Confirmation | None, now: datetime) -> str:
    """``open``, ``expired``, ``answered`` or ``unknown`` (not a question the bot asked)."""
    if row is None:
        return "unknown"
    if row.answered_at is not None:
        return "answered"
    if now >= row.expires_at:
        return "expired"
    return "open"


def settle(row: Confirmation, outcome: str, now: datetime) -> None:
    """Record the answer: the question can never be answered again."""
    row.answered_at = now
    row.outcome = outcome


async def asked_about(session: AsyncSession, chat_id: int, subject_id: int, now: datetime) -> bool:
    """Whether the couple was asked about this member and it still stands (open or answered)."""
    rows = await session.scalars(
        select(Confirmation).where(
            Confirmation.chat_id == chat_id,
            Confirmation.kind == "partner",
            Confirmation.subject_id == subject_id,
        )
    )
    return any(row.answered_at is not None or row.expires_at > now for row in rows)
