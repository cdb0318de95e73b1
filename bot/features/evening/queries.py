"""Queries for the evening schedule: due chats, runs, and atomic claims with a lease."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.features.evening.rules import (
    FAILED as FAILED,
)
from bot.features.evening.rules import (
    MAYBE_SENT as MAYBE_SENT,
)
from bot.features.evening.rules import (
    PENDING as PENDING,
)
from bot.features.evening.rules import (
    SENDING,
    NewRun,
)
from bot.features.evening.rules import (
    SENT as SENT,
)
from bot.features.evening.rules import (
    SKIPPED as SKIPPED,
)
from bot.kernel.db.models import Chat, EntryUse, Post, Run, Suggestion


async def crowds(session: AsyncSession, until: datetime) -> list[tuple[datetime, int]]:
    """Each moment some active chats' next slot comes by ``until``, with how many, in order.

    Reads through the ``next_send_at`` index, so the cost follows the chats due up to then.
    """
    query = (
        select(Chat.next_send_at, func.count())
        .where(Chat.active.is_(True), Chat.next_send_at <= until)
        .group_by(Chat.next_send_at)
        .order_by(Chat.next_send_at)
    )
    return [(cast(datetime, due), count) for due, count in (await session.execute(query)).all()]


async def crowd_ids(session: AsyncSession, due_at: datetime) -> list[int]:
    """The ids of the active chats whose next slot is exactly ``due_at``."""
    query = select(Chat.id).where(Chat.active.is_(True), Chat.next_send_at == due_at)
    return list((await session.scalars(query)).all())


@dataclass
class DueChat:
    """A due chat's schedule, as the planner reads and moves it.

    Plain values rather than ORM objects: a peak tick plans 10,000 chats, and loading, tracking
    and flushing as many mapped objects was most of its time.
    """

    id: int
    active: bool
    timezone: str
    send_minute: int
    days: int
    paused: bool
    paused_until: datetime | None
    skip_date: date | None
    last_slot_date: date | None
    next_send_at: datetime | None
    next_slot_date: date | None
    recap_enabled: bool
    recap_weekday: int
    next_recap_at: datetime | None
    read: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.read = {name: getattr(self, name) for name in _MOVED}


_SCHEDULE = [getattr(Chat, f.name) for f in fields(DueChat) if f.init]
# What planning may change.
_MOVED = (
    "last_slot_date",
    "skip_date",
    "paused",
    "paused_until",
    "next_send_at",
    "next_slot_date",
    "next_recap_at",
)


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chat_in(session: AsyncSession, ids: Sequence[int]) -> ColumnElement[bool]:
    """``chats.id`` is one of ``ids``: on PostgreSQL one array parameter (``= ANY``), not an
    ``IN`` of thousands of parameters (rendering those was a tenth of a crowd's planning)."""
    if _postgres(session):
        return Chat.id == any_(bindparam(None, list(ids), type_=postgresql.ARRAY(BigInteger)))
    return Chat.id.in_(ids)


async def lock_crowd(
    session: AsyncSession, due_at: datetime, chat_ids: Sequence[int]
) -> list[DueChat]:
    """Lock and return those of ``chat_ids`` still due at ``due_at`` (not planned meanwhile).

    On PostgreSQL, SKIP LOCKED lets replicas plan different chats at the same moment.
    """
    query = (
        select(*_SCHEDULE)
        .where(_chat_in(session, chat_ids), Chat.active.is_(True), Chat.next_send_at == due_at)
        .with_for_update(skip_locked=True)
    )
    return [DueChat(*row) for row in (await session.execute(query)).all()]


async def move_on(session: AsyncSession, chats: Sequence[DueChat]) -> None:
    """Write what planning changed, one UPDATE per distinct change.

    A crowd's chats mostly share their zone, time and days, so they move on to the same next
    slot: a handful of statements for thousands of rows, where one per row was the planner's
    largest cost on PostgreSQL. A column left unchanged is left out (and its index alone).
    """
    groups: dict[tuple[tuple[str, object], ...], list[int]] = {}
    for chat in chats:
        changed = tuple(
            (name, getattr(chat, name)) for name in _MOVED if getattr(chat, name) != chat.read[name]
        )
        if changed:
            groups.setdefault(changed, []).append(chat.id)
    for changed, ids in groups.items():
        await session.execute(
            update(Chat)
            .where(_chat_in(session, ids))
            .values(dict(changed))
            .execution_options(synchronize_session=False)
        )


async def add_runs(session: AsyncSession, new: Sequence[NewRun]) -> set[tuple[int, date]]:
    """Insert runs in one statement, skipping any (chat, date) that has one already.

    Returns the (chat id, local date) keys actually inserted.
    """
    if not new:
        return set()
    # The table, not the mapped class: a Core insert skips the ORM's per-row bookkeeping.
    table = cast(Table, Run.__table__)
    if _postgres(session):
        return await _add_runs_unnest(session, table, new)
    rows = [
        {
            "chat_id": run.chat_id,
            "local_date": run.local_date,
            "due_at": run.due_at,
            "not_before": run.not_before or run.due_at,
            "status": run.status,
            "reason": run.reason,
            "kind": run.kind,
            "attempts": 0,
            "recovered": False,
        }
        for run in new
    ]
    stmt = (
        sqlite.insert(table)
        .on_conflict_do_nothing(index_elements=["chat_id", "local_date"])
        .returning(table.c.chat_id, table.c.local_date)
    )
    result = await session.execute(stmt, rows)
    return {(chat_id, local_date) for chat_id, local_date in result.all()}


async def _add_runs_unnest(
    session: AsyncSession, table: Table, new: Sequence[NewRun]
) -> set[tuple[int, date]]:
    """PostgreSQL: the batch as one array a column, unnested into rows by the server.

    Nine parameters instead of nine a row: a crowd's 10,000 runs were a third of its planning
    time as separate VALUES rows.
    """

    def column(values: list[Any], kind: Any) -> Any:
        return func.unnest(bindparam(None, values, type_=postgresql.ARRAY(kind)))

    rows = select(
        column([r.chat_id for r in new], BigInteger),
        column([r.local_date for r in new], Date),
        column([r.due_at for r in new], DateTime(timezone=True)),
        column([r.not_before or r.due_at for r in new], DateTime(timezone=True)),
        column([r.status for r in new], String),
        column([r.reason for r in new], String),
        column([r.kind for r in new], String),
        literal(0, Integer),
        literal(False, Boolean),
    )
    names = [
        "chat_id",
        "local_date",
        "due_at",
        "not_before",
        "status",
        "reason",
        "kind",
        "attempts",
        "recovered",
    ]
    stmt = (
        postgresql.insert(table)
        .from_select(names, rows)
        .on_conflict_do_nothing(index_elements=["chat_id", "local_date"])
        .returning(table.c.chat_id, table.c.local_date)
    )
    result = await session.execute(stmt)
    return {(chat_id, local_date) for chat_id, local_date in result.all()}


@dataclass(frozen=True)
class Claimed:
    """A run this sender now holds the lease on."""

    id: int
    chat_id: int
    local_date: date
    kind: str
    attempts: int
    recovered: bool  # taken over from a sender whose lease expired mid-send
    not_before: datetime  # its moment in the crowd's schedule (or its retry)
    due_at: datetime | None = None  # when the run was due (the metrics' delay until sent)


async def claim_runs(
    session: AsyncSession,
    now: datetime,
    *,
    owner: str,
    lease: timedelta,
    limit: int,
    until: datetime | None = None,
) -> list[Claimed]:
    """Atomically take up to ``limit`` runs due by ``until`` (default ``now``): pending ones,
    and sends whose lease expired. They come in the order they are to be sent."""
    claimable = or_(
        and_(Run.status == PENDING, Run.not_before <= (until or now)),
        and_(Run.status == SENDING, Run.lease_until < now),
    )
    ids = (
        select(Run.id)
        .where(claimable)
        .order_by(Run.not_before, Run.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        update(Run)
        # Re-checking the condition keeps the claim atomic on databases without row locks.
        .where(Run.id.in_(ids), claimable)
        .values(
            status=SENDING,
            lease_owner=owner,
            lease_until=now + lease,
            attempts=Run.attempts + 1,
            recovered=case((Run.status == SENDING, True), else_=Run.recovered),
        )
        .returning(
            Run.id,
            Run.chat_id,
            Run.local_date,
            Run.kind,
            Run.attempts,
            Run.recovered,
            Run.not_before,
            Run.due_at,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    # RETURNING gives no order: the sender sends in the schedule's.
    return sorted((Claimed(*tuple(row)) for row in rows), key=lambda c: (c.not_before, c.id))


async def next_pending(session: AsyncSession) -> datetime | None:
    """When the earliest pending run is to be sent (None when none is pending)."""
    query = select(func.min(Run.not_before)).where(Run.status == PENDING)
    return cast(datetime | None, await session.scalar(query))


async def finish(session: AsyncSession, changes: Sequence[dict[str, Any]]) -> None:
    """Write the outcome of many runs at once (each dict has the run ``id`` and new values)."""
    if changes:
        # ORM bulk UPDATE by primary key: one executemany per set of changed columns.
        await session.execute(update(Run), list(changes))


async def release(session: AsyncSession, run_ids: Sequence[int], owner: str) -> None:
    """Give runs back untouched (shutting down before sending them)."""
    if not run_ids:
        return
    await session.execute(
        update(Run)
        .where(Run.id.in_(run_ids), Run.status == SENDING, Run.lease_owner == owner)
        .values(status=PENDING, lease_owner=None, lease_until=None, attempts=Run.attempts - 1)
        .execution_options(synchronize_session=False)
    )


async def chats_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Chat]:
    """The chats with these ids (one query for a whole batch)."""
    return {c.id: c for c in await session.scalars(select(Chat).where(Chat.id.in_(ids)))}


def add_post(
    session: AsyncSession,
    chat_id: int,
    message_id: int,
    entry_id: str,
    run_id: int,
    now: datetime,
    *,
    apart: bool = False,
) -> None:
    """Remember an evening prompt (and which button it carries), so answers find it."""
    session.add(
        Post(
            chat_id=chat_id,
            message_id=message_id,
            kind="evening",
            entry_id=entry_id,
            run_id=run_id,
            posted_at=now,
            apart=apart,
        )
    )


async def insert_new_rows(session: AsyncSession) -> None:
    """Insert the posts, library uses and offers added above with one statement per table.

    Left to the unit of work, SQLite gets one INSERT per row (the ORM reads every new id back,
    and SQLite cannot tell which id went to which row of a multi-row INSERT): at a thousand
    posts a second that was most of the sender's database time. Nothing here needs the ids.
    """
    by_table: dict[type[Post | EntryUse | Suggestion], list[dict[str, Any]]] = {}
    for row in list(session.new):
        if isinstance(row, Post | EntryUse | Suggestion):
            session.expunge(row)
            by_table.setdefault(type(row), []).append(_values(row))
    for table, values in by_table.items():
        # A list of parameter sets makes an ORM bulk INSERT: one executemany, no ids read back.
        await session.execute(insert(table), values)


def _values(row: object) -> dict[str, Any]:
    """The column values set on a new ORM object (the rest take their defaults)."""
    state = inspect(row)
    return {
        attr.key: state.dict[attr.key]
        for attr in state.mapper.column_attrs
        if attr.key in state.dict
    }
