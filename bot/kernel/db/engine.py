"""Engine and session factory, the same code for SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection as SyncConnection
from sqlalchemy import event, false, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.kernel.db.models import Base, Chat

# The database's vocabulary for the rest of the bot: services and jobs name these types
# without importing SQLAlchemy (only queries and this kernel write SQL).
Engine = AsyncEngine
Connection = AsyncConnection
Session = AsyncSession
SessionMaker = async_sessionmaker[AsyncSession]
# Worth another try, for callers that must not lose a write: a locked database, a dropped
# connection.
DatabaseBusy = OperationalError
DatabaseError = DBAPIError


def lost_race(exc: DatabaseError) -> bool:
    """Tell whether a transaction failed only because another one got there first."""
    text = str(exc.orig).lower()
    return "locked" in text or "deadlock" in text or "could not serialize" in text


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
    # SQLAlchemy sets the models' mappers up on their first use (about 50 ms): at start-up, not
    # in the first tick or the first partner's reply.
    Base.registry.configure()
    return engine


def write_first_engine(engine: AsyncEngine) -> AsyncEngine:
    """A second engine on the same SQLite file whose transactions take the write lock first.

    Its transactions start with BEGIN IMMEDIATE, so what they read cannot change before they
    write (sqlite3 on its own runs reads outside any transaction and begins one only at the
    first write). A locked database makes BEGIN wait, up to the busy timeout, in aiosqlite's
    thread, never on the event loop. This is SQLAlchemy's documented recipe for SQLite
    transactions: sqlite3 leaves BEGIN to us, and a "begin" event emits it.
    """
    writer = create_async_engine(engine.url, echo=engine.echo, connect_args={"timeout": 30})
    event.listen(writer.sync_engine, "connect", _sqlite_pragmas)
    event.listen(writer.sync_engine, "connect", _manual_transactions)
    event.listen(writer.sync_engine, "begin", _begin_immediate)
    return writer


def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # sqlite3 leaves BEGIN and COMMIT to us


def _begin_immediate(conn: SyncConnection) -> None:
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


async def probe_write(engine: AsyncEngine) -> None:
    """Fail when the database takes reads but refuses writes (a read-only or immutable file, a
    read-only replica, a full disk that made PostgreSQL read-only).

    An UPDATE that matches no row, rolled back: it changes nothing, but both databases refuse
    it as a write (SQLite "attempt to write a readonly database", PostgreSQL "cannot execute
    UPDATE in a read-only transaction"). BEGIN IMMEDIATE alone is not enough: SQLite grants it
    on a read-only file.
    """
    async with engine.connect() as conn:
        try:
            await conn.execute(update(Chat).where(false()).values(id=Chat.id))
        finally:
            await conn.rollback()


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
