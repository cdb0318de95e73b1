"""What couples type after /timezone: abbreviations, UTC offsets and city names, pure logic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.zones import (
    ABBREVIATIONS,
    FIXED_ODD_OFFSETS,
    OffsetNotKept,
    ZoneMatch,
    ZoneNotFound,
    find_zone,
    fold,
    zone_label,
)

WINTER, SUMMER = datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC)


def offsets(zone: str) -> set[float]:
    tz = ZoneInfo(zone)
    return {
        (day.astimezone(tz).utcoffset() or timedelta()).total_seconds() / 3600
        for day in (WINTER, SUMMER)
    }


@pytest.mark.parametrize(
    ("text", "zone", "city"),
    [
        ("EST", "America/New_York", "New York"),
        ("edt", "America/New_York", "New York"),
        ("CST", "America/Chicago", "Chicago"),
        ("PDT", "America/Los_Angeles", "Los Angeles"),
        ("MST", "America/Denver", "Denver"),
        ("CET", "Europe/Berlin", "Berlin"),
        ("CEST", "Europe/Berlin", "Berlin"),
        ("GMT", "Europe/London", "London"),
        ("BST", "Europe/London", "London"),
        ("IST", "Asia/Kolkata", "Kolkata"),
        ("JST", "Asia/Tokyo", "Tokyo"),
        ("AEST", "Australia/Sydney", "Sydney"),
        ("NZST", "Pacific/Auckland", "Auckland"),
    ],
)
def test_an_abbreviation_means_the_zone_people_use_it_for_and_names_its_city(
    text: str, zone: str, city: str
) -> None:
    found = find_zone(text)

    assert found == ZoneMatch(zone)
    assert isinstance(found, ZoneMatch)
    assert found.via == "abbreviation" and found.city == city


@pytest.mark.parametrize("text", ["EST", "PST", "CET", "GMT", "AEST", "NZST"])
def test_the_zones_behind_summer_and_winter_abbreviations_follow_daylight_saving(
    text: str,
) -> None:
    found = find_zone(text)

    assert isinstance(found, ZoneMatch) and len(offsets(found.name)) == 2


def test_every_abbreviation_points_to_a_real_zone() -> None:
    for zone in ABBREVIATIONS.values():
        assert ZoneInfo(zone)


@pytest.mark.parametrize(
    ("text", "zone", "label"),
    [
        ("GMT-3", "Etc/GMT+3", "UTC-3"),
        ("UTC+3", "Etc/GMT-3", "UTC+3"),
        ("+03:00", "Etc/GMT-3", "UTC+3"),
        ("-05:00", "Etc/GMT+5", "UTC-5"),
        ("utc −4", "Etc/GMT+4", "UTC-4"),
        ("UTC+14", "Etc/GMT-14", "UTC+14"),
    ],
)
def test_a_whole_hour_offset_is_kept_as_a_fixed_offset_with_the_right_sign(
    text: str, zone: str, label: str
) -> None:
    found = find_zone(text)

    assert found == ZoneMatch(zone)
    assert isinstance(found, ZoneMatch) and found.via == "offset"
    assert zone_label(found.name) == label
    assert offsets(found.name) == {int(label[3:])}


def test_a_zero_offset_is_utc() -> None:
    assert find_zone("UTC+0") == ZoneMatch("UTC")


@pytest.mark.parametrize(
    ("text", "city"), [("GMT-3", "São Paulo"), ("UTC-5", "New York City"), ("UTC+1", "Berlin")]
)
def test_a_fixed_offset_comes_with_a_city_to_send_instead(text: str, city: str) -> None:
    found = find_zone(text)

    assert isinstance(found, ZoneMatch) and found.city == city
    assert find_zone(found.city) != found  # the city is a zone of its own


@pytest.mark.parametrize(
    ("text", "zone"),
    [("UTC+5:30", "Asia/Kolkata"), ("+0545", "Asia/Kathmandu"), ("GMT+9:30", "Australia/Darwin")],
)
def test_an_offset_of_half_an_hour_is_kept_by_the_zone_that_keeps_it_all_year(
    text: str, zone: str
) -> None:
    found = find_zone(text)

    assert found == ZoneMatch(zone)
    assert isinstance(found, ZoneMatch) and found.via == "odd_offset"


def test_every_odd_offset_zone_keeps_its_offset_all_year() -> None:
    for minutes, zone in FIXED_ODD_OFFSETS.items():
        assert offsets(zone) == {minutes / 60}


def test_an_odd_offset_that_no_place_keeps_all_year_suggests_a_city_and_whole_hours() -> None:
    found = find_zone("UTC-3:30")

    assert found == OffsetNotKept("UTC-3:30", "UTC-3:30", "St. John's", "UTC-4", "UTC-3")


@pytest.mark.parametrize("text", ["UTC+15", "GMT-13", "UTC+5:75"])
def test_an_offset_outside_the_worlds_clocks_is_not_a_zone(text: str) -> None:
    assert isinstance(find_zone(text), ZoneNotFound)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("SAO PAULO", "America/Sao_Paulo"),
        ("Zurich", "Europe/Zurich"),
        ("Zürich", "Europe/Zurich"),
        ("München", "Europe/Berlin"),
        ("Guadalajara", "America/Mexico_City"),
        ("Porto Alegre", "America/Sao_Paulo"),
        ("Kraków", "Europe/Warsaw"),
        ("St. John's", "America/St_Johns"),
    ],
)
def test_city_names_match_regardless_of_case_and_accents(text: str, zone: str) -> None:
    assert find_zone(text) == ZoneMatch(zone)


def test_a_city_name_several_places_share_goes_to_the_most_populous() -> None:
    # Córdoba in Argentina is bigger than the one in Spain (and the one in Mexico).
    assert find_zone("cordoba") == ZoneMatch("America/Argentina/Cordoba")
    assert find_zone("Valencia") == ZoneMatch("America/Caracas")


def test_a_typo_in_a_big_city_gets_a_did_you_mean() -> None:
    found = find_zone("Guadalajra")

    assert isinstance(found, ZoneNotFound)
    assert found.suggestions and find_zone(found.suggestions[0]) == ZoneMatch("America/Mexico_City")


def test_folding_drops_case_accents_and_punctuation() -> None:
    assert fold("  São-Paulo ") == fold("sao paulo") == "sao paulo"
    assert fold("St. John's") == "st johns"
