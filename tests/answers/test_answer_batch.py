"""Answers recorded in batches, on a real database: SQLite always, PostgreSQL when reachable."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.answers import service
from bot.features.answers.service import Outcome, Recorder, Seen
from bot.kernel.db.engine import create_engine, session_factory
from bot.kernel.db.migrate import upgrade
from bot.kernel.db.models import Answer, Chat, Partner, Post

NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
ALEX, SAM, GUEST = 101, 102, 103


async def add_couple(engine: AsyncEngine, chat_id: int, *, posts: dict[int, str]) -> None:
    """A chat with Alex and Sam as partners and the bot's posts (message id -> kind)."""
    async with session_factory(engine)() as session, session.begin():
        session.add(Chat(id=chat_id, timezone="Europe/Berlin", active=True, created_at=NOW))
        await session.flush()
        for user_id, name in ((ALEX, "Alex"), (SAM, "Sam")):
            session.add(Partner(chat_id=chat_id, user_id=user_id, display_name=name))
        for message_id, kind in posts.items():
            session.add(
                Post(
                    chat_id=chat_id,
                    message_id=message_id,
                    kind=kind,
                    entry_id="p-1",
                    posted_at=NOW - timedelta(minutes=message_id),
                )
            )


def reply(
    chat_id: int, user_id: int, to: int | None, *, name: str = "", at: datetime = NOW
) -> Seen:
    names = {ALEX: "Alex", SAM: "Sam", GUEST: "Kim"}
    return Seen(chat_id, user_id, name or names[user_id], 1000 + user_id, at, reply_to=to)


async def record(engine: AsyncEngine, *batch: Seen) -> list[Outcome]:
    recorder = Recorder(engine)
    try:
        results = await asyncio.gather(*(recorder.submit(seen) for seen in batch))
    finally:
        await recorder.close()
    assert recorder.batches == (1, len(batch))
    return [r.outcome for r in results]


async def post_row(engine: AsyncEngine, chat_id: int, message_id: int) -> Post:
    async with session_factory(engine)() as session:
        post = await session.scalar(
            select(Post).where(Post.chat_id == chat_id, Post.message_id == message_id)
        )
        assert post is not None
        return post


async def answers_of(engine: AsyncEngine, chat_id: int) -> list[tuple[int, str, int | None]]:
    async with session_factory(engine)() as session:
        rows = await session.execute(
            select(Partner.user_id, Answer.how, Answer.message_id)
            .join(Answer, Answer.partner_id == Partner.id)
            .where(Partner.chat_id == chat_id)
            .order_by(Partner.user_id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_one_batch_records_replies_of_many_chats_and_both_partners_of_one(
    engine: AsyncEngine,
) -> None:
    # Each chat also has a post with the other's message id: ids are only unique in a chat.
    await add_couple(engine, -1, posts={5: "evening", 7: "exercise"})
    await add_couple(engine, -2, posts={7: "exercise", 5: "evening"})
    recorder = Recorder(engine)

    results = await asyncio.gather(
        recorder.submit(reply(-1, ALEX, 5)),
        recorder.submit(reply(-2, SAM, 7)),
        recorder.submit(reply(-1, SAM, 5, at=NOW + timedelta(minutes=3))),
    )
    await recorder.close()

    assert [r.outcome for r in results] == [Outcome.RECORDED] * 3
    assert recorder.batches == (1, 3)
    first, _, second = (r.state for r in results)
    assert first is not None and second is not None
    assert [(m.name, m.answered) for m in first.partners] == [("Alex", True), ("Sam", False)]
    assert not first.together
    assert [(m.name, m.answered) for m in second.partners] == [("Alex", True), ("Sam", True)]
    assert second.together
    post = await post_row(engine, -1, 5)
    assert (post.first_answer_at, post.together_at) == (NOW, NOW + timedelta(minutes=3))
    assert await answers_of(engine, -1) == [(ALEX, "reply", 1101), (SAM, "reply", 1102)]
    assert (await post_row(engine, -2, 7)).together_at is None
    assert (await post_row(engine, -1, 7)).first_answer_at is None
    assert (await post_row(engine, -2, 5)).first_answer_at is None


async def test_answering_again_changes_nothing(engine: AsyncEngine) -> None:
    await add_couple(engine, -1, posts={5: "evening"})

    assert await record(engine, reply(-1, ALEX, 5)) == [Outcome.RECORDED]
    assert await record(engine, reply(-1, ALEX, 5, at=NOW + timedelta(hours=1))) == [
        Outcome.UNCHANGED
    ]
    assert await answers_of(engine, -1) == [(ALEX, "reply", 1101)]
    assert (await post_row(engine, -1, 5)).first_answer_at == NOW


async def test_strangers_renamed_partners_and_unknown_chats_are_left_to_the_full_path(
    engine: AsyncEngine,
) -> None:
    await add_couple(engine, -1, posts={5: "evening"})

    assert (
        await record(
            engine,
            reply(-1, GUEST, 5),
            reply(-1, ALEX, 5, name="Alexandra"),
            reply(-99, ALEX, 5),
        )
        == [Outcome.UNKNOWN] * 3
    )
    assert await answers_of(engine, -1) == []


async def test_replies_to_messages_that_take_no_answers_are_ignored(engine: AsyncEngine) -> None:
    await add_couple(engine, -1, posts={5: "evening", 6: "activity"})

    assert await record(engine, reply(-1, ALEX, 6), reply(-1, SAM, 404)) == [Outcome.IGNORED] * 2


async def test_a_plain_message_answers_the_latest_evening_prompt_while_it_is_open(
    engine: AsyncEngine,
) -> None:
    # Message 10 was posted 10 minutes before NOW, message 30 half an hour before: 10 is newer.
    await add_couple(engine, -1, posts={30: "evening", 10: "evening", 5: "exercise"})

    assert await record(engine, reply(-1, SAM, None)) == [Outcome.RECORDED]
    assert await answers_of(engine, -1) == [(SAM, "message", 1102)]
    assert (await post_row(engine, -1, 10)).first_answer_at == NOW
    late = NOW + timedelta(hours=21)
    assert await record(engine, reply(-1, ALEX, None, at=late)) == [Outcome.IGNORED]


async def test_a_batch_finds_its_rows_through_indexes_not_by_reading_whole_tables(
    engine: AsyncEngine,
) -> None:
    # Posts and answers grow by one a day per chat; a batch must stay as fast after a year.
    for chat_id in (-1, -2, -3):
        await add_couple(engine, chat_id, posts={5: "evening", 7: "exercise"})
    batch = [reply(-1, ALEX, 5), reply(-2, SAM, 7), reply(-3, ALEX, None)]
    sqlite = engine.dialect.name == "sqlite"
    selects: list[tuple[str, Any]] = []

    def keep_selects(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            selects.append((statement, parameters))

    explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    async with engine.begin() as conn:
        if not sqlite:
            # Tables this small are read whole anyway; this shows whether an index could be used.
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        event.listen(conn.sync_connection, "before_cursor_execute", keep_selects)
        await service.record_batch(conn, batch)
        event.remove(conn.sync_connection, "before_cursor_execute", keep_selects)
        found = [
            "\n".join(str(row[-1]) for row in await conn.exec_driver_sql(explain + sql, params))
            for sql, params in selects
        ]

    # Everything at once (on PG the posts locked first), then whether a newer evening prompt
    # ended the replied-to posts.
    assert len(found) == (2 if sqlite else 3)
    # Posts looked up by chat alone would be read back to the chat's first evening.
    whole = (
        r"\bSCAN (posts|partners|answers)\b|Seq Scan|SEARCH posts USING INDEX \w+ \(chat_id=\?\)"
    )
    for plan in found:
        assert not re.search(whole, plan), plan


async def test_the_batch_stores_exactly_what_the_orm_stores(engine: AsyncEngine) -> None:
    # The batch writes through Core statements, the rest of the bot reads through the ORM: the
    # same answer must come out byte for byte the same either way.
    for chat_id in (-1, -2):
        await add_couple(engine, chat_id, posts={5: "evening"})
    moment = NOW + timedelta(microseconds=123456)
    assert await record(engine, reply(-1, ALEX, 5, at=moment)) == [Outcome.RECORDED]
    async with session_factory(engine)() as session, session.begin():
        post = await session.scalar(select(Post).where(Post.chat_id == -2))
        partner = await session.scalar(
            select(Partner).where(Partner.chat_id == -2, Partner.user_id == ALEX)
        )
        assert post is not None and partner is not None
        session.add(
            Answer(
                post_id=post.id,
                partner_id=partner.id,
                answered_at=moment,
                message_id=1101,
                how="reply",
            )
        )
        post.first_answer_at = moment

    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT posts.first_answer_at, posts.together_at, answers.answered_at,"
            " answers.message_id, answers.how FROM posts JOIN answers ON answers.post_id = posts.id"
            " ORDER BY posts.chat_id"
        )
        by_orm, by_batch = rows.all()
    assert by_batch == by_orm
    assert by_batch[0] is not None and by_batch[1] is None


async def test_two_processes_recording_both_partners_at_once_still_see_the_couple_together(
    any_db_url: str,
) -> None:
    # Two engines: two replicas on PostgreSQL; on SQLite, the batch and any other writer.
    first, second = create_engine(any_db_url), create_engine(any_db_url)
    try:
        await upgrade(first)
        for round_ in range(20):
            chat_id = -1000 - round_
            await add_couple(first, chat_id, posts={5: "evening"})
            await asyncio.gather(
                record(first, reply(chat_id, ALEX, 5)), record(second, reply(chat_id, SAM, 5))
            )
            assert (await post_row(first, chat_id, 5)).together_at == NOW
    finally:
        await first.dispose()
        await second.dispose()


async def test_on_sqlite_a_batch_waits_for_another_writer_then_completes(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    await add_couple(engine, -1, posts={5: "evening"})
    recorder = Recorder(engine)
    begins: list[str] = []
    began = asyncio.Event()

    def keep_begins(*args: Any) -> None:
        if args[2].startswith("BEGIN"):
            begins.append(args[2])
            began.set()

    # On every engine: the recorder makes its SQLite writer itself.
    event.listen(Engine, "before_cursor_execute", keep_begins)
    try:
        async with engine.connect() as other:
            # Another connection holds SQLite's write lock, as the evening sender may.
            await other.exec_driver_sql("BEGIN IMMEDIATE")
            await other.exec_driver_sql("UPDATE chats SET active = 1")
            begins.clear()
            pending = asyncio.create_task(recorder.submit(reply(-1, ALEX, 5)))
            await asyncio.wait_for(began.wait(), timeout=10)
            # While the lock is held the batch cannot succeed; it must not fail either.
            done, _ = await asyncio.wait({pending}, timeout=0.3)
            assert not done
            await other.commit()
            result = await asyncio.wait_for(pending, timeout=10)
        assert result.outcome is Outcome.RECORDED
        assert begins == ["BEGIN IMMEDIATE"]  # it waited once, it was not tried again
        assert await answers_of(engine, -1) == [(ALEX, "reply", 1101)]
    finally:
        event.remove(Engine, "before_cursor_execute", keep_begins)
        await recorder.close()
        await engine.dispose()
