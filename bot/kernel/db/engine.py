"""Engine and session factory, the same code for SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def normalise_url(url: str) -> str:
    """Pick the async driver when the URL names only the database kind."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    """Tell whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine, tuned per database."""
    url = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        # The bot's handlers and its tick share one file: wait for a lock rather than fail.
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def sync_engine_like(engine: AsyncEngine, *, wait: bool = True) -> Engine:
    """A plain (blocking) engine on the same SQLite file, for writes done whole in one go.

    Its transactions start with BEGIN IMMEDIATE: they take the write lock before their first
    read, so what they read cannot change before they write (sqlite3 on its own would run the
    reads outside any transaction and begin one only at the first write). With ``wait=False``
    a transaction fails at once ("database is locked") instead of waiting for another writer,
    and commits never checkpoint the write-ahead log (copying it into the database and syncing
    the disk, which can take a second on a busy disk): for use on the event loop, which must
    never sleep on a lock or the disk. Whoever uses it must call ``checkpoint`` elsewhere.
    """
    url = engine.url.set(drivername="sqlite+pysqlite")
    sync = sqlalchemy.create_engine(url)  # the busy timeout is set by the pragmas below
    event.listen(sync, "connect", _sqlite_pragmas)
    event.listen(sync, "connect", _manual_transactions)
    if not wait:
        event.listen(sync, "connect", _no_waiting)
    event.listen(sync, "begin", _begin_immediate)
    return sync


def _no_waiting(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def checkpoint(engine: Engine) -> tuple[int, int, int]:
    """Copy SQLite's write-ahead log into the database, without blocking its writers.

    Returns SQLite's answer: (1 if it could not finish, frames in the log, frames copied).
    """
    # On the raw connection: through SQLAlchemy it would run inside BEGIN IMMEDIATE, where
    # SQLite refuses to checkpoint.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy, frames, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        cursor.close()
        return int(busy), int(frames), int(copied)
    finally:
        raw.close()


def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # sqlite3 leaves BEGIN and COMMIT to us


def _begin_immediate(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while the sender writes; foreign keys make cascades real.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Fail fast when the database is unreachable."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


@asynccontextmanager
async def scratch_database(
    server_url: str, prefix: str, *, template: str | None = None
) -> AsyncIterator[str]:
    """Create a throwaway PostgreSQL database (a copy of ``template`` if given), drop it after."""
    server = make_url(normalise_url(server_url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.render_as_string(hide_password=False))
    # CREATE DATABASE cannot run inside a transaction.
    async with admin.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        copy_of = f' TEMPLATE "{template}"' if template else ""
        await auto.exec_driver_sql(f'CREATE DATABASE "{name}"{copy_of}')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


# Worth another try, for callers that must not lose a write: a locked database, a dropped
# connection (the name lets them catch it without importing SQLAlchemy).
DatabaseBusy = OperationalError
