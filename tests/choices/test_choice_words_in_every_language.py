"""/depth, /topics, /decks and /distance read Spanish, Portuguese and Russian words too."""

from __future__ import annotations

import pytest

from bot.features.choices.rules import (
    Switch,
    find_word,
    names_of,
    on_off,
    parse_switch,
    read_depth,
    set_depth,
)
from bot.library.schema import Category, Deck
from tests.choices.test_choice_rules import FakeChat

TOPICS = names_of("topic", {c.value: c.value.title() for c in Category} | {"tender": "Tender"})
DECKS = names_of("deck", {d.value: d.value.title() for d in Deck})


@pytest.mark.parametrize(
    ("typed", "depth"),
    [
        ("ligero", "light"),
        ("Leve", "light"),
        ("лёгкие", "light"),
        ("легкие", "light"),
        ("medio", "medium"),
        ("médio", "medium"),
        ("средние", "medium"),
        ("profundo", "deep"),
        ("глубокие", "deep"),
        ("авто", "auto"),
    ],
)
def test_a_depth_word_of_any_language_sets_that_depth(typed: str, depth: str) -> None:
    chat = FakeChat()

    assert read_depth(typed) == depth
    assert set_depth(chat, typed) == depth
    assert chat.depth == depth


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("sueños", "dreams"),
        ("suenos", "dreams"),
        ("sonhos", "dreams"),
        ("мечты", "dreams"),
        ("diversión", "fun"),
        ("diversao", "fun"),
        ("веселье", "fun"),
        ("día a día", "daily-life"),
        ("dia-a-dia", "daily-life"),
        ("быт", "daily-life"),
        ("cercanía", "closeness"),
        ("близость", "closeness"),
        ("delicados", "tender"),
        ("деликатные", "tender"),
        ("sensitive", "tender"),
    ],
)
def test_a_topic_is_found_by_its_name_in_any_language(typed: str, topic: str) -> None:
    assert find_word(typed, TOPICS) == topic


@pytest.mark.parametrize(
    ("typed", "deck"),
    [
        ("dinero", "money"),
        ("dinheiro", "money"),
        ("деньги", "money"),
        ("fe", "faith"),
        ("fé", "faith"),
        ("вера", "faith"),
        ("crianza", "parenting"),
        ("filhos", "parenting"),
        ("дети", "parenting"),
        ("família", "family"),
        ("семья", "family"),
        ("salud", "health"),
        ("здоровье", "health"),
        ("intimidade", "intimacy"),
    ],
)
def test_a_deck_is_found_by_its_name_in_any_language(typed: str, deck: str) -> None:
    assert find_word(typed, DECKS) == deck


@pytest.mark.parametrize(
    ("typed", "on"),
    [
        ("sí", True),
        ("si", True),
        ("sim", True),
        ("вкл", True),
        ("да", True),
        ("no", False),
        ("não", False),
        ("nao", False),
        ("выкл", False),
        ("нет", False),
        ("только", None),
        ("quizás", None),
    ],
)
def test_on_and_off_are_read_in_any_language(typed: str, on: bool | None) -> None:
    assert on_off(typed) is on


@pytest.mark.parametrize(
    ("typed", "switch"),
    [
        ("dinero sí", Switch("dinero", True)),
        ("выкл деньги", Switch("деньги", False)),
        ("fim de semana não", Switch("fim de semana", False)),
    ],
)
def test_a_switch_reads_its_name_and_on_or_off_in_any_language(typed: str, switch: Switch) -> None:
    assert parse_switch(typed) == switch
