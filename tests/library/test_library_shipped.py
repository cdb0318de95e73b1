"""The shipped exercises.yaml: valid, big and varied enough, inclusive, and free of repeats."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.library import Kind, Library, check_library, near_duplicates
from bot.library.similarity import entry_text
from bot.texts import Texts

SHIPPED = Path(__file__).resolve().parents[2] / "exercises.yaml"

pytestmark = pytest.mark.skipif(not SHIPPED.exists(), reason="exercises.yaml is not there yet")


@pytest.fixture(scope="module")
def shipped() -> Library:
    library, errors = check_library(SHIPPED, Texts.load())
    assert errors == []
    assert library is not None
    return library


def test_the_shipped_library_validates_with_no_errors() -> None:
    library, errors = check_library(SHIPPED, Texts.load())

    assert errors == []
    assert library is not None


def test_there_is_a_prompt_for_every_evening_of_a_year_over_many_categories(
    shipped: Library,
) -> None:
    assert len(shipped.prompts) >= 365
    assert len({p.category for p in shipped.prompts}) >= 8


def test_prompts_cover_every_depth_with_light_ones_the_largest_share(shipped: Library) -> None:
    depths = Counter(p.depth for p in shipped.prompts)

    assert set(depths) == {1, 2, 3}
    assert depths[1] > depths[2]
    assert depths[1] > depths[3]


def test_there_are_enough_guided_exercises(shipped: Library) -> None:
    assert len(shipped.exercises) >= 30


def test_activities_are_spread_over_cost_place_and_energy(shipped: Library) -> None:
    activities = shipped.activities

    assert len(activities) >= 80
    assert {a.cost.value for a in activities} == {"free", "low", "medium", "high"}
    assert {a.place.value for a in activities} >= {"home", "out"}
    assert {a.energy.value for a in activities} == {"calm", "active"}


def test_activities_range_from_a_quarter_hour_to_a_weekend(shipped: Library) -> None:
    assert min(a.minutes.low for a in shipped.activities) <= 15
    assert max(a.minutes.high for a in shipped.activities) >= 2 * 24 * 60


def test_no_two_entries_say_the_same_thing(shipped: Library) -> None:
    assert near_duplicates(shipped) == []


def test_every_couple_is_addressed_without_gendered_roles(shipped: Library) -> None:
    gendered = re.compile(r"\b(husband|wife|wives|boyfriend|girlfriend)s?\b", re.IGNORECASE)
    offending = [
        entry.id
        for kind in Kind
        for entry in shipped.entries(kind)
        if gendered.search(" ".join((entry_text(entry), *_extra_texts(entry))))
    ]

    assert offending == []


def _extra_texts(entry: object) -> tuple[str, ...]:
    return tuple(
        value
        for name in ("follow_up", "why", "invitation", "apart")
        if isinstance(value := getattr(entry, name, None), str)
    )


# Imperative openings a title must not have: a title is read inside sentences ("Did you get to
# {title}?"), so it is a noun phrase, and the invitation is the sentence that offers it.
IMPERATIVES = frozenset(
    [
        "go",
        "learn",
        "build",
        "catch",
        "read",
        "grow",
        "cook",
        "volunteer",
        "try",
        "pick",
        "fold",
        "bake",
        "make",
        "send",
        "ride",
        "fly",
        "fix",
        "write",
        "paint",
        "find",
        "wander",
        "plan",
        "listen",
        "revisit",
        "watch",
        "take",
        "play",
        "visit",
        "sign",
        "join",
        "book",
    ]
)


def test_every_activity_has_a_noun_title_and_an_invitation_that_asks(shipped: Library) -> None:
    imperative = [a.id for a in shipped.activities if a.title.split()[0].lower() in IMPERATIVES]
    not_asking = [a.id for a in shipped.activities if not a.invitation.endswith("?")]

    assert imperative == []
    assert not_asking == []


def test_at_least_25_activities_say_how_to_do_them_apart(shipped: Library) -> None:
    apart = [a for a in shipped.activities if a.apart]
    in_description = [a.id for a in shipped.activities if re.search(r"\bapart\b", a.description)]

    assert len(apart) >= 25
    assert in_description == []


def test_light_prompts_assume_no_shared_bed_and_no_childhood_home(shipped: Library) -> None:
    assuming = re.compile(r"\b(bed|bedtime|grew up in|home you grew up)\b", re.IGNORECASE)

    assert [p.id for p in shipped.prompts if p.depth == 1 and assuming.search(p.text)] == []


def test_charged_everyday_entries_are_marked_sensitive_and_never_rated_light(
    shipped: Library,
) -> None:
    talk = (*shipped.prompts, *shipped.exercises)
    sensitive = [e for e in talk if e.sensitive and e.deck is None]

    assert len(sensitive) >= 15
    assert [e.id for e in sensitive if e.depth == 1] == []


def test_one_quote_style_and_british_spelling_throughout(shipped: Library) -> None:
    american = re.compile(
        r"\b(favor|color|colors|recognize|cozy|organize|neighbor|center|theater|mom)\b|"
        r"\b\w+(?:ization|izing)\b|favorite",
        re.IGNORECASE,
    )
    offending = [
        entry.id
        for kind in Kind
        for entry in shipped.entries(kind)
        for text in (entry_text(entry), *_extra_texts(entry))
        if "‘" in text or "’" in text or "“" in text or american.search(text)
    ]

    assert offending == []
