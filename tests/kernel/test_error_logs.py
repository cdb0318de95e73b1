"""A bad day's logs: one line a failed update, the full traceback once a minute at most."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.kernel.db.engine import create_engine, session_factory
from bot.kernel.telegram.errors import TracebackThrottle
from tests.conftest import Couple, RunningBot, eventually


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "failed:" in r.getMessage()]


async def test_during_a_database_outage_each_failure_logs_one_line_and_a_traceback_a_minute(
    bot: RunningBot, couple: Couple, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    down = create_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")
    real = bot.services.sessions
    bot.services.sessions = session_factory(down)
    try:
        for sent in range(1, 4):
            bot.emulator.send_command(couple.chat, couple.alex, "/settings")
            await eventually(lambda n=sent: len(failures(caplog)) == n, f"failure {sent}")
        bot.clock.advance(timedelta(seconds=61))
        bot.emulator.send_command(couple.chat, couple.alex, "/settings")
        await eventually(lambda: len(failures(caplog)) == 4, "the failure a minute later")
    finally:
        bot.services.sessions = real
        await down.dispose()

    with_traceback = [bool(r.exc_info) for r in failures(caplog)]
    assert with_traceback == [True, False, False, True]
    assert [r for r in caplog.records if r.exc_info] == [r for r in failures(caplog) if r.exc_info]


def test_the_throttle_lets_one_traceback_of_a_kind_through_a_minute() -> None:
    throttle = TracebackThrottle()
    start = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)

    allowed = [
        throttle.allow("OperationalError", start),
        throttle.allow("OperationalError", start + timedelta(seconds=59)),
        throttle.allow("KeyError", start + timedelta(seconds=59)),
        throttle.allow("OperationalError", start + timedelta(seconds=60)),
    ]

    assert allowed == [True, False, True, True]
