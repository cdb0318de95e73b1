"""Which language a couple asked for: pure, no Telegram and no database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

# A button's data: ``lang:`` and a language's code ("es", "pt-BR"); the handler checks the
# code is one the bot speaks.
LANGUAGE_BUTTON = re.compile(r"^lang:([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)$")
PREFIX = "lang:"


def folded(text: str) -> str:
    """Lower case without accents: "Español" and "espanol" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_language(
    typed: str,
    names: Mapping[str, tuple[str, ...]],
    match: Callable[[str], str | None],
) -> str | None:
    """The language a couple typed: a code ("es", "pt-br", "pt") through ``match``, or one of
    its names (``names``: each code's spellings, e.g. its own name and its English one)."""
    word = typed.strip()
    if not word or len(word) > 40:
        return None
    by_code = match(word)
    if by_code is not None:
        return by_code
    wanted = folded(word)
    for code, spellings in names.items():
        if any(folded(name) == wanted for name in spellings):
            return code
    return None


def button_data(code: str) -> str:
    """A language button's data."""
    return f"{PREFIX}{code}"


def button_code(data: str | None) -> str | None:
    """The language a button carries, or None for data that is not a language button."""
    found = LANGUAGE_BUTTON.match(data or "")
    return found[1] if found else None
