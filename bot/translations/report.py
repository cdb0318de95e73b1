"""What ``quality-time validate`` says about each language: how much is translated, and what is
missing, extra (a key the English no longer has), stale (the English changed since) or broken
(placeholders or HTML tags that differ from the English); then the near-duplicate check on the
language's own library texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.library.schema import Library
from bot.library.similarity import THRESHOLD, near_duplicates
from bot.texts import Texts, plural_categories
from bot.translations.catalog import (
    LIBRARY,
    MESSAGES,
    CatalogError,
    Translation,
    Unit,
    library_units,
    message_units,
    read_catalog,
)
from bot.translations.languages import (
    display_name,
    library_strings,
    shipped,
    translate_library,
    translation_problem,
    usable,
)

SHOWN = 5  # keys listed per problem kind; the count says how many there are in all


@dataclass(frozen=True)
class Coverage:
    """One catalog of one language against today's English."""

    total: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    stale: tuple[str, ...]
    broken: tuple[str, ...]  # "key: why"

    @property
    def done(self) -> int:
        """Translations the bot uses (written in full, from today's English, not broken)."""
        return self.total - len(self.missing) - len(self.stale) - len(self.broken)

    @property
    def percent(self) -> int:
        """Share done, rounded down (so 100 means everything)."""
        return self.done * 100 // self.total if self.total else 100


def coverage(language: str, units: Sequence[Unit], catalog: Mapping[str, Translation]) -> Coverage:
    """Compare a catalog with the units of today's English."""
    missing: list[str] = []
    stale: list[str] = []
    broken: list[str] = []
    width = len(plural_categories(language))
    for unit in units:
        found = catalog.get(unit.key)
        if found is None or not found.done:
            missing.append(unit.key)
        elif not usable(unit, found):
            stale.append(unit.key)
        elif len(unit.source) > 1 and len(found.strings) != width:
            broken.append(f"{unit.key}: {len(found.strings)} plural forms, not {width}")
        elif problem := translation_problem(unit, found):
            broken.append(f"{unit.key}: {problem}")
    known = {unit.key for unit in units}
    extra = tuple(key for key in catalog if key not in known)
    return Coverage(len(units), tuple(missing), extra, tuple(stale), tuple(broken))


def _listed(texts: Texts, key: str, items: Sequence[str]) -> list[str]:
    if not items:
        return []
    shown = ", ".join(items[:SHOWN]) + (" …" if len(items) > SHOWN else "")
    return [texts.render(key, count=len(items), items=shown)]


def language_report(texts: Texts, folder: Path, library: Library) -> tuple[bool, list[str]]:
    """Every language's lines for ``validate``; False when a language would refuse to start."""
    parts = ((MESSAGES, message_units(texts)), (LIBRARY, library_units(library)))
    lines = [texts.render("validator.translations.header")]
    ok = True
    for code in shipped(folder)[1:]:
        try:
            catalogs = {name: read_catalog(folder / code / name) for name, _ in parts}
        except CatalogError as exc:
            lines.append(texts.render("validator.translations.unreadable", problem=str(exc)))
            ok = False
            continue
        results = {name: coverage(code, units, catalogs[name]) for name, units in parts}
        messages, texts_of_library = results[MESSAGES], results[LIBRARY]
        lines.append(
            texts.render(
                "validator.translations.language",
                code=code,
                name=display_name(code),
                messages=f"{messages.done}/{messages.total}",
                messages_percent=messages.percent,
                library=f"{texts_of_library.done}/{texts_of_library.total}",
                library_percent=texts_of_library.percent,
            )
        )
        for name, result in results.items():
            lines += _listed(texts, "validator.translations.missing", result.missing)
            lines += _listed(texts, "validator.translations.extra", result.extra)
            lines += _listed(texts, "validator.translations.stale", result.stale)
            lines += _listed(texts, "validator.translations.broken", result.broken)
            if result.broken and name == MESSAGES:
                ok = False
        strings = library_strings(parts[1][1], catalogs[LIBRARY])
        translated = translate_library(library, strings)
        pairs = near_duplicates(translated)
        lines += [
            texts.render(
                "validator.translations.near_duplicate",
                code=code,
                first=pair.first,
                second=pair.second,
                score=f"{pair.score:.2f}",
            )
            for pair in pairs
        ] or [
            texts.render(
                "validator.translations.no_near_duplicates", code=code, threshold=THRESHOLD
            )
        ]
    return ok, lines
