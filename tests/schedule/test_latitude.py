"""Where a time zone lies, read from tzdata's tables, and the hemisphere seasons follow."""

from __future__ import annotations

import zoneinfo

import pytest

from bot.features.activities.rules import hemisphere_of
from bot.schedule.latitude import latitude, parse_latitude
from bot.schedule.zones import ZoneMatch, find_zone

SOUTH = [
    "America/Punta_Arenas",
    "Atlantic/Stanley",
    "Australia/Sydney",
    "Africa/Johannesburg",
    "America/Sao_Paulo",
    "Asia/Jakarta",
]
NORTH = ["Europe/Berlin", "America/New_York", "Asia/Singapore", "Asia/Kolkata"]


@pytest.mark.parametrize("zone", SOUTH)
def test_zones_south_of_the_equator_have_a_negative_latitude(zone: str) -> None:
    found = latitude(zone)
    assert found is not None
    assert found < 0


@pytest.mark.parametrize("zone", NORTH)
def test_zones_north_of_the_equator_have_a_positive_latitude(zone: str) -> None:
    found = latitude(zone)
    assert found is not None
    assert found > 0


def test_singapore_lies_just_north_of_the_equator() -> None:
    assert latitude("Asia/Singapore") == pytest.approx(1.28, abs=0.01)


def test_punta_arenas_lies_far_south() -> None:
    assert latitude("America/Punta_Arenas") == pytest.approx(-53.15, abs=0.01)


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Etc/GMT+5", "GMT", "Factory"])
def test_zones_without_a_place_have_no_latitude(zone: str) -> None:
    assert latitude(zone) is None


def test_a_name_that_is_not_a_zone_has_no_latitude() -> None:
    assert latitude("Mars/Olympus_Mons") is None


@pytest.mark.parametrize(
    ("old_name", "zone"),
    [
        ("US/Eastern", "America/New_York"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("NZ", "Pacific/Auckland"),
    ],
)
def test_an_old_name_has_the_latitude_of_the_zone_it_now_points_to(
    old_name: str, zone: str
) -> None:
    assert latitude(old_name) == latitude(zone)


def test_a_country_whose_zone_became_a_link_keeps_its_own_city() -> None:
    oslo = latitude("Europe/Oslo")  # a link to Europe/Berlin, but listed in zone.tab itself

    assert oslo == pytest.approx(59.92, abs=0.01)


def test_every_zone_a_couple_can_set_has_a_latitude_unless_it_has_no_place() -> None:
    placeless = ("Etc/", "UTC", "GMT", "UCT", "Universal", "Zulu", "Greenwich", "Factory")
    missing = set()
    for name in zoneinfo.available_timezones():
        found = find_zone(name)
        zone = found.name if isinstance(found, ZoneMatch) else name
        if not zone.startswith(placeless) and latitude(zone) is None:
            missing.add(zone)
    # The POSIX-style US rule zones name no city.
    assert missing <= {"CST6CDT", "EST5EDT", "MST7MDT", "PST8PDT", "localtime"}


@pytest.mark.parametrize(
    ("coordinates", "expected"),
    [
        ("-5300-07055", -53.0),
        ("+4230+00131", 42.5),
        ("+0117+10351", 1 + 17 / 60),
        ("+611305-1495401", 61 + 13 / 60 + 5 / 3600),
        ("-0545+03921", -(5 + 45 / 60)),
    ],
)
def test_iso_6709_coordinates_give_the_latitude(coordinates: str, expected: float) -> None:
    assert parse_latitude(coordinates) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "5300-07055", "+53-070", "north"])
def test_text_that_is_not_iso_6709_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 6709"):
        parse_latitude(text)


@pytest.mark.parametrize("zone", SOUTH)
def test_seasons_are_flipped_south_of_the_equator(zone: str) -> None:
    assert hemisphere_of(zone) == "south"


@pytest.mark.parametrize("zone", [*NORTH, "UTC", "Etc/GMT-3"])
def test_seasons_follow_the_north_elsewhere(zone: str) -> None:
    assert hemisphere_of(zone) == "north"
