"""The evenings calendar, as logic: which square an evening gets, and the picture itself."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime

import pytest

from bot.features.looking_back.rules import CALENDAR_WEEKS, EveningDay, calendar, calendar_start
from bot.pictures.calendar import BACKGROUND, COLOURS, EMPTY, OFF_RING, Evening, render, size

EVERY_DAY = 0b1111111
WEEKDAYS = 0b0011111
# Thursday 26 November 2026.
TODAY = date(2026, 11, 26)
AT = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def day(d: int, kind: str = "prompt", **answers: object) -> EveningDay:
    return EveningDay(date(2026, 11, d), kind, **answers)  # type: ignore[arg-type]


def square_on(days: list[EveningDay], when: date, mask: int = EVERY_DAY) -> Evening:
    cal = calendar(days, TODAY, days_mask=mask)
    return cal.squares[(when - calendar_start(TODAY)).days]


@pytest.mark.parametrize(
    ("evening", "expected"),
    [
        (day(20, together_at=AT, first_answer_at=AT), Evening.TOGETHER),
        (day(20, together_at=AT, in_person=True), Evening.IN_PERSON),
        (day(20, first_answer_at=AT), Evening.ONE),
        (day(20), Evening.NONE),  # asked, nobody answered: neutral, never a mark
        (day(20, "rest"), Evening.OFF),
        (day(20, "activity"), Evening.NONE),
    ],
)
def test_an_evening_gets_the_square_of_what_happened(
    evening: EveningDay, expected: Evening
) -> None:
    assert square_on([evening], date(2026, 11, 20)) == expected


def test_a_date_without_a_run_is_a_day_off_only_when_it_is_not_one_of_their_days() -> None:
    assert square_on([], date(2026, 11, 22), mask=WEEKDAYS) == Evening.OFF  # a Sunday
    assert square_on([], date(2026, 11, 20), mask=WEEKDAYS) == Evening.NONE  # a Friday
    cal = calendar([], TODAY, days_mask=EVERY_DAY, skip=date(2026, 11, 24))
    assert cal.squares[(date(2026, 11, 24) - calendar_start(TODAY)).days] == Evening.OFF


def test_the_calendar_runs_twelve_whole_weeks_to_today_and_counts_only_what_happened() -> None:
    days = [
        day(23, together_at=AT),
        day(24, together_at=AT, in_person=True),
        day(25, first_answer_at=AT),
        day(26),
        day(2, together_at=AT),  # 2 November: inside the 12 weeks
    ]

    cal = calendar(days, TODAY, days_mask=EVERY_DAY)

    assert len(cal.squares) == 7 * CALENDAR_WEEKS
    assert calendar_start(TODAY) == date(2026, 9, 7) and calendar_start(TODAY).weekday() == 0
    assert cal.squares[cal.today_index or 0] == Evening.NONE  # tonight is still open
    assert cal.squares[-3:] == (Evening.LATER,) * 3  # Friday to Sunday have not come yet
    assert (cal.together, cal.in_person, cal.one, cal.off) == (2, 1, 1, 0)
    assert cal.worth_a_picture
    assert not calendar([day(26)], TODAY, days_mask=EVERY_DAY).worth_a_picture


def test_the_picture_is_a_small_png_of_the_calendars_size() -> None:
    squares = [Evening.TOGETHER, Evening.IN_PERSON, Evening.ONE, Evening.OFF, Evening.NONE] * 16
    squares += [Evening.LATER] * 4

    png = render(squares, today=79)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == size(CALENDAR_WEEKS)
    assert len(png) < 80 * 1024
    assert render(squares, today=79) == png  # the same evenings, the same bytes


def test_no_square_is_red_so_a_missing_evening_never_looks_like_a_failure() -> None:
    for red, green, blue in (*COLOURS.values(), EMPTY, OFF_RING, BACKGROUND):
        # Red is red well above green and blue (amber, 218/170/63, is not).
        assert not (red > 1.5 * green and red > 1.5 * blue)
    # Nothing and a rest are quiet greys: no hue of their own.
    assert max(EMPTY) - min(EMPTY) < 24 and max(OFF_RING) - min(OFF_RING) < 32


def test_the_calendar_needs_whole_weeks() -> None:
    with pytest.raises(ValueError, match="whole weeks"):
        render([Evening.TOGETHER] * 5)
