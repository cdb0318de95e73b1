"""What couples type after /time, /days, /pause, /nudges and /timezone."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule.parse import (
    PROBLEM_TEMPLATES,
    Problem,
    parse_days,
    parse_delay,
    parse_pause,
    parse_time,
)
from bot.schedule.zones import ZoneAmbiguous, ZoneMatch, ZoneNotFound, find_zone
from bot.texts import Texts

TEXTS = Texts.load()
TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("20:30", 20 * 60 + 30),
        ("8:30pm", 20 * 60 + 30),
        ("8:30 PM", 20 * 60 + 30),
        ("8.30 p.m.", 20 * 60 + 30),
        ("12am", 0),
        ("12pm", 12 * 60),
        ("0:05", 5),
        ("2030", 20 * 60 + 30),
        ("21h", 21 * 60),
        ("21h15", 21 * 60 + 15),
        ("7", 7 * 60),
    ],
)
def test_times_are_read_in_the_forms_people_type(text: str, minutes: int) -> None:
    assert parse_time(text) == minutes


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("25:99", "settings.time_hour_range"),
        ("20:99", "settings.time_minute_range"),
        ("13pm", "settings.time_hour_range"),
        ("soon", "settings.time_unreadable"),
        ("", "settings.time_missing"),
    ],
)
def test_a_wrong_time_gets_the_specific_reason(text: str, key: str) -> None:
    result = parse_time(text)

    assert isinstance(result, Problem) and result.key == key


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("daily", 0b1111111),
        ("weekdays", 0b0011111),
        ("Weekends", 0b1100000),
        ("mon,wed,fri", 0b0010101),
        ("Monday Wednesday", 0b0000101),
        ("fri-mon", 0b1110001),
    ],
)
def test_days_are_read_as_a_weekday_set(text: str, mask: int) -> None:
    assert parse_days(text) == mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("3d", date(2026, 11, 28)),
        ("2 weeks", date(2026, 12, 9)),
        ("until 2026-12-01", date(2026, 12, 1)),
    ],
)
def test_pauses_are_read_as_the_day_prompts_come_back(text: str, expected: date | None) -> None:
    assert parse_pause(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("until 2026-11-01", "settings.pause_past"),
        ("until 2026-02-30", "settings.pause_unreadable"),
        ("900d", "settings.pause_too_long"),
        ("forever and ever", "settings.pause_unreadable"),
    ],
)
def test_a_wrong_pause_gets_the_specific_reason(text: str, key: str) -> None:
    result = parse_pause(text, TODAY)

    assert isinstance(result, Problem) and result.key == key


def test_nudge_delays_are_read_in_minutes_and_hours() -> None:
    assert parse_delay("2h") == 120
    assert parse_delay("90m") == 90
    assert isinstance(parse_delay("5m"), Problem)
    assert isinstance(parse_delay("later"), Problem)


def test_every_complaint_a_parser_can_make_has_a_template_with_matching_placeholders() -> None:
    for key, placeholders in PROBLEM_TEMPLATES.items():
        assert TEXTS.placeholders(key) == placeholders, key


PARSERS = {
    "time": parse_time,
    "days": parse_days,
    "pause": lambda text: parse_pause(text, TODAY),
    "delay": parse_delay,
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_any_argument_gives_a_value_or_a_renderable_message_never_a_crash(
    name: str, text: str
) -> None:
    result = PARSERS[name](text)

    if isinstance(result, Problem):
        assert result.key in PROBLEM_TEMPLATES
        rendered = TEXTS.render_html(result.key, **result.values)
        assert rendered.strip()
        assert len(rendered) < 400


# Each miss is compared with some 30,000 city names: fewer examples than the parsers' tests.
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=60))
def test_any_time_zone_text_resolves_or_explains(text: str) -> None:
    result = find_zone(text)

    assert isinstance(result, ZoneMatch | ZoneNotFound | ZoneAmbiguous)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Lisbon", "Europe/Lisbon"),
        ("lisbon", "Europe/Lisbon"),
        ("New York", "America/New_York"),
        ("Mumbai", "Asia/Kolkata"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("UTC", "UTC"),
    ],
)
def test_zone_names_and_cities_find_their_zone(text: str, zone: str) -> None:
    assert find_zone(text) == ZoneMatch(zone)


def test_a_typo_in_a_city_gets_close_suggestions() -> None:
    result = find_zone("Lisbn")

    assert isinstance(result, ZoneNotFound)
    assert result.suggestions[0] == "Europe/Lisbon"
