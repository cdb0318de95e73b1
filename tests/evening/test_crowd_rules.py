"""The crowd's rules: how early it starts, when each prompt goes, the order it goes in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from bot.features.evening.rules import MAX_EARLY, crowd_order, lead, run_for, send_times

MINUTE = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


def test_ten_thousand_at_thirty_a_second_start_half_their_sending_time_early() -> None:
    times = send_times(MINUTE, 10_000, 30)

    offsets = [(t - MINUTE).total_seconds() for t in times]
    assert abs(offsets[0] + 10_000 / 60) < 1e-5
    assert max(abs(o) for o in offsets) <= 10_000 / 60
    assert offsets == sorted(offsets)
    assert all(abs(b - a - 1 / 30) < 1e-5 for a, b in pairwise(offsets))
    assert sum(o < 0 for o in offsets) == 5_000


def test_a_crowd_the_rate_can_carry_at_once_goes_out_at_its_minute() -> None:
    [alone] = send_times(MINUTE, 1, 30)
    assert MINUTE - timedelta(seconds=1 / 60) <= alone < MINUTE
    assert lead(10_000, 1000) == timedelta(seconds=5)


def test_no_crowd_starts_more_than_ten_minutes_early() -> None:
    assert lead(100_000, 30) == MAX_EARLY == timedelta(minutes=10)
    assert send_times(MINUTE, 100_000, 30)[0] == MINUTE - MAX_EARLY


def test_the_order_of_a_crowd_is_the_same_for_every_replica_and_changes_every_day() -> None:
    chats = list(range(-4_000_001_000, -4_000_000_000))
    monday = crowd_order(chats, MINUTE)
    tuesday = crowd_order(chats, MINUTE + timedelta(days=1))

    assert crowd_order(reversed(chats), MINUTE) == monday
    assert sorted(monday) == sorted(tuesday) == sorted(chats)
    # Those last on Monday are spread over Tuesday's crowd like anyone else.
    last_monday = set(monday[-100:])
    assert len(last_monday & set(tuesday[-100:])) < 30
    assert monday != sorted(chats)


def test_a_prompt_sent_early_keeps_its_local_date() -> None:
    # 00:30 in Kolkata is 19:00 UTC the day before: sent early, it stays on the local date.
    local_date = date(2026, 11, 24)
    due = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    run = run_for(1, due, local_date, due - timedelta(minutes=3), timedelta(hours=3), due)
    early = run_for(1, due, local_date, due, timedelta(hours=3), due - timedelta(minutes=2))

    assert run.local_date == early.local_date == local_date
    assert early.due_at == due
    assert early.not_before == due - timedelta(minutes=2)
