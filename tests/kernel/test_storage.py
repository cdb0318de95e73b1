"""Storage on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.kernel.db import chats, partners
from bot.kernel.db.engine import session_factory
from bot.kernel.db.migrate import current_revision, head_revision, upgrade
from bot.kernel.db.models import Base, Chat, EntryUse, Partner, Post

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.mark.from_empty
async def test_migrations_create_every_table_and_record_the_head_revision(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))

    assert {"chats", "partners", "entry_uses", "posts", "alembic_version"} <= tables
    assert await current_revision(engine) == head_revision()


@pytest.mark.from_empty
async def test_the_migrations_build_exactly_the_schema_the_models_describe(
    engine: AsyncEngine,
) -> None:
    def differences(conn: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


@pytest.mark.from_empty
async def test_running_migrations_twice_changes_nothing(engine: AsyncEngine) -> None:
    await upgrade(engine)

    assert await current_revision(engine) == head_revision()


async def test_joining_twice_reactivates_the_same_chat(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        _chat, new = await chats.join_chat(
            session, -42, timezone="Asia/Kolkata", member_count=3, bot_is_admin=False, now=NOW
        )
        assert new
        await chats.set_active(session, -42, False)
    async with sessions() as session, session.begin():
        chat, new = await chats.join_chat(
            session, -42, timezone="UTC", member_count=4, bot_is_admin=True, now=NOW
        )

    assert not new
    assert chat.active
    assert chat.bot_is_admin
    assert chat.member_count == 4
    assert chat.timezone == "Asia/Kolkata"


async def test_a_chat_gets_the_default_evening_settings(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await chats.join_chat(
            session, -7, timezone="UTC", member_count=None, bot_is_admin=False, now=NOW
        )
    async with sessions() as session:
        chat = await session.get(Chat, -7)

    assert chat is not None
    assert (chat.send_minute, chat.days, chat.depth, chat.paused) == (
        20 * 60 + 30,
        127,
        "auto",
        False,
    )
    assert (chat.decks, chat.tender, chat.distance) == ("", False, False)
    assert chat.created_at.tzinfo is not None


async def test_timestamps_come_back_timezone_aware_and_equal(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    moment = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)
    async with sessions() as session, session.begin():
        await chats.ensure_chat(session, -1, timezone="UTC")
        session.add(Post(chat_id=-1, message_id=10, kind="exercise", posted_at=moment))
    async with sessions() as session:
        post = await session.scalar(select(Post))

    assert post is not None
    assert post.posted_at == moment
    assert post.posted_at.tzinfo is not None


async def test_a_partner_is_unique_per_chat_and_keeps_the_newest_name(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await chats.ensure_chat(session, -1, timezone="UTC")
        _p, new1 = await partners.ensure_partner(session, -1, 5, "Alex")
        _p, new2 = await partners.ensure_partner(session, -1, 5, "Alexandra")
    async with sessions() as session:
        names = [p.display_name for p in await partners.list_partners(session, -1)]

    assert (new1, new2) == (True, False)
    assert names == ["Alexandra"]


async def test_the_database_refuses_a_second_row_for_the_same_partner(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await chats.ensure_chat(session, -1, timezone="UTC")
        session.add(Partner(chat_id=-1, user_id=5, display_name="A"))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            session.add(Partner(chat_id=-1, user_id=5, display_name="B"))


async def test_migrating_a_chat_moves_everything_and_a_second_move_does_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with sessions() as session, session.begin():
        chat = await chats.ensure_chat(session, -5, timezone="Pacific/Chatham")
        chat.send_minute = 21 * 60
        await partners.ensure_partner(session, -5, 1, "Alex")
        await partners.ensure_partner(session, -5, 2, "Sam")
        session.add(
            EntryUse(chat_id=-5, entry_id="x", kind="prompt", category="fun", cycle=0, used_at=now)
        )
        session.add(Post(chat_id=-5, message_id=3, kind="exercise", posted_at=now))
    async with sessions() as session, session.begin():
        # Sam wrote in the new supergroup before the migration notice arrived.
        await chats.ensure_chat(session, -1005, timezone="UTC")
        await partners.ensure_partner(session, -1005, 2, "Sam")
        assert await chats.migrate_chat(session, -5, -1005)
    async with sessions() as session, session.begin():
        assert not await chats.migrate_chat(session, -5, -1005)
    async with sessions() as session:
        assert await session.get(Chat, -5) is None
        users = [p.user_id for p in await partners.list_partners(session, -1005)]
        uses = (await session.scalars(select(EntryUse.chat_id))).all()
        posts = (await session.scalars(select(Post.chat_id))).all()

    assert sorted(users) == [1, 2]
    assert uses == [-1005]
    assert posts == [-1005]


async def test_a_failed_transaction_leaves_nothing_behind(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await chats.ensure_chat(session, -9, timezone="UTC")
            raise RuntimeError("handler failed")
    async with sessions() as session:
        assert await session.get(Chat, -9) is None
