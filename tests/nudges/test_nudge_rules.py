"""Nudge timing, quiet hours and who is nudged, on plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.features.nudges.rules import NUDGE_HORIZON, Member, nudge_due, who
from bot.schedule.slots import in_quiet_hours

BERLIN = ZoneInfo("Europe/Berlin")
POSTED = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 20:30 in Berlin
QUIET = {"quiet_start": 22 * 60 + 30, "quiet_end": 8 * 60}


def due(now: datetime, first: datetime, delay: timedelta = timedelta(hours=2)) -> bool:
    return nudge_due(
        first_answer_at=first, posted_at=POSTED, delay=delay, now=now, zone=BERLIN, **QUIET
    )


def test_a_nudge_waits_for_the_delay_after_the_first_answer() -> None:
    first = POSTED + timedelta(minutes=10)
    hour = timedelta(hours=1)
    assert not due(first + timedelta(minutes=59), first, hour)
    assert due(first + hour, first, hour)


def test_no_nudge_in_the_quiet_hours_and_one_when_they_end() -> None:
    first = POSTED + timedelta(minutes=30)  # 21:00 in Berlin
    assert not due(datetime(2026, 11, 23, 22, 0, tzinfo=UTC), first)  # 23:00
    assert due(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), first)  # 08:00


def test_a_prompt_older_than_the_horizon_gets_no_nudge() -> None:
    first = POSTED + timedelta(minutes=5)
    assert not due(POSTED + NUDGE_HORIZON + timedelta(minutes=1), first, timedelta(minutes=15))


def test_quiet_hours_may_span_midnight_or_not_exist() -> None:
    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 00:30 in Berlin
    assert in_quiet_hours(late, BERLIN, 22 * 60, 7 * 60)
    assert not in_quiet_hours(late, BERLIN, 13 * 60, 14 * 60)
    assert not in_quiet_hours(late, BERLIN, 9 * 60, 9 * 60)


def test_only_a_couple_with_one_answer_each_way_gets_a_nudge() -> None:
    alex, sam = Member(1, "Alex", True), Member(2, "Sam", False)
    assert who([alex, sam]) == (alex, sam)
    assert who([alex]) is None
    assert who([alex, Member(2, "Sam", True)]) is None
    assert who([Member(1, "Alex", False), sam]) is None
