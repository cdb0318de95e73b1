"""Choose joint activities to suggest when a chat has gone quiet: pure and deterministic.

Filters: ``cost`` is a budget (``low`` also offers free activities), ``place`` ``home`` or ``out``
also offers activities marked ``either``, ``energy`` must match, ``max_minutes`` keeps those that
can be done in that time, ``longest`` leaves out activities that may take longer (a weekday
evening offers nothing over four hours), and ``season_for`` keeps activities without a season
list or whose list holds the season of that date (meteorological seasons; ``region="south"``
flips them). In the tropics (``region="tropics"``) it is summer all year as far as activities
go: nothing that needs a winter or an autumn (a snow day, a leaf hunt), and nothing tagged
``snow``.

Like prompts, an activity is not suggested again until every fitting one was suggested. When
fewer than ``count`` unused ones are left, the rest of the old cycle is offered first and the
suggestion is filled up from the start of a new cycle (``new_cycle=True``): the caller then
replaces its used list with the ids of this suggestion. Within one suggestion the picker
prefers activities that differ in place and energy, so three choices feel like three choices.

A couple living apart (``prefer_apart``, /distance on) is offered activities that say how to do
them apart first; the others fill up a suggestion only when too few such ones fit.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.library.schema import Activity, Cost, Energy, Library, Place, Season

Hemisphere = Literal["north", "south"]
# Where a couple lives, for the seasons: a hemisphere, or the tropics (no winter at all).
Region = Literal["north", "south", "tropics"]
TROPICS_ONLY_NOT = frozenset({"snow"})  # tags of activities the tropics never get

_NORTH_SEASONS = (Season.WINTER, Season.SPRING, Season.SUMMER, Season.AUTUMN)
_COST_ORDER = tuple(Cost)


@dataclass(frozen=True)
class ActivityPick:
    """The suggested activities, and whether the caller must start a new used list."""

    activities: tuple[Activity, ...]
    new_cycle: bool = False
    apart: bool = False  # chosen for a couple apart: show each activity's apart variant


def season_of(day: date, hemisphere: Region = "north") -> Season:
    """The meteorological season of a date (winter is December to February in the north;
    summer all year in the tropics)."""
    if hemisphere == "tropics":
        return Season.SUMMER
    index = (day.month % 12) // 3  # Dec-Feb 0, Mar-May 1, Jun-Aug 2, Sep-Nov 3
    if hemisphere == "south":
        index = (index + 2) % 4
    return _NORTH_SEASONS[index]


def fits(
    activity: Activity,
    *,
    cost: Cost | str | None = None,
    place: Place | str | None = None,
    energy: Energy | str | None = None,
    max_minutes: int | None = None,
    longest: int | None = None,
    season: Season | None = None,
    tropics: bool = False,
) -> bool:
    """Tell whether an activity passes the filters (None means no filter)."""
    if cost is not None and _COST_ORDER.index(activity.cost) > _COST_ORDER.index(Cost(cost)):
        return False
    wanted_place = Place(place) if place is not None else Place.EITHER
    if wanted_place != Place.EITHER and activity.place not in (wanted_place, Place.EITHER):
        return False
    if energy is not None and activity.energy != Energy(energy):
        return False
    if max_minutes is not None and activity.minutes.low > max_minutes:
        return False
    if longest is not None and activity.minutes.high > longest:
        return False
    if tropics and TROPICS_ONLY_NOT.intersection(activity.tags):
        return False
    return season is None or activity.season is None or season in activity.season


def pick_activities(
    library: Library,
    *,
    count: int = 3,
    used: Collection[str] = (),
    cost: Cost | str | None = None,
    place: Place | str | None = None,
    energy: Energy | str | None = None,
    max_minutes: int | None = None,
    longest: int | None = None,
    season_for: date | None = None,
    hemisphere: Region = "north",
    prefer_apart: bool = False,
    seed: int,
) -> ActivityPick:
    """Choose up to ``count`` different activities that fit the filters."""
    season = season_of(season_for, hemisphere) if season_for is not None else None
    fitting = sorted(
        (
            a
            for a in library.activities
            if fits(
                a,
                cost=cost,
                place=place,
                energy=energy,
                max_minutes=max_minutes,
                longest=longest,
                season=season,
                tropics=hemisphere == "tropics",
            )
        ),
        key=lambda a: a.id,
    )
    if prefer_apart:
        # Enough that can be done apart to fill a suggestion: the cycle runs over those alone.
        apart = [a for a in fitting if a.apart is not None]
        if len(apart) >= count:
            fitting = apart
    rng = random.Random(seed)
    used_ids = set(used)
    unused = [a for a in fitting if a.id not in used_ids]
    if len(unused) >= count:
        return ActivityPick(_apart_first(unused, count, rng, prefer_apart), apart=prefer_apart)
    chosen = _apart_first(unused, len(unused), rng, prefer_apart)
    if not fitting or len(unused) == len(fitting):
        return ActivityPick(chosen, apart=prefer_apart)
    rest = [a for a in fitting if a not in chosen]
    more = _apart_first(rest, count - len(chosen), rng, prefer_apart)
    return ActivityPick(chosen + more, new_cycle=True, apart=prefer_apart)


def _apart_first(
    candidates: list[Activity], count: int, rng: random.Random, prefer_apart: bool
) -> tuple[Activity, ...]:
    """``_varied``, taking the activities that can be done apart first when asked to."""
    if not prefer_apart:
        return _varied(candidates, count, rng)
    lead = _varied([a for a in candidates if a.apart is not None], count, rng)
    rest = [a for a in candidates if a.apart is None]
    return lead + _varied(rest, count - len(lead), rng)


def _varied(candidates: list[Activity], count: int, rng: random.Random) -> tuple[Activity, ...]:
    order = list(candidates)
    rng.shuffle(order)
    chosen: list[Activity] = []
    for strict in (True, False):
        for activity in order:
            if len(chosen) >= count:
                return tuple(chosen)
            shapes = {(a.place, a.energy) for a in chosen}
            if activity in chosen or (strict and (activity.place, activity.energy) in shapes):
                continue
            chosen.append(activity)
    return tuple(chosen)
