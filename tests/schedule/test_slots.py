"""The evening slot maths, across daylight-saving changes in zones that make it hard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.slots import in_quiet_hours, local_instant, next_slot


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hm(hour: int, minute: int = 0) -> int:
    return hour * 60 + minute


# (zone, local date, local send time, expected UTC instant, why)
CASES = [
    (
        "Europe/Berlin",
        date(2026, 3, 29),
        hm(2, 30),
        utc(2026, 3, 29, 1, 0),
        "gap: sent at 03:00 CEST",
    ),
    (
        "Europe/Berlin",
        date(2026, 10, 25),
        hm(2, 30),
        utc(2026, 10, 25, 0, 30),
        "repeat: first, CEST",
    ),
    (
        "Europe/Berlin",
        date(2026, 3, 29),
        hm(20, 30),
        utc(2026, 3, 29, 18, 30),
        "evening after the jump",
    ),
    (
        "America/New_York",
        date(2026, 3, 8),
        hm(2, 15),
        utc(2026, 3, 8, 7, 0),
        "gap: sent at 03:00 EDT",
    ),
    (
        "America/New_York",
        date(2026, 11, 1),
        hm(1, 30),
        utc(2026, 11, 1, 5, 30),
        "repeat: first, EDT",
    ),
    (
        "Australia/Sydney",
        date(2026, 10, 4),
        hm(2, 30),
        utc(2026, 10, 3, 16, 0),
        "gap: sent at 03:00 AEDT",
    ),
    (
        "Australia/Sydney",
        date(2026, 4, 5),
        hm(2, 30),
        utc(2026, 4, 4, 15, 30),
        "repeat: first, AEDT",
    ),
    (
        "Asia/Kolkata",
        date(2026, 3, 29),
        hm(20, 30),
        utc(2026, 3, 29, 15, 0),
        "no DST, half-hour offset",
    ),
    (
        "Pacific/Chatham",
        date(2026, 9, 27),
        hm(3, 0),
        utc(2026, 9, 26, 14, 0),
        "gap: sent at 03:45 +1345",
    ),
    (
        "Pacific/Chatham",
        date(2026, 4, 5),
        hm(3, 0),
        utc(2026, 4, 4, 13, 15),
        "repeat: first, +1345",
    ),
    (
        "America/Havana",
        date(2026, 3, 8),
        hm(0, 30),
        utc(2026, 3, 8, 5, 0),
        "midnight gap: 01:00 CDT",
    ),
    (
        "America/Havana",
        date(2026, 11, 1),
        hm(0, 30),
        utc(2026, 11, 1, 4, 30),
        "midnight repeat: first",
    ),
]


@pytest.mark.parametrize(("zone", "day", "minute", "expected", "why"), CASES)
def test_a_local_send_time_maps_to_one_utc_instant_across_dst(
    zone: str, day: date, minute: int, expected: datetime, why: str
) -> None:
    assert local_instant(day, minute, ZoneInfo(zone)) == expected, why


TRANSITIONS = [
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Europe/Berlin", date(2026, 10, 25)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Australia/Sydney", date(2026, 4, 5)),
    ("Australia/Sydney", date(2026, 10, 4)),
    ("Asia/Kolkata", date(2026, 3, 29)),
    ("Pacific/Chatham", date(2026, 4, 5)),
    ("Pacific/Chatham", date(2026, 9, 27)),
    ("America/Havana", date(2026, 3, 8)),
    ("America/Havana", date(2026, 11, 1)),
]
SEND_TIMES = [hm(0, 0), hm(0, 30), hm(1, 30), hm(2, 30), hm(3, 0), hm(20, 30), hm(23, 59)]


@pytest.mark.parametrize(("zone", "day"), TRANSITIONS)
@pytest.mark.parametrize("minute", SEND_TIMES)
def test_walking_slot_by_slot_through_a_transition_gives_each_local_date_exactly_once(
    zone: str, day: date, minute: int
) -> None:
    tz = ZoneInfo(zone)
    cursor = local_instant(day - timedelta(days=3), 12 * 60, tz)
    dates, instants = [], []
    for _ in range(7):
        slot = next_slot(cursor, zone=tz, minute=minute)
        assert slot is not None
        dates.append(slot.local_date)
        instants.append(slot.at)
        cursor = slot.at

    first = dates[0]
    assert dates == [first + timedelta(days=i) for i in range(7)]
    assert instants == sorted(set(instants))
    for slot_date, at in zip(dates, instants, strict=True):
        local = at.astimezone(tz)
        assert local.date() == slot_date
        # Never before the wanted local time; later only when that time did not exist.
        assert (local.hour * 60 + local.minute) >= minute or local.date() > slot_date


def test_the_next_slot_is_tonight_before_the_time_and_tomorrow_after_it() -> None:
    tz = ZoneInfo("Europe/Lisbon")
    before = next_slot(utc(2026, 11, 25, 19, 0), zone=tz, minute=hm(20, 30))
    after = next_slot(utc(2026, 11, 25, 21, 0), zone=tz, minute=hm(20, 30))

    assert before is not None and before.local_date == date(2026, 11, 25)
    assert after is not None and after.local_date == date(2026, 11, 26)


def test_weekdays_only_jumps_from_friday_to_monday() -> None:
    friday_night = utc(2026, 11, 27, 22, 0)

    slot = next_slot(friday_night, zone=ZoneInfo("UTC"), minute=hm(20, 30), days_mask=0b0011111)

    assert slot is not None and slot.local_date == date(2026, 11, 30)


def test_a_skipped_date_and_a_pause_are_stepped_over() -> None:
    tz = ZoneInfo("UTC")
    now = utc(2026, 11, 25, 12, 0)

    skipped = next_slot(now, zone=tz, minute=hm(20, 30), skip_date=date(2026, 11, 25))
    paused = next_slot(now, zone=tz, minute=hm(20, 30), paused_until=utc(2026, 12, 24))
    long_pause = next_slot(now, zone=tz, minute=hm(20, 30), paused_until=utc(2027, 6, 1))

    assert skipped is not None and skipped.local_date == date(2026, 11, 26)
    assert paused is not None and paused.local_date == date(2026, 12, 24)
    assert long_pause is not None and long_pause.local_date == date(2027, 6, 1)


def test_no_days_enabled_means_no_slot() -> None:
    assert next_slot(utc(2026, 1, 1), zone=ZoneInfo("UTC"), minute=0, days_mask=0) is None


def test_min_date_keeps_a_planned_date_from_being_planned_again() -> None:
    tz = ZoneInfo("Europe/Berlin")
    slot = next_slot(utc(2026, 11, 25, 10, 0), zone=tz, minute=hm(21), min_date=date(2026, 11, 26))

    assert slot is not None and slot.local_date == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("local_time", "quiet"),
    [((22, 29), False), ((22, 30), True), ((3, 0), True), ((7, 59), True), ((8, 0), False)],
)
def test_quiet_hours_span_midnight(local_time: tuple[int, int], quiet: bool) -> None:
    tz = ZoneInfo("Europe/Berlin")
    moment = datetime(2026, 11, 25, *local_time, tzinfo=tz)

    assert in_quiet_hours(moment, tz, hm(22, 30), hm(8, 0)) is quiet
