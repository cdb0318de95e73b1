"""The activity picker: filters, seasons, variety and no repeats until all were suggested."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.library import (
    Activity,
    Cost,
    Library,
    Place,
    Season,
    load_library,
    pick_activities,
    season_of,
)
from bot.library.activities import fits

SHIPPED = Path(__file__).resolve().parents[2] / "exercises.yaml"


def activity(activity_id: str, **fields: object) -> Activity:
    values: dict[str, object] = {
        "id": activity_id,
        "title": activity_id.replace("-", " ").title(),
        "invitation": "Fancy doing something together?",
        "description": "Something to do together.",
        "minutes": 60,
        "cost": "free",
        "place": "home",
        "energy": "calm",
    }
    values.update(fields)
    return Activity.model_validate(values)


ACTIVITIES = Library(
    activities=(
        activity("puzzle-night"),
        activity("board-games", cost="low"),
        activity("long-walk", place="out", energy="active", minutes=[45, 90]),
        activity("picnic", place="either", season=["spring", "summer"], cost="low"),
        activity("ice-skating", place="out", energy="active", season=["winter"], cost="medium"),
        activity("spa-weekend", place="out", cost="high", minutes=[1440, 2880]),
        activity("dance-class", place="out", energy="active", cost="medium", minutes=75),
        activity("cook-together", place="home", energy="active", minutes=[60, 120]),
    )
)


@pytest.mark.parametrize(
    ("day", "north", "south"),
    [
        (date(2025, 12, 1), Season.WINTER, Season.SUMMER),
        (date(2025, 2, 28), Season.WINTER, Season.SUMMER),
        (date(2025, 3, 1), Season.SPRING, Season.AUTUMN),
        (date(2025, 7, 15), Season.SUMMER, Season.WINTER),
        (date(2025, 11, 30), Season.AUTUMN, Season.SPRING),
    ],
)
def test_seasons_follow_the_month_and_the_hemisphere(
    day: date, north: Season, south: Season
) -> None:
    assert season_of(day) == north
    assert season_of(day, "south") == south


def test_cost_is_a_budget_and_either_place_fits_both() -> None:
    picnic = ACTIVITIES.get("picnic")
    assert isinstance(picnic, Activity)

    assert fits(picnic, cost="low")
    assert fits(picnic, cost=Cost.HIGH)
    assert not fits(picnic, cost="free")
    assert fits(picnic, place="home")
    assert fits(picnic, place=Place.OUT)
    assert not fits(picnic, energy="active")
    assert not fits(picnic, season=Season.WINTER)
    assert fits(picnic, season=Season.SUMMER, max_minutes=60)


def test_filters_narrow_the_suggestion() -> None:
    chosen = pick_activities(
        ACTIVITIES, count=5, cost="medium", place="out", energy="active", seed=1
    )

    assert {a.id for a in chosen.activities} == {"long-walk", "ice-skating", "dance-class"}
    assert not chosen.new_cycle


def test_seasonal_activities_only_in_their_season() -> None:
    winter = pick_activities(ACTIVITIES, count=8, season_for=date(2025, 1, 10), seed=1)
    july_south = pick_activities(
        ACTIVITIES, count=8, season_for=date(2025, 7, 10), hemisphere="south", seed=1
    )
    summer = pick_activities(ACTIVITIES, count=8, season_for=date(2025, 7, 10), seed=1)

    assert "ice-skating" in {a.id for a in winter.activities}
    assert "picnic" not in {a.id for a in winter.activities}
    assert "ice-skating" in {a.id for a in july_south.activities}
    assert "picnic" in {a.id for a in summer.activities}
    assert "ice-skating" not in {a.id for a in summer.activities}


def test_max_minutes_keeps_what_fits_in_the_time() -> None:
    chosen = pick_activities(ACTIVITIES, count=8, max_minutes=60, seed=1)

    assert "spa-weekend" not in {a.id for a in chosen.activities}
    assert "long-walk" in {a.id for a in chosen.activities}


def test_three_suggestions_differ_in_place_and_energy_when_they_can() -> None:
    for seed in range(20):
        chosen = pick_activities(ACTIVITIES, seed=seed)
        shapes = {(a.place, a.energy) for a in chosen.activities}
        assert len(chosen.activities) == 3
        assert len(shapes) == 3


def test_no_activity_is_suggested_twice_until_all_were() -> None:
    used: list[str] = []
    seen: list[str] = []
    for number in range(3):
        chosen = pick_activities(ACTIVITIES, used=used, seed=number)
        if chosen.new_cycle:
            used = []
        ids = [a.id for a in chosen.activities]
        used.extend(ids)
        seen.extend(ids)

    assert len(seen) == 9
    assert sorted(seen[:8]) == sorted(a.id for a in ACTIVITIES.activities)
    assert len(set(seen[6:9])) == 3


def test_a_new_cycle_offers_the_leftovers_first_and_says_so() -> None:
    used = [a.id for a in ACTIVITIES.activities if a.id != "picnic"]

    chosen = pick_activities(ACTIVITIES, used=used, seed=4)

    assert chosen.new_cycle
    assert chosen.activities[0].id == "picnic"
    assert len({a.id for a in chosen.activities}) == 3


def test_nothing_fitting_gives_an_empty_suggestion() -> None:
    chosen = pick_activities(ACTIVITIES, cost="free", energy="calm", place="out", seed=1)

    assert chosen.activities == ()
    assert not chosen.new_cycle


def test_the_same_seed_gives_the_same_suggestion() -> None:
    first = pick_activities(ACTIVITIES, seed=99, used=["puzzle-night"])

    assert first == pick_activities(ACTIVITIES, seed=99, used=["puzzle-night"])
    assert [a.id for a in first.activities] == ["picnic", "dance-class", "board-games"]


@pytest.mark.skipif(not SHIPPED.exists(), reason="exercises.yaml is not there yet")
def test_the_shipped_activities_offer_something_for_every_filter() -> None:
    library = load_library(SHIPPED)
    for cost in ("free", "low", "medium", "high"):
        for place in ("home", "out"):
            for month in (1, 4, 7, 10):
                chosen = pick_activities(
                    library, cost=cost, place=place, season_for=date(2025, month, 5), seed=month
                )
                assert len(chosen.activities) == 3, (cost, place, month)
