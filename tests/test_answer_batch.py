"""Answers recorded in batches, on a real database: SQLite always, PostgreSQL when reachable."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.answers import batch as answer_batch
from bot.features.answers import service as answers
from bot.features.answers.batch import AnswerRecorder, Outcome, Seen
from bot.kernel.db.engine import checkpoint as answer_batch_checkpoint
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
    recorder = AnswerRecorder(engine)
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
    recorder = AnswerRecorder(engine)

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
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, parameters))

    def plans(conn: Connection) -> list[str]:
        if not sqlite:
            # Tables this small are read whole anyway; this shows whether an index could be used.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        event.listen(conn, "before_cursor_execute", keep_selects)
        answer_batch.record_batch(conn, batch)
        event.remove(conn, "before_cursor_execute", keep_selects)
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        return [
            "\n".join(str(row[-1]) for row in conn.exec_driver_sql(explain + sql, params))
            for sql, params in selects
        ]

    async with engine.begin() as conn:
        found = await conn.run_sync(plans)

    assert len(found) == 3  # posts, partners, answers
    for plan in found:
        assert not re.search(r"\bSCAN (posts|partners|answers)\b|Seq Scan", plan), plan


async def test_the_batch_stores_exactly_what_the_full_path_stores(engine: AsyncEngine) -> None:
    # The batch writes its own SQL; the same answer must come out byte for byte the same.
    for chat_id in (-1, -2):
        await add_couple(engine, chat_id, posts={5: "evening"})
    moment = NOW + timedelta(microseconds=123456)
    assert await record(engine, reply(-1, ALEX, 5, at=moment)) == [Outcome.RECORDED]
    async with session_factory(engine)() as session, session.begin():
        post = await answers.post_for_reply(session, -2, 5)
        partner = await session.scalar(
            select(Partner).where(Partner.chat_id == -2, Partner.user_id == ALEX)
        )
        assert post is not None and partner is not None
        await answers.record(session, post, partner, moment, how="reply", message_id=1101)

    async with engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            "SELECT posts.first_answer_at, posts.together_at, answers.answered_at,"
            " answers.message_id, answers.how FROM posts JOIN answers ON answers.post_id = posts.id"
            " ORDER BY posts.chat_id"
        )
        by_full_path, by_batch = rows.all()
    assert by_batch == by_full_path
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


async def test_on_sqlite_a_batch_waits_for_another_writer_off_the_event_loop(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    await add_couple(engine, -1, posts={5: "evening"})
    recorder = AnswerRecorder(engine)
    try:
        async with engine.connect() as other:
            # Another connection holds SQLite's write lock, as the evening sender may.
            await other.exec_driver_sql("BEGIN IMMEDIATE")
            await other.exec_driver_sql("UPDATE chats SET active = 1")
            pending = asyncio.create_task(recorder.submit(reply(-1, ALEX, 5)))
            started = time.monotonic()
            await asyncio.sleep(0.2)
            # The loop kept running (this test did, on time) and the batch is still waiting.
            assert time.monotonic() - started < 1.0
            assert not pending.done()
            await other.commit()
            result = await asyncio.wait_for(pending, timeout=10)
        assert result.outcome is Outcome.RECORDED
        assert await answers_of(engine, -1) == [(ALEX, "reply", 1101)]
    finally:
        await recorder.close()
        await engine.dispose()


async def test_on_sqlite_the_log_is_checkpointed_in_the_worker_thread_not_on_the_event_loop(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    for chat_id in (-1, -2, -3):
        await add_couple(engine, chat_id, posts={5: "evening"})
    threads: list[str] = []
    outcomes: list[tuple[int, int, int]] = []

    def checkpoint(sync: Engine) -> tuple[int, int, int]:
        threads.append(threading.current_thread().name)
        outcomes.append(answer_batch_checkpoint(sync))
        return outcomes[-1]

    # After the third and last batch, so no batch writes while it runs (it would then copy
    # only part of the log, which is fine for the bot but not for the count checked below).
    monkeypatch.setattr(answer_batch, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(answer_batch, "checkpoint", checkpoint)
    recorder = AnswerRecorder(engine)
    try:
        for chat_id in (-1, -2, -3):
            await recorder.submit(reply(chat_id, ALEX, 5))
        await recorder.close()  # waits for a checkpoint under way
    finally:
        await engine.dispose()

    assert len(threads) == 1
    assert threads[0].startswith("answers")
    [(busy, frames, copied)] = outcomes
    assert busy == 0
    assert frames > 0
    assert copied == frames
