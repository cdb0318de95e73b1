"""Looking back, as logic: figures, streaks and medians from a known history (no Telegram)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.looking_back.rules import (
    Approx,
    EveningStat,
    Period,
    approximate,
    compute,
    days_back_start,
    week_start,
    worth_a_recap,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Thursday 26 November 2026, 22:00 in Berlin.
NOW = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)


def evening(day: int, wait_minutes: int | None) -> EveningStat:
    """An evening prompt on 2026-11-<day> at 20:30 Berlin (19:30 UTC), answered after a wait."""
    posted = datetime(2026, 11, day, 19, 30, tzinfo=UTC)
    together = posted + timedelta(minutes=wait_minutes) if wait_minutes is not None else None
    return EveningStat(date(2026, 11, day), posted, together)


# Seven evenings together (9-15 Nov), a miss, two together, a miss, three together, no prompt
# on Monday 23rd (a day off), two together, and tonight's prompt still open.
HISTORY = [
    *(evening(day, 30) for day in range(9, 16)),
    evening(16, None),
    evening(17, 30),
    evening(18, 30),
    evening(19, None),
    evening(20, 30),
    evening(21, 30),
    evening(22, 30),
    evening(24, 120),
    evening(25, 140),
    evening(26, None),
]
EXERCISES = [datetime(2026, 11, 18, 20, 0, tzinfo=UTC), datetime(2026, 11, 24, 21, 0, tzinfo=UTC)]
ACTIVITIES = [datetime(2026, 11, 21, 15, 0, tzinfo=UTC)]


def test_a_known_history_gives_exact_figures_for_the_week_and_all_time() -> None:
    stats = compute(HISTORY, EXERCISES, ACTIVITIES, NOW, BERLIN)

    assert stats.week == Period(
        prompts=3,
        together=2,
        exercises=1,
        activities=0,
        median_to_both=timedelta(hours=2, minutes=10),
    )
    assert stats.all_time == Period(
        prompts=17,
        together=14,
        exercises=2,
        activities=1,
        median_to_both=timedelta(minutes=30),
    )
    assert (stats.current_streak, stats.best_streak) == (5, 7)


def test_the_order_of_the_input_does_not_matter() -> None:
    shuffled = list(reversed(HISTORY))

    assert compute(shuffled, EXERCISES, ACTIVITIES, NOW, BERLIN) == compute(
        HISTORY, EXERCISES, ACTIVITIES, NOW, BERLIN
    )


def test_tonights_prompt_breaks_the_streak_once_it_is_a_day_old_and_unanswered() -> None:
    later = datetime(2026, 11, 27, 19, 31, tzinfo=UTC)

    stats = compute(HISTORY, [], [], later, BERLIN)

    assert (stats.current_streak, stats.best_streak) == (0, 7)


def test_tonights_prompt_answered_together_extends_the_streak() -> None:
    answered = [*HISTORY[:-1], evening(26, 5)]

    stats = compute(answered, [], [], NOW, BERLIN)

    assert stats.current_streak == 6


def test_a_missed_evening_in_the_middle_resets_the_current_streak() -> None:
    stats = compute([evening(20, 10), evening(21, None), evening(22, 10)], [], [], NOW, BERLIN)

    assert (stats.current_streak, stats.best_streak) == (1, 1)


def test_days_without_a_prompt_do_not_break_a_streak() -> None:
    stats = compute([evening(2, 10), evening(9, 10), evening(20, 10)], [], [], NOW, BERLIN)

    assert stats.current_streak == 3


def test_no_history_gives_zeros_and_no_median() -> None:
    stats = compute([], [], [], NOW, BERLIN)

    assert stats.all_time == Period(0, 0, 0, 0, None)
    assert (stats.current_streak, stats.best_streak) == (0, 0)


def test_the_median_of_an_even_count_is_the_middle_of_the_two_middle_waits() -> None:
    evenings = [evening(20, 10), evening(21, 20), evening(22, 40), evening(24, 90)]

    stats = compute(evenings, [], [], NOW, BERLIN)

    assert stats.all_time.median_to_both == timedelta(minutes=30)


def test_the_week_starts_on_monday_at_local_midnight() -> None:
    assert week_start(NOW, BERLIN) == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    # Sunday 23:30 in Berlin is still last week; Monday 00:30 is this week.
    sunday_night = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)
    assert week_start(sunday_night, BERLIN) == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)


def test_the_week_starts_at_the_first_instant_of_monday_when_its_midnight_is_skipped() -> None:
    # Iran moved its clocks from 00:00 to 01:00 on Monday 22 March 2021.
    tehran = ZoneInfo("Asia/Tehran")

    start = week_start(datetime(2021, 3, 24, 12, 0, tzinfo=UTC), tehran)

    assert start.astimezone(tehran).replace(tzinfo=None) == datetime(2021, 3, 22, 1, 0)


def test_a_recap_looks_back_over_the_seven_local_days_ending_on_its_day() -> None:
    start = days_back_start(date(2026, 11, 29), BERLIN)

    assert start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    tuesday_recap = days_back_start(date(2026, 12, 1), BERLIN)
    stats = compute(HISTORY, EXERCISES, ACTIVITIES, NOW, BERLIN, since=tuesday_recap)
    assert stats.week.prompts == 2  # the 25th and the 26th


@pytest.mark.parametrize(
    ("week", "worth"),
    [
        (Period(0, 0, 0, 0, None), False),
        (Period(1, 0, 0, 0, None), False),
        (Period(2, 0, 0, 0, None), True),
        (Period(1, 1, 0, 0, None), True),
        (Period(0, 0, 1, 0, None), True),
        (Period(0, 0, 0, 1, None), True),
    ],
)
def test_a_recap_needs_something_to_look_back_on(week: Period, worth: bool) -> None:
    assert worth_a_recap(week) is worth


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (timedelta(seconds=20), Approx(under_minute=True)),
        (timedelta(minutes=7, seconds=29), Approx(minutes=7)),
        (timedelta(minutes=59, seconds=40), Approx(hours=1)),
        (timedelta(hours=2, minutes=9), Approx(hours=2, minutes=10)),
        (timedelta(hours=2, minutes=12, seconds=31), Approx(hours=2, minutes=15)),
        (timedelta(hours=23, minutes=58), Approx(days=1)),
        (timedelta(days=1, hours=3, minutes=20), Approx(days=1, hours=3)),
        (timedelta(days=2), Approx(days=2)),
    ],
)
def test_durations_are_rounded_the_way_people_say_them(
    duration: timedelta, expected: Approx
) -> None:
    assert approximate(duration) == expected
