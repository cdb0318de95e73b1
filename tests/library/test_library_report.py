"""What `quality-time validate` prints, live reloads, near-duplicates, and the library's words."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

import bot.library
from bot.library import (
    Category,
    Kind,
    LibraryError,
    LibraryHolder,
    load_library,
    near_duplicates,
    summary,
    validate_command,
)
from bot.texts import Texts, check_references

LIBRARY_DIR = Path(bot.library.__file__).parent

SMALL = dedent(
    """\
    prompts:
      - {id: light-one, category: fun, depth: 1, text: "What made you laugh today?"}
      - {id: light-two, category: team, depth: 1, text: "Which chore could you swap this week?"}
      - {id: deep-one, category: feelings, depth: 3, text: "When did you last feel lonely?"}
    exercises:
      - id: three-things
        title: "Three things round"
        category: appreciation
        depth: 2
        minutes: 10
        steps: ["Sit facing each other.", "Name one thing each."]
    activities:
      - id: walk
        title: "A walk"
        invitation: "Fancy a walk?"
        description: "Wander."
        minutes: 15
        cost: free
        place: out
        energy: active
      - id: spa-weekend
        title: "A spa weekend"
        invitation: "Fancy a spa weekend?"
        description: "Go away."
        minutes: [1440, 2880]
        cost: high
        place: out
        energy: calm
    """
)


@pytest.fixture(scope="module")
def texts() -> Texts:
    return Texts.load()


def test_the_summary_counts_by_kind_category_depth_and_activity_facets(
    tmp_path: Path, texts: Texts
) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(SMALL, encoding="utf-8")

    assert summary(load_library(path, texts), texts) == dedent(
        """\
        exercises.yaml: 3 prompts, 1 exercises, 2 activities
        Prompts by category and depth (light / personal / deep; sensitive ones in brackets):
          Appreciation: 0 / 0 / 0
          Memories: 0 / 0 / 0
          Dreams & future: 0 / 0 / 0
          Daily life: 0 / 0 / 0
          Feelings: 0 / 0 / 1
          Fun & play: 1 / 0 / 0
          Values: 0 / 0 / 0
          Intimacy & closeness: 0 / 0 / 0
          Us as a team: 1 / 0 / 0
          All: 2 / 0 / 1
        Exercises by category and depth (light / personal / deep; sensitive ones in brackets):
          Appreciation: 0 / 1 / 0
          Memories: 0 / 0 / 0
          Dreams & future: 0 / 0 / 0
          Daily life: 0 / 0 / 0
          Feelings: 0 / 0 / 0
          Fun & play: 0 / 0 / 0
          Values: 0 / 0 / 0
          Intimacy & closeness: 0 / 0 / 0
          Us as a team: 0 / 0 / 0
          All: 0 / 1 / 0
        Exercises with timed turns: 0
        Decks (prompts / exercises):
          everyday library: 3 / 1
          intimacy: 0 / 0
          parenting: 0 / 0
          family: 0 / 0
          faith: 0 / 0
          health: 0 / 0
          money: 0 / 0
        Activities by cost: free 1, low 0, medium 0, high 1
        Activities by place: home 0, out 2, either 0
        Activities by energy: calm 1, active 1
        Activities take from 15 to 2880 minutes
        Activities with a way to do them apart: 0 of 2"""
    )


DECKS = dedent(
    """\
    prompts:
      - {id: light-one, category: fun, depth: 1, text: "What made you laugh today?"}
      - {id: money-one, category: team, depth: 2, deck: money, sensitive: true,
         text: "What did money feel like in the home you grew up in?"}
      - {id: money-two, category: team, depth: 3, deck: money, sensitive: true,
         text: "Which purchase would you each defend to the end?"}
      - {id: faith-one, category: values, depth: 2, deck: faith, text: "What feels sacred to you?"}
    exercises:
      - id: questions-one
        title: "Thirty-six questions, part one"
        category: closeness
        deck: intimacy
        depth: 2
        minutes: 45
        turn_minutes: 2
        series: thirty-six
        part: 1
        steps: ["Take turns.", "Answer each question."]
      - id: questions-two
        title: "Thirty-six questions, part two"
        category: closeness
        deck: intimacy
        depth: 3
        sensitive: true
        minutes: 45
        series: thirty-six
        part: 2
        steps: ["Take turns again.", "Answer each question."]
    activities:
      - id: walk
        title: "A walk"
        invitation: "Fancy a walk?"
        description: "Wander."
        apart: "Walk in your own streets with a call open."
        minutes: 15
        cost: free
        place: out
        energy: active
    """
)


def test_the_summary_counts_sensitive_entries_decks_series_and_apart_variants(
    tmp_path: Path, texts: Texts
) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(DECKS, encoding="utf-8")

    lines = summary(load_library(path, texts), texts).splitlines()

    assert "  Us as a team: 0 / 1 (1) / 1 (1)" in lines
    assert "  Values: 0 / 1 / 0" in lines
    assert "  All: 1 / 2 (1) / 1 (1)" in lines
    assert "  Intimacy & closeness: 0 / 1 / 1 (1)" in lines
    assert "Exercises with timed turns: 1" in lines
    assert "Series 'thirty-six': parts 1, 2" in lines
    decks = lines.index("Decks (prompts / exercises):")
    assert lines[decks + 1 : decks + 8] == [
        "  everyday library: 1 / 0",
        "  intimacy: 0 / 2",
        "  parenting: 0 / 0",
        "  family: 0 / 0",
        "  faith: 1 / 0",
        "  health: 0 / 0",
        "  money: 2 / 0",
    ]
    assert lines[-1] == "Activities with a way to do them apart: 1 of 1"


def test_validate_prints_the_summary_and_exits_zero_for_a_valid_file(
    tmp_path: Path, texts: Texts
) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(SMALL, encoding="utf-8")

    code, output = validate_command(path, texts)

    assert code == 0
    assert output.startswith("lib.yaml: 3 prompts, 1 exercises, 2 activities\n")
    assert "warning" not in output


def test_validate_prints_every_problem_and_exits_one(tmp_path: Path, texts: Texts) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(SMALL.replace("depth: 3", "depth: 4").replace("cost: high", "cost: pricey"))

    code, output = validate_command(path, texts)

    assert code == 1
    assert output.splitlines() == [
        "exercises.yaml:4:40: prompt 'deep-one': depth must be 1, 2 or 3 (got 4)",
        "exercises.yaml:26:5: activity 'spa-weekend': cost must be free, low, medium or high "
        "(got 'pricey')",
        "Problems found: 2. The library was not loaded.",
    ]


def test_validate_warns_about_entries_that_read_alike(tmp_path: Path, texts: Texts) -> None:
    path = tmp_path / "exercises.yaml"
    twin = '  - {id: light-twin, category: fun, depth: 1, text: "What made you laugh today?!"}\n'
    path.write_text(SMALL.replace("exercises:\n", twin + "exercises:\n"), encoding="utf-8")

    code, output = validate_command(path, texts)

    assert code == 0
    assert output.splitlines()[-1] == (
        "warning: prompt 'light-one' and prompt 'light-twin' read alike (similarity 1.00)"
    )


def test_reload_swaps_in_a_valid_library(tmp_path: Path, texts: Texts) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(SMALL, encoding="utf-8")
    holder = LibraryHolder(path, texts)
    path.write_text(SMALL.replace("id: walk", "id: long-walk"), encoding="utf-8")

    result = holder.reload()

    assert result.ok
    assert result.errors == []
    assert result.counts == {Kind.PROMPT: 3, Kind.EXERCISE: 1, Kind.ACTIVITY: 2}
    assert "long-walk" in holder.current


def test_a_failed_reload_keeps_the_last_good_library_and_logs_why(
    tmp_path: Path, texts: Texts, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(SMALL, encoding="utf-8")
    holder = LibraryHolder(path, texts)
    before = holder.current
    path.write_text(SMALL.replace("depth: 1", "depth: one"), encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="bot.library.holder"):
        result = holder.reload()

    assert not result.ok
    assert len(result.errors) == 2
    assert result.counts[Kind.PROMPT] == 3
    assert holder.current is before
    assert "failed with 2 problem(s)" in caplog.text


def test_a_holder_refuses_to_start_on_an_invalid_file(tmp_path: Path, texts: Texts) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text("prompts: 3\n", encoding="utf-8")

    with pytest.raises(LibraryError):
        LibraryHolder(path, texts)


def test_near_duplicates_are_only_compared_within_a_kind(tmp_path: Path, texts: Texts) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text(SMALL.replace('title: "A walk"', 'title: "What made you laugh today?"'))

    assert near_duplicates(load_library(path, texts)) == []


def test_every_template_the_library_uses_exists_with_matching_placeholders(texts: Texts) -> None:
    assert check_references(texts, LIBRARY_DIR) == []
    for kind in Kind:
        assert texts.placeholders(f"validator.kinds.{kind.value}") == frozenset()
    for category in Category:
        assert texts.placeholders(f"library.categories.{category.value}") == frozenset()
    for depth in (1, 2, 3):
        assert texts.placeholders(f"library.depths.{depth}") == frozenset()


def test_the_library_imports_neither_telegram_nor_sqlalchemy() -> None:
    for path in LIBRARY_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] in ("telegram", "sqlalchemy")], path
    code = "import sys, bot.library; print(sorted({'telegram', 'sqlalchemy'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
