"""The weekly recap's schedule and /recap's arguments, as logic (no Telegram, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.features.looking_back.rules import RECAP_PROBLEMS, RecapChoice, apply_recap, parse_recap
from bot.kernel.db.models import Chat
from bot.paths import project_root
from bot.schedule.parse import Problem
from bot.schedule.plan import after_claim, is_too_late, schedule_recap
from bot.texts import Texts

# Monday 23 November 2026, 15:00 in Berlin.
MONDAY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SUNDAY_RECAP = datetime(2026, 11, 29, 19, 31, tzinfo=UTC)


def chat(**settings: object) -> Chat:
    values: dict[str, object] = {
        "id": -1,
        "active": True,
        "timezone": "Europe/Berlin",
        "send_minute": 20 * 60 + 30,
        "recap_enabled": True,
        "recap_weekday": 6,
        "next_recap_at": None,
    }
    values.update(settings)
    return Chat(**values)


def test_the_recap_defaults_to_sunday_a_minute_after_the_evening_prompt() -> None:
    assert schedule_recap(chat(), MONDAY) == SUNDAY_RECAP


def test_the_recap_follows_the_evening_time_and_zone() -> None:
    late = chat(send_minute=22 * 60, timezone="America/New_York")

    assert schedule_recap(late, MONDAY) == datetime(2026, 11, 30, 3, 1, tzinfo=UTC)


def test_an_evening_at_one_minute_to_midnight_keeps_the_recap_on_the_same_day() -> None:
    assert schedule_recap(chat(send_minute=23 * 60 + 59), MONDAY) == datetime(
        2026, 11, 29, 22, 59, tzinfo=UTC
    )


def test_the_recap_keeps_its_local_time_across_the_spring_change() -> None:
    # Berlin moves to summer time on Sunday 29 March 2026: 20:31 is then 18:31 UTC.
    assert schedule_recap(chat(), datetime(2026, 3, 23, 12, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 18, 31, tzinfo=UTC
    )


def test_turning_the_recap_off_or_leaving_the_group_unschedules_it() -> None:
    assert schedule_recap(chat(recap_enabled=False, next_recap_at=SUNDAY_RECAP), MONDAY) is None
    assert schedule_recap(chat(active=False, next_recap_at=SUNDAY_RECAP), MONDAY) is None


def test_a_due_recap_stays_due_until_the_tick_sends_it() -> None:
    due = chat(next_recap_at=SUNDAY_RECAP)

    assert schedule_recap(due, SUNDAY_RECAP + timedelta(minutes=5)) == SUNDAY_RECAP


def test_a_later_evening_time_after_tonights_recap_does_not_bring_a_second_one() -> None:
    sent = chat()
    sent.next_recap_at = after_claim(sent, SUNDAY_RECAP, SUNDAY_RECAP)
    assert sent.next_recap_at == SUNDAY_RECAP + timedelta(days=7)

    sent.send_minute = 22 * 60
    moved = schedule_recap(sent, SUNDAY_RECAP + timedelta(minutes=30))

    assert moved == datetime(2026, 12, 6, 21, 1, tzinfo=UTC)


def test_a_claim_moves_even_a_very_late_recap_to_a_future_week() -> None:
    late = after_claim(chat(), SUNDAY_RECAP, SUNDAY_RECAP + timedelta(days=9))

    assert late == datetime(2026, 12, 13, 19, 31, tzinfo=UTC)


def test_six_hours_is_the_most_a_recap_may_be_late() -> None:
    assert not is_too_late(SUNDAY_RECAP, SUNDAY_RECAP + timedelta(hours=6))
    assert is_too_late(SUNDAY_RECAP, SUNDAY_RECAP + timedelta(hours=6, seconds=1))


def test_choosing_a_day_turns_the_recap_on_and_moves_it() -> None:
    off = chat(recap_enabled=False)

    at = apply_recap(off, RecapChoice(enabled=True, weekday=2), MONDAY)

    assert off.recap_enabled and off.recap_weekday == 2
    assert at == datetime(2026, 11, 25, 19, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", RecapChoice()),
        ("on", RecapChoice(enabled=True)),
        (" OFF ", RecapChoice(enabled=False)),
        ("sunday", RecapChoice(enabled=True, weekday=6)),
        ("mon", RecapChoice(enabled=True, weekday=0)),
        ("Fri", RecapChoice(enabled=True, weekday=4)),
        ("someday", Problem("stats.recap_unreadable", {"given": "someday"})),
        ("weekends", Problem("stats.recap_one_day", {"given": "weekends"})),
        ("mon,tue", Problem("stats.recap_one_day", {"given": "mon,tue"})),
    ],
)
def test_recap_arguments_are_read_kindly(text: str, expected: RecapChoice | Problem) -> None:
    assert parse_recap(text) == expected


def test_every_recap_problem_has_a_template_with_its_placeholders() -> None:
    texts = Texts.load(project_root() / "prompts")

    for key, names in RECAP_PROBLEMS.items():
        assert texts.placeholders(key) == names, key
