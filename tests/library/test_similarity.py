"""The near-duplicate check: rewordings in any script are flagged, unrelated texts are not."""

from __future__ import annotations

import pytest

from bot.library import Kind, Library, Prompt, near_duplicates
from bot.library.similarity import THRESHOLD, ngrams, normalise, similarity, words

# Unrelated questions in four scripts and languages: the weights are fitted over a library, so
# each check runs on a small one, as `quality-time validate` would.
OTHERS = (
    "Which city would you live in for a year?",
    "Describe your dream breakfast in three details.",
    "Какой фильм вы смотрели вместе последним?",
    "Quelle chanson te fait penser à ton ou ta partenaire ?",
    "Welcher Ort auf der Welt macht dich sofort ruhig?",
    "¿Cuál fue tu juego favorito de pequeño?",
)


def _library(*texts: str) -> Library:
    prompts = tuple(
        Prompt(id=f"prompt-{n:02d}", category="fun", depth=1, text=text)
        for n, text in enumerate(texts)
    )
    return Library(prompts=prompts)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            "What small thing did your partner do this week that made your day easier?",
            "What little thing did your partner do this week that made your day easier?",
            id="latin",
        ),
        pytest.param(
            "If you could learn any new skill together, what would it be?",
            "What new skill would you love to learn together?",
            id="latin-reordered",
        ),
        pytest.param(
            "Что тебя сегодня рассмешило, хотя бы чуть-чуть?",
            "Что сегодня тебя рассмешило хоть немного?",
            id="cyrillic",
        ),
        pytest.param(
            "Qu'est-ce qui t'a fait sourire aujourd'hui, même un peu ?",
            "Qu’est-ce qui t’a fait rire ou sourire aujourd’hui ?",
            id="accented",
        ),
        pytest.param(
            "¿Qué canción te recuerda a tu pareja?",
            "¿Qué canción te hace pensar en tu pareja?",
            id="accented-spanish",
        ),
    ],
)
def test_a_rewording_in_any_script_is_flagged_and_nothing_else(first: str, second: str) -> None:
    library = _library(first, *OTHERS, second)

    [pair] = near_duplicates(library)

    assert (pair.kind, pair.first, pair.second) == (Kind.PROMPT, "prompt-00", "prompt-07")
    assert pair.score >= THRESHOLD


def test_unrelated_texts_in_many_scripts_are_quiet() -> None:
    library = _library(
        *OTHERS,
        "What made you laugh today?",
        "Что тебя сегодня рассмешило?",
        "Was war heute dein schönster Moment?",
    )

    assert near_duplicates(library) == []


def test_the_same_text_scores_one_and_unrelated_texts_near_zero() -> None:
    same = "Какое блюдо напоминает тебе о детстве?"

    assert similarity(same, same) == pytest.approx(1.0)
    assert similarity(same, "Quelle chanson te fait penser à toi ?", OTHERS) < 0.15


def test_case_and_accents_do_not_change_a_word() -> None:
    assert normalise("Café CRÈME") == normalise("cafe creme")
    assert words("ЁЛКА, ёлка!") == ("елка", "елка")


def test_words_come_from_every_script_without_underscores() -> None:
    assert words("Tú y yo — ты и я, 你好 snake_case") == (
        "tu",
        "y",
        "yo",
        "ты",
        "и",
        "я",
        "你好",
        "snake",
        "case",
    )


def test_ngrams_are_taken_inside_space_padded_words() -> None:
    grams = ngrams("Hi yo")

    assert grams[" hi"] == 1
    assert grams["hi "] == 1
    assert grams[" hi "] == 1
    assert "i y" not in grams
