"""The one classifier of a Telegram call's outcome, case by case (pure: no bot, no network)."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.kernel.telegram.outcomes import Classified, Outcome, classify


def timed_out(cause: BaseException | None) -> TimedOut:
    """A TimedOut raised from ``cause``, as a transport raises it."""
    error = TimedOut()
    error.__cause__ = cause
    return error


def test_a_call_that_raised_nothing_was_sent() -> None:
    assert classify(None) == Classified(Outcome.SENT, reason="sent")


@pytest.mark.parametrize(
    ("retry_after", "seconds"), [(7, 7.0), (timedelta(seconds=2.5), 2.5), (0, 0.0)]
)
def test_a_429_asks_to_wait_its_retry_after_given_in_seconds_or_as_a_timedelta(
    retry_after: int | timedelta, seconds: float
) -> None:
    result = classify(RetryAfter(retry_after))

    assert result.outcome is Outcome.RETRY_AFTER
    assert result.retry_after == seconds
    assert result.new_chat_id is None


def test_a_group_that_became_a_supergroup_is_a_chat_moved_to_its_new_id() -> None:
    result = classify(ChatMigrated(-100_123_456))

    assert result.outcome is Outcome.CHAT_MOVED
    assert result.new_chat_id == -100_123_456


def test_a_bot_removed_or_blocked_means_the_chat_is_gone() -> None:
    assert classify(Forbidden("Forbidden: bot was kicked")).outcome is Outcome.CHAT_GONE


@pytest.mark.parametrize(
    "cause",
    [
        httpx.ConnectTimeout("connect"),
        httpx.PoolTimeout("pool"),
        aiohttp.ConnectionTimeoutError("Connection timeout to host"),
    ],
    ids=["httpx-connect", "httpx-pool", "aiohttp-connect"],
)
def test_a_timeout_before_the_request_left_was_not_sent_and_may_be_sent_again(
    cause: BaseException,
) -> None:
    result = classify(timed_out(cause))

    assert result.outcome is Outcome.NOT_SENT
    assert result.reason == "connect_timeout"


@pytest.mark.parametrize(
    "cause",
    [
        None,
        httpx.ReadTimeout("read"),
        httpx.WriteTimeout("write"),
        aiohttp.SocketTimeoutError("Timeout on reading data from socket"),
        aiohttp.ServerTimeoutError("not a connect timeout"),
        TimeoutError(),
    ],
    ids=["no-cause", "httpx-read", "httpx-write", "aiohttp-read", "aiohttp-server", "asyncio"],
)
def test_any_other_timeout_may_have_been_sent(cause: BaseException | None) -> None:
    result = classify(timed_out(cause))

    assert result.outcome is Outcome.MAYBE_SENT
    assert result.reason == "read_timeout"


@pytest.mark.parametrize(
    "error",
    [
        NetworkError("aiohttp.ClientConnectorError: Connection refused"),
        NetworkError("Bad Gateway"),
        Conflict("terminated by other getUpdates request"),
        InvalidToken(),
        EndPointNotFound("Not Found"),
    ],
    ids=["refused", "5xx", "conflict", "invalid-token", "not-found"],
)
def test_other_network_and_telegram_errors_were_not_sent(error: Exception) -> None:
    result = classify(error)

    assert result.outcome is Outcome.NOT_SENT
    assert result.reason == type(error).__name__


def test_a_request_telegram_rejects_is_refused_though_it_is_a_network_error_in_ptb() -> None:
    error = BadRequest("Bad Request: can't parse entities")
    assert isinstance(error, NetworkError)

    assert classify(error).outcome is Outcome.REFUSED


def test_an_error_raised_before_any_request_counts_as_not_sent() -> None:
    assert classify(ValueError("bad argument")).outcome is Outcome.NOT_SENT


def test_every_outcome_is_reached_by_some_error() -> None:
    errors: list[BaseException | None] = [
        None,
        RetryAfter(1),
        timed_out(aiohttp.ConnectionTimeoutError()),
        timed_out(None),
        Forbidden("gone"),
        ChatMigrated(-1001),
        BadRequest("no"),
    ]

    assert {classify(error).outcome for error in errors} == set(Outcome)
