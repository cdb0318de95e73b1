"""The pure parts: which language a couple typed, and the languages a process keeps at hand."""

from __future__ import annotations

from bot.features.language.rules import button_code, button_data, find_language
from bot.kernel.services import ChatLanguages

NAMES = {
    "en": ("English",),
    "es": ("Español", "Spanish"),
    "pt-BR": ("Português (Brasil)", "Portuguese (Brazil)", "Português", "Portuguese"),
    "ru": ("Русский", "Russian"),
}


def match(code: str) -> str | None:
    """A stand-in for ``Languages.match``: codes only."""
    base = code.lower().split("-")[0]
    return next((c for c in NAMES if c.lower().split("-")[0] == base), None)


def test_a_language_is_found_by_code_or_by_name_in_any_case_with_or_without_accents() -> None:
    found = {
        typed: find_language(typed, NAMES, match)
        for typed in [
            "es",
            "ES",
            "español",
            "ESPANOL",
            "spanish",
            "pt",
            "pt-br",
            "portugues",
            "РУССКИЙ",
        ]
    }

    assert found == {
        "es": "es",
        "ES": "es",
        "español": "es",
        "ESPANOL": "es",
        "spanish": "es",
        "pt": "pt-BR",
        "pt-br": "pt-BR",
        "portugues": "pt-BR",
        "РУССКИЙ": "ru",
    }


def test_an_unknown_or_overlong_language_is_not_found() -> None:
    assert find_language("klingon", NAMES, match) is None
    assert find_language("", NAMES, match) is None
    assert find_language("español" * 10, NAMES, match) is None


def test_a_language_button_carries_its_code_and_nothing_else_passes() -> None:
    assert button_code(button_data("pt-BR")) == "pt-BR"
    assert button_code("lang:es") == "es"
    assert button_code("lang:es;drop") is None
    assert button_code("depth:deep") is None
    assert button_code(None) is None


def test_the_languages_at_hand_forget_the_least_recently_met_chat_first() -> None:
    known = ChatLanguages(size=2)
    known.remember(1, "es")
    known.remember(2, "ru")
    assert known.get(1) == "es"  # chat 1 is now the most recent
    known.remember(3, "en")

    assert (known.get(1), known.get(2), known.get(3)) == ("es", None, "en")
    known.forget(1)
    assert known.get(1) is None
