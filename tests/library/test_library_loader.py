"""The exercise-library loader: a valid file loads, and every mistake is named at its line:col."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from bot.library import (
    Category,
    Cost,
    Kind,
    LibraryError,
    Season,
    category_name,
    check_library,
    load_library,
)
from bot.library.schema import MinuteRange
from bot.texts import Texts

VALID = dedent(
    """\
    version: 1
    prompts:
      - id: dream-house
        category: dreams
        depth: 2
        mode: talk
        text: "  What would your dream house look like?  "
        follow_up: "Draw it together."
    exercises:
      - id: three-things
        title: "Three things round"
        category: appreciation
        depth: 1
        minutes: 10
        why: "Naming what you value makes it easier to notice."
        steps:
          - "Sit facing each other."
          - "Take turns naming one thing."
    activities:
      - id: phone-free-walk
        title: "A walk without phones"
        invitation: "Fancy a walk without phones?"
        description: "Leave the phones at home and wander."
        minutes: [30, 60]
        cost: free
        place: out
        energy: active
        season: [spring, summer]
        tags: [outdoors, talk]
      - id: board-game-night
        title: "Board game night"
        invitation: "Up for a board game night?"
        description: "Dust off a game."
        minutes: 90
        cost: low
        place: home
        energy: calm
"""
)


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercises.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, texts: Texts) -> list[str]:
    library, errors = check_library(write(tmp_path, text), texts)
    assert (library is None) == bool(errors)
    return errors


def test_a_valid_file_loads_every_kind_with_lookup_by_id(tmp_path: Path, texts: Texts) -> None:
    library = load_library(write(tmp_path, VALID), texts)

    assert [p.id for p in library.prompts] == ["dream-house"]
    assert [e.id for e in library.entries(Kind.EXERCISE)] == ["three-things"]
    assert [a.id for a in library.entries("activity")] == ["phone-free-walk", "board-game-night"]
    assert library.categories() == (Category.APPRECIATION, Category.DREAMS)
    assert library.counts() == {Kind.PROMPT: 1, Kind.EXERCISE: 1, Kind.ACTIVITY: 2}
    walk = library.get("phone-free-walk")
    assert walk is not None
    assert walk.kind is Kind.ACTIVITY
    assert "board-game-night" in library
    assert library.get("nope") is None


def test_values_are_stripped_and_typed(tmp_path: Path, texts: Texts) -> None:
    library = load_library(write(tmp_path, VALID), texts)

    assert library.prompts[0].text == "What would your dream house look like?"
    walk, games = library.activities
    assert walk.minutes == MinuteRange(30, 60)
    assert games.minutes == MinuteRange(90, 90)
    assert walk.season == (Season.SPRING, Season.SUMMER)
    assert games.season is None
    assert games.cost is Cost.LOW
    assert games.tags == ()
    assert library.exercises[0].steps[1] == "Take turns naming one thing."


def test_every_category_has_a_display_name(texts: Texts) -> None:
    assert category_name(texts, "dreams") == "Dreams & future"
    assert category_name(texts, Category.CLOSENESS) == "Intimacy & closeness"
    assert all(category_name(texts, c) for c in Category)


def test_a_wrong_depth_points_at_the_field(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("depth: 2", "depth: 4")

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:5:5: prompt 'dream-house': depth must be 1, 2 or 3 (got 4)"
    ]


def test_a_missing_field_points_at_the_entry(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace('    title: "Three things round"\n', "")

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:10:5: exercise 'three-things': missing field 'title'"
    ]


def test_unknown_fields_are_named_with_a_suggestion_or_the_allowed_ones(
    tmp_path: Path, texts: Texts
) -> None:
    text = VALID.replace("follow_up:", "folow_up:").replace("tags:", "labels:")

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:8:5: prompt 'dream-house': unknown field 'folow_up'; "
        "did you mean 'follow_up'?",
        "exercises.yaml:29:5: activity 'phone-free-walk': unknown field 'labels' (allowed: id, "
        "title, invitation, description, apart, minutes, cost, place, energy, season, tags)",
    ]


def test_wrong_types_are_named_with_the_value_given(tmp_path: Path, texts: Texts) -> None:
    text = (
        VALID.replace('follow_up: "Draw it together."', "follow_up: 3")
        .replace("depth: 1", 'depth: "1"')
        .replace("minutes: 10", "minutes: 2.5")
        .replace("tags: [outdoors, talk]", "tags: {a: 1}")
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:8:5: prompt 'dream-house': follow_up must be text (got 3)",
        "exercises.yaml:13:5: exercise 'three-things': depth must be 1, 2 or 3 (got '1')",
        "exercises.yaml:14:5: exercise 'three-things': minutes must be a whole number (got 2.5)",
        "exercises.yaml:29:5: activity 'phone-free-walk': tags must be a list (got a mapping)",
    ]


def test_wrong_enum_values_list_the_allowed_ones(tmp_path: Path, texts: Texts) -> None:
    text = (
        VALID.replace("category: dreams", "category: dream")
        .replace("mode: talk", "mode: sing")
        .replace("cost: low", "cost: cheap")
        .replace("season: [spring, summer]", "season: [spring, summertime]")
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:4:5: prompt 'dream-house': category must be appreciation, memories, "
        "dreams, daily-life, feelings, fun, values, closeness or team (got 'dream')",
        "exercises.yaml:6:5: prompt 'dream-house': mode must be talk, write or do (got 'sing')",
        "exercises.yaml:28:22: activity 'phone-free-walk': season #2 must be spring, summer, "
        "autumn or winter (got 'summertime')",
        "exercises.yaml:35:5: activity 'board-game-night': cost must be free, low, medium or high "
        "(got 'cheap')",
    ]


def test_empty_and_blank_texts_are_refused(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace('"Draw it together."', '""').replace('"Sit facing each other."', '"   "')

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:8:5: prompt 'dream-house': follow_up must not be empty",
        "exercises.yaml:17:9: exercise 'three-things': steps #1 must not be empty",
    ]


def test_over_long_texts_give_their_length_and_the_limit(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("What would your dream house look like?", "x" * 201).replace(
        "Board game night", "B" * 61
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:7:5: prompt 'dream-house': text is 201 characters long; the limit is 200",
        "exercises.yaml:31:5: activity 'board-game-night': title is 61 characters long; "
        "the limit is 60",
    ]


def test_bad_ids_and_tags_are_explained(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("id: dream-house", "id: Dream House").replace(
        "[outdoors, talk]", "[outdoors, Talk Talk]"
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:3:5: prompt 'Dream House': id must be 3 to 48 characters of a-z, 0-9 "
        "and '-', not starting or ending with '-' (got 'Dream House')",
        "exercises.yaml:29:22: activity 'phone-free-walk': tags #2 must be a short lowercase "
        "word of a-z, 0-9 and '-' (got 'Talk Talk')",
    ]


def test_duplicate_ids_across_kinds_name_the_first_place(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("id: board-game-night", "id: dream-house").replace(
        "id: three-things", "id: phone-free-walk"
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:20:5: activity 'phone-free-walk': this id is already used by the "
        "exercise at line 10, column 5",
        "exercises.yaml:30:5: activity 'dream-house': this id is already used by the prompt "
        "at line 3, column 5",
    ]


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("[90, 30]", "minutes range must go from the smaller to the larger number (got [90, 30])"),
        ("[30]", "minutes must be a whole number or a range [min, max] (got [30])"),
        ("long", "minutes must be a whole number or a range [min, max] (got 'long')"),
        ("0", "minutes must be between 1 and 10080 (got 0)"),
        ("[60, 20000]", "minutes must be between 1 and 10080 (got [60, 20000])"),
    ],
)
def test_bad_activity_minutes_are_explained(
    tmp_path: Path, texts: Texts, minutes: str, message: str
) -> None:
    text = VALID.replace("minutes: [30, 60]", f"minutes: {minutes}")

    assert problems(tmp_path, text, texts) == [
        f"exercises.yaml:24:5: activity 'phone-free-walk': {message}"
    ]


def test_list_sizes_and_repeated_items_are_checked(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace('      - "Take turns naming one thing."\n', "").replace(
        "season: [spring, summer]", "season: [spring, spring]"
    )

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:16:5: exercise 'three-things': steps must have at least 2 (got 1)",
        "exercises.yaml:27:5: activity 'phone-free-walk': season lists 'spring' more than once",
    ]


def test_an_entry_that_is_not_a_mapping_is_named_by_number(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("exercises:\n", 'exercises:\n  - "just a sentence"\n')

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:10:5: exercise #1: an entry must be a mapping of fields "
        "(got 'just a sentence')"
    ]


def test_an_entry_without_an_id_is_named_by_number(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("  - id: board-game-night\n    title:", "  - title:")

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:30:5: activity #2: missing field 'id'"
    ]


def test_top_level_problems_are_reported(tmp_path: Path, texts: Texts) -> None:
    text = "version: 2\npromts: []\nexercises: {}\n"

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:1:1: version must be 1 (got 2)",
        "exercises.yaml:2:1: unknown top-level key 'promts' (allowed: version, prompts, "
        "exercises, activities)",
        "exercises.yaml:3:1: exercises must be a list of entries (got a mapping)",
    ]


def test_a_top_level_list_or_an_empty_file_is_refused(tmp_path: Path, texts: Texts) -> None:
    assert problems(tmp_path, "- a\n- b\n", texts) == [
        "exercises.yaml:1:1: the top level must be a mapping with the keys prompts, exercises "
        "and activities (got ['a', 'b'])"
    ]
    assert problems(tmp_path, "# nothing yet\n", texts) == [
        "exercises.yaml:1:1: the file is empty; expected the keys prompts, exercises and activities"
    ]


def test_a_key_given_twice_is_reported_not_silently_overwritten(
    tmp_path: Path, texts: Texts
) -> None:
    text = VALID.replace("    mode: talk\n", "    mode: talk\n    depth: 3\n") + "prompts: []\n"

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:7:5: prompt 'dream-house': 'depth' is given twice "
        "(first at line 5, column 5)",
        "exercises.yaml:39:1: 'prompts' is given twice (first at line 2, column 1)",
    ]


def test_a_yaml_syntax_error_gives_its_line_and_column(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace('"  What would your dream house look like?  "', '"She said "hi" there"')

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:7:22: not valid YAML: while parsing a block mapping, expected <block end>, "
        "but found '<scalar>'"
    ]


def test_a_broken_indent_is_a_syntax_error_with_its_line(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace("    depth: 2\n", "   depth: 2\n")

    [error] = problems(tmp_path, text, texts)

    assert error.startswith("exercises.yaml:5:")
    assert "not valid YAML" in error


def test_unsafe_yaml_tags_are_refused_not_executed(tmp_path: Path, texts: Texts) -> None:
    text = VALID.replace('"Draw it together."', "!!python/name:os.system")

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:8:16: cannot read this value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.system'"
    ]


def test_every_problem_is_collected_in_one_run(tmp_path: Path, texts: Texts) -> None:
    text = """\
        prompts:
          - id: first-prompt
            category: fun
            depth: 0
            text: "Hello?"
            extra: yes
          - id: second-prompt
            depth: 1
            text: 42
        exercises:
          - id: first-prompt
            title: "A"
            category: team
            depth: 1
            minutes: 500
            steps: ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        activities:
          - id: x
    """

    assert problems(tmp_path, text, texts) == [
        "exercises.yaml:4:5: prompt 'first-prompt': depth must be 1, 2 or 3 (got 0)",
        "exercises.yaml:6:5: prompt 'first-prompt': unknown field 'extra' (allowed: id, "
        "category, depth, deck, sensitive, mode, text, follow_up)",
        "exercises.yaml:7:5: prompt 'second-prompt': missing field 'category'",
        "exercises.yaml:9:5: prompt 'second-prompt': text must be text (got 42)",
        "exercises.yaml:11:5: exercise 'first-prompt': this id is already used by the prompt "
        "at line 2, column 5",
        "exercises.yaml:15:5: exercise 'first-prompt': minutes must be at most 120 (got 500)",
        "exercises.yaml:16:5: exercise 'first-prompt': steps must have at most 8 (got 9)",
        "exercises.yaml:18:5: activity 'x': id must be 3 to 48 characters of a-z, 0-9 and '-', "
        "not starting or ending with '-' (got 'x')",
        "exercises.yaml:18:5: activity 'x': missing field 'title'",
        "exercises.yaml:18:5: activity 'x': missing field 'invitation'",
        "exercises.yaml:18:5: activity 'x': missing field 'description'",
        "exercises.yaml:18:5: activity 'x': missing field 'minutes'",
        "exercises.yaml:18:5: activity 'x': missing field 'cost'",
        "exercises.yaml:18:5: activity 'x': missing field 'place'",
        "exercises.yaml:18:5: activity 'x': missing field 'energy'",
    ]


def test_load_library_raises_with_every_problem(tmp_path: Path, texts: Texts) -> None:
    path = write(tmp_path, VALID.replace("depth: 2", "depth: 9").replace("cost: free", "cost: 0"))

    with pytest.raises(LibraryError) as caught:
        load_library(path, texts)

    assert len(caught.value.errors) == 2
    assert str(caught.value) == "\n".join(caught.value.errors)


def test_a_missing_file_is_one_clear_problem(tmp_path: Path, texts: Texts) -> None:
    library, errors = check_library(tmp_path / "nope.yaml", texts)

    assert library is None
    assert errors == [f"{tmp_path / 'nope.yaml'}: cannot read the file (No such file or directory)"]


def test_sections_may_be_absent_or_empty(tmp_path: Path, texts: Texts) -> None:
    library = load_library(write(tmp_path, "prompts:\nactivities: []\n"), texts)

    assert library.counts() == {Kind.PROMPT: 0, Kind.EXERCISE: 0, Kind.ACTIVITY: 0}
