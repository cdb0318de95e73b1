"""What runs for every answer or every tick does as much work after years of use as on day one.

Work is counted in SQLite's virtual-machine steps (through a progress handler), which do not
depend on how fast the machine is: a query that reads a chat's whole past grows with it, one that
an index leads straight to the rows it needs does not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.features.answers import service as answers
from bot.features.answers.service import Outcome, Seen
from bot.features.nudges.queries import claim_nudges
from bot.kernel.db.engine import create_engine, session_factory
from bot.kernel.db.migrate import upgrade
from bot.kernel.db.models import Answer, Chat, Partner, Post
from tests.answers.test_answer_batch import ALEX, NOW, SAM, add_couple

YEARS = 4  # of evenings, in the chat with a history
PER_STEP = 10  # SQLite instructions between two calls of the progress handler


@pytest.fixture
async def sqlite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


async def add_history(engine: AsyncEngine, chat_id: int, *, answered_by: tuple[int, ...]) -> None:
    """Years of earlier evenings in a chat, each answered by the given partners (user ids)."""
    async with session_factory(engine)() as session, session.begin():
        conn = await session.connection()
        days = range(1, 365 * YEARS + 1)
        await conn.execute(
            insert(Post),
            [
                {
                    "chat_id": chat_id,
                    "message_id": 100_000 + day,
                    "kind": "evening",
                    "entry_id": "p-1",
                    "posted_at": NOW - timedelta(days=day),
                    "first_answer_at": NOW - timedelta(days=day) + timedelta(minutes=20),
                }
                for day in days
            ],
        )
        partners = dict(
            (
                await session.execute(
                    select(Partner.user_id, Partner.id).where(Partner.chat_id == chat_id)
                )
            ).all()
        )
        posts = (
            await session.execute(
                select(Post.id, Post.first_answer_at).where(
                    Post.chat_id == chat_id, Post.message_id > 100_000
                )
            )
        ).all()
        await conn.execute(
            insert(Answer),
            [
                {
                    "post_id": post_id,
                    "partner_id": partners[user_id],
                    "answered_at": answered_at,
                    "how": "reply",
                }
                for post_id, answered_at in posts
                for user_id in answered_by
            ],
        )


async def steps(engine: AsyncEngine, work: Callable[[AsyncSession], Awaitable[object]]) -> int:
    """How many steps SQLite takes for `work`, which is then rolled back."""
    count = 0

    def step() -> int:
        nonlocal count
        count += 1
        return 0  # go on

    async with session_factory(engine)() as session:
        raw = await (await session.connection()).get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.set_progress_handler(step, PER_STEP)
        try:
            await work(session)
        finally:
            await driver.set_progress_handler(None, PER_STEP)
            await session.rollback()
    return count


async def test_finding_prompts_to_nudge_reads_only_the_last_hours_however_long_the_history(
    sqlite_engine: AsyncEngine,
) -> None:
    # Tonight (20:30 in Berlin) Alex answered and Sam has not: with a half-hour delay, a nudge
    # is due an hour later, well before the quiet hours.
    await add_couple(sqlite_engine, -1, posts={5: "evening"})
    async with sqlite_engine.begin() as conn:
        await conn.execute(update(Chat).values(nudge_delay_minutes=30))
    assert await answer_batch_record(sqlite_engine, Seen(-1, ALEX, "Alex", 900, NOW, reply_to=5))
    later = NOW + timedelta(hours=1)

    async def find(session: AsyncSession) -> None:
        assert len(await claim_nudges(session, later)) == 1

    fresh = await steps(sqlite_engine, find)
    # Another couple, four years in, where one partner always answered and the other never did.
    await add_couple(sqlite_engine, -2, posts={})
    await add_history(sqlite_engine, -2, answered_by=(ALEX,))
    seasoned = await steps(sqlite_engine, find)

    assert seasoned < fresh + 100


async def test_an_answer_batch_reads_as_little_after_years_of_evenings_as_on_the_first(
    sqlite_engine: AsyncEngine,
) -> None:
    # Two couples with tonight's prompt; the second has answered every evening for years.
    for chat_id in (-1, -2):
        await add_couple(sqlite_engine, chat_id, posts={5: "evening"})
    await add_history(sqlite_engine, -2, answered_by=(ALEX, SAM))

    def batch(chat_id: int) -> list[Seen]:
        # A reply to the prompt, and a plain message (the bot sees all of them as an admin).
        return [
            Seen(chat_id, ALEX, "Alex", 900, NOW, reply_to=5),
            Seen(chat_id, SAM, "Sam", 901, NOW, reply_to=None),
        ]

    async def record(chat_id: int) -> int:
        async def work(session: AsyncSession) -> None:
            conn = await session.connection()
            results = await answers.record_batch(conn, batch(chat_id))
            assert [r.outcome for r in results] == [Outcome.RECORDED] * 2

        return await steps(sqlite_engine, work)

    assert await record(-2) < await record(-1) + 100


async def answer_batch_record(engine: AsyncEngine, seen: Seen) -> bool:
    """Record one answer for good; whether it was new."""
    async with engine.begin() as conn:
        [result] = await answers.record_batch(conn, [seen])
    return result.outcome is Outcome.RECORDED
