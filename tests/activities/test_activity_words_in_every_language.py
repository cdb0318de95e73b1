"""/activity's filter words in Spanish, Portuguese and Russian, phrases included."""

from __future__ import annotations

import pytest

from bot.features.activities.rules import Filters, conflicting, filters_from, read_filters


@pytest.mark.parametrize(
    ("typed", "filters"),
    [
        ("gratis casa", Filters(cost="free", place="home")),
        ("grátis em casa", Filters(cost="free", place="home")),
        ("бесплатно дома", Filters(cost="free", place="home")),
        ("barato fuera", Filters(cost="low", place="out")),
        ("вне-дома", Filters(place="out")),
        ("вне дома активно", Filters(place="out", energy="active")),
        ("tranquilo corto", Filters(energy="calm", max_minutes=30)),
        ("calmo curto", Filters(energy="calm", max_minutes=30)),
        ("недорого спокойно коротко", Filters(cost="low", energy="calm", max_minutes=30)),
        ("free ativo", Filters(cost="free", energy="active")),
    ],
)
def test_filter_words_of_any_language_narrow_the_activity(typed: str, filters: Filters) -> None:
    read = read_filters(typed)

    assert read is not None
    assert filters_from([word for word, _meaning in read]) == filters
    assert filters_from([meaning for _word, meaning in read]) == filters


def test_an_unknown_word_among_filters_is_not_read() -> None:
    assert read_filters("gratis playa") is None


def test_two_filters_that_clash_are_named_as_typed_in_any_language() -> None:
    read = read_filters("em casa fora")

    assert read == [("em casa", "home"), ("fora", "out")]
    assert conflicting([word for word, _meaning in read]) == ("em casa", "fora")
