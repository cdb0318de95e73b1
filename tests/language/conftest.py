"""Test catalogs for the languages: every text marked with its language, e.g. "[es] Hello".

The shipped catalogs are being translated; these tests must not depend on them. Each
translation here is the English behind a marker, so a message shows plainly which language
it came in, with the same placeholders and markup as the English.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.texts import Texts, plural_categories
from bot.translations.catalog import (
    LIBRARY,
    MESSAGES,
    Translation,
    Unit,
    library_units,
    message_units,
    write_catalog,
)
from tests.conftest import ROOT, SESSION_PROMPTS, RunningBot, StartBot, shipped_content
from tests.couple_evening import couple

__all__ = ["couple"]

LANGUAGES = ("es", "pt-BR", "ru")


def marker(language: str) -> str:
    """What every text of a language starts with in these catalogs."""
    return f"[{language}]"


def marked(language: str, units: list[Unit]) -> list[Translation]:
    """Every unit translated as its English behind the language's marker."""
    width = len(plural_categories(language))
    translations = []
    for unit in units:
        text = f"{marker(language)} {unit.source[-1]}"
        strings = (text,) * (width if len(unit.source) > 1 else 1)
        translations.append(Translation(unit.key, unit.source, strings))
    return translations


@pytest.fixture(scope="session")
def marked_prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prompts folder: the English templates, and es, pt-BR and ru catalogs of markers."""
    folder = tmp_path_factory.mktemp("prompts")
    shutil.copytree(ROOT / "prompts" / "en", folder / "en")
    texts = Texts.load(folder)
    library = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml").library
    for language in LANGUAGES:
        for name, units in ((MESSAGES, message_units(texts)), (LIBRARY, library_units(library))):
            write_catalog(folder / language / name, language, units, marked(language, units))
    SESSION_PROMPTS.add(folder)
    return folder


@pytest.fixture
async def bot(start_bot: StartBot, marked_prompts: Path) -> RunningBot:
    """The bot speaking the marked languages; the scheduler ticks by hand."""
    return await start_bot(tick_seconds=3600, prompts_dir=marked_prompts)
