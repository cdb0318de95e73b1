"""Season choice on plain values: the date's season in the zone's hemisphere."""

from __future__ import annotations

from datetime import date

import pytest

from bot.features.activities.rules import hemisphere_of
from bot.library.activities import season_of
from bot.library.schema import Season


@pytest.mark.parametrize(
    ("day", "north", "south"),
    [
        (date(2026, 1, 15), Season.WINTER, Season.SUMMER),
        (date(2026, 4, 1), Season.SPRING, Season.AUTUMN),
        (date(2026, 7, 31), Season.SUMMER, Season.WINTER),
        (date(2026, 11, 30), Season.AUTUMN, Season.SPRING),
        (date(2026, 12, 1), Season.WINTER, Season.SUMMER),
    ],
)
def test_the_season_of_a_date_flips_south_of_the_equator(
    day: date, north: Season, south: Season
) -> None:
    assert season_of(day, "north") == north
    assert season_of(day, "south") == south


@pytest.mark.parametrize(
    ("zone", "season"),
    [
        ("Europe/Berlin", Season.SUMMER),
        ("America/Punta_Arenas", Season.WINTER),
        ("Australia/Sydney", Season.WINTER),
        ("Asia/Singapore", Season.SUMMER),
        ("UTC", Season.SUMMER),
    ],
)
def test_a_couples_zone_picks_the_season_they_live_in(zone: str, season: Season) -> None:
    assert season_of(date(2026, 7, 1), hemisphere_of(zone)) == season
