"""Exercise evenings' pure rules: /exercises' words, the day, series part by part, steps."""

from __future__ import annotations

from datetime import date

import pytest

from bot.features.exercise.rules import (
    EVENINGS_PROBLEMS,
    EveningsChoice,
    evening_exercise,
    is_exercise_evening,
    next_in_series,
    parse_evenings,
    series_start,
    step_refused,
    weekday_has_no_evening,
)
from bot.library.picker import History, Preferences
from bot.library.schema import Exercise, Library, Prompt
from bot.schedule.parse import Problem
from tests.conftest import ROOT, shipped_content
from tests.small_library import EXERCISE, PROMPT

PARTS = tuple(
    Exercise.model_validate(
        {**EXERCISE, "id": f"ex-deep-{n}", "series": "deep", "part": n, "depth": 1}
    )
    for n in (1, 2, 3)
)
ALONE = Exercise.model_validate(EXERCISE)
LIBRARY = Library(exercises=(*PARTS, ALONE))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", EveningsChoice()),
        ("off", EveningsChoice(enabled=False)),
        ("ON", EveningsChoice(enabled=True)),
        ("sunday", EveningsChoice(enabled=True, weekday=6)),
        ("Wed", EveningsChoice(enabled=True, weekday=2)),
    ],
)
def test_exercises_reads_on_off_and_one_day(text: str, expected: EveningsChoice) -> None:
    assert parse_evenings(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [("someday", "exercise.evenings_unreadable"), ("weekends", "exercise.evenings_one_day")],
)
def test_exercises_explains_what_it_could_not_read(text: str, key: str) -> None:
    found = parse_evenings(text)
    assert isinstance(found, Problem) and found.key == key


def test_the_exercise_evening_falls_on_the_chosen_local_weekday_only_when_on() -> None:
    sunday, monday = date(2026, 11, 29), date(2026, 11, 30)

    assert is_exercise_evening(True, 6, sunday)
    assert not is_exercise_evening(True, 6, monday)
    assert not is_exercise_evening(False, 6, sunday)


def test_a_weekday_outside_the_chats_days_has_no_evening_to_turn_into_an_exercise() -> None:
    weekdays = 0b0011111
    assert weekday_has_no_evening(weekdays, 6)
    assert not weekday_has_no_evening(weekdays, 2)


def test_a_series_goes_on_from_the_part_used_last() -> None:
    exercises = LIBRARY.exercises

    assert next_in_series(exercises, []) is None
    assert next_in_series(exercises, ["ex-deep-1"]) == PARTS[1]
    assert next_in_series(exercises, ["ex-deep-1", ALONE.id, "ex-deep-2"]) == PARTS[2]
    assert next_in_series(exercises, ["ex-deep-1", "ex-deep-2", "ex-deep-3"]) is None
    # Begun again after finishing it: on from the part used last.
    assert (
        next_in_series(exercises, ["ex-deep-1", "ex-deep-2", "ex-deep-3", "ex-deep-1"]) == PARTS[1]
    )


def test_a_series_drawn_at_any_part_starts_at_its_first() -> None:
    assert series_start(LIBRARY.exercises, PARTS[2]) == PARTS[0]
    assert series_start(LIBRARY.exercises, ALONE) == ALONE


def test_tonights_exercise_is_the_next_part_before_any_fresh_pick() -> None:
    following = evening_exercise(
        LIBRARY, History(), Preferences(), seed=1, used=["ex-deep-1", "ex-deep-2"]
    )
    fresh = [
        evening_exercise(LIBRARY, History(), Preferences(), seed=seed, used=[])
        for seed in range(20)
    ]

    assert following is not None and following.entry == PARTS[2]
    assert {p.entry.id for p in fresh if p is not None} <= {PARTS[0].id, ALONE.id}


def test_no_eligible_exercise_leaves_the_evening_to_a_question() -> None:
    only_prompts = Library(prompts=(Prompt.model_validate(PROMPT),))

    assert evening_exercise(only_prompts, History(), Preferences(), seed=1, used=[]) is None


@pytest.mark.parametrize(
    ("entry", "number", "together", "superseded", "key"),
    [
        (ALONE, 1, False, False, None),
        (ALONE, 3, False, False, None),
        (ALONE, 4, False, False, "exercise.evening_gone"),
        (ALONE, 0, False, False, "exercise.evening_gone"),
        (None, 1, False, False, "exercise.evening_gone"),
        (ALONE, 2, False, True, "exercise.evening_passed"),
        (ALONE, 2, True, False, "exercise.evening_done"),
    ],
)
def test_a_step_press_is_shown_only_for_a_real_step_of_an_open_exercise_evening(
    entry: Exercise | None, number: int, together: bool, superseded: bool, key: str | None
) -> None:
    assert step_refused(entry, number, together=together, superseded=superseded) == key


def test_every_problem_exercises_names_has_a_template_with_those_placeholders() -> None:
    texts = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml").texts
    for key, names in EVENINGS_PROBLEMS.items():
        assert texts.placeholders(key) == names
