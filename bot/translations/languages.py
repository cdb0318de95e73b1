"""The languages the bot speaks: English (the source) and every ``prompts/<code>/`` with catalogs.

A chat speaks one of them (``chats.language``); :class:`Languages` gives its words
(:meth:`Languages.texts`) and its library (:meth:`Languages.library`: the same entries, ids and
metadata, with the texts translated). A translation that is missing, stale (its English changed
since) or empty falls back to English; the first use of each such message is logged once. A
translation whose placeholders or HTML tags differ from the English is refused at start-up
(:class:`TranslationError`), because it would fail in a couple's chat.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from babel import Locale

from bot.library.schema import Activity, Exercise, Library, Prompt
from bot.texts import COUNT, Texts, plural_categories
from bot.translations.catalog import (
    LIBRARY,
    MESSAGES,
    Translation,
    Unit,
    entry_fields,
    library_units,
    message_units,
    read_catalog,
)

logger = logging.getLogger(__name__)

SOURCE = "en"
E = TypeVar("E", Prompt, Exercise, Activity)
_TAG = re.compile(r"</?[a-zA-Z]+")


class TranslationError(Exception):
    """A language's catalog would break messages (placeholders or markup differ)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def shipped(folder: Path) -> tuple[str, ...]:
    """The languages with a folder of words: English first, then the others by code."""
    others = sorted(
        p.name
        for p in folder.iterdir()
        if p.is_dir() and p.name != SOURCE and (p / MESSAGES).is_file()
    )
    return (SOURCE, *others)


def display_name(code: str, in_language: str | None = None) -> str:
    """A language's own name for itself, from CLDR: "Español", "Русский" (or its name in
    another language: ``display_name("es", "en")`` is "Spanish")."""
    locale = Locale.parse(code, sep="-")
    name = locale.get_display_name(in_language.replace("-", "_") if in_language else None) or code
    return name[:1].upper() + name[1:]


def _fields(text: str) -> list[str]:
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def markup_problem(source: tuple[str, ...], translation: str) -> str | None:
    """Why a translation would break its message (placeholders or HTML tags), or None.

    ``source`` holds the English forms; a plural form may leave ``{count}`` out ("one
    evening") and every other placeholder must be there, as in the English.
    """
    try:
        ours = set(_fields(translation))
    except ValueError as exc:
        return f"unreadable braces ({exc})"
    theirs = {name for form in source for name in _fields(form)}
    optional = {COUNT} if len(source) > 1 else set()
    if not (theirs - optional) <= ours <= (theirs | optional):
        return f"placeholders {sorted(ours)} where the English has {sorted(theirs)}"
    if sorted(_TAG.findall(translation)) != sorted(_TAG.findall(source[-1])):
        return "HTML tags differ from the English"
    return None


def usable(unit: Unit, found: Translation | None) -> bool:
    """A translation the bot can use: written in full and made from today's English."""
    return found is not None and found.done and not found.fuzzy and found.source == unit.source


def translation_problem(unit: Unit, found: Translation) -> str | None:
    """The first placeholder or markup problem among a translation's forms, or None."""
    return next(filter(None, (markup_problem(unit.source, s) for s in found.strings)), None)


def check_units(language: str, units: list[Unit], catalog: Mapping[str, Translation]) -> list[str]:
    """Every placeholder or markup problem of a catalog's usable translations."""
    problems: list[str] = []
    for unit in units:
        found = catalog.get(unit.key)
        if found is None or not usable(unit, found):
            continue
        problem = translation_problem(unit, found)
        if problem:
            problems.append(f"{language}: {unit.key}: {problem}")
    return problems


@dataclass
class Language:
    """One language's words and its translations of the library's texts."""

    code: str
    texts: Texts
    library_strings: Mapping[str, str]
    _libraries: dict[int, Library] = field(default_factory=dict, repr=False)

    def library(self, source: Library) -> Library:
        """``source`` with this language's texts (cached per source library)."""
        if self.code == SOURCE:
            return source
        key = id(source)
        cached = self._libraries.get(key)
        if cached is None:
            self._libraries.clear()  # a reloaded library replaces the old one
            cached = translate_library(source, self.library_strings)
            self._libraries[key] = cached
        return cached


def library_strings(units: list[Unit], catalog: Mapping[str, Translation]) -> dict[str, str]:
    """The library's texts a catalog translates usably, by key (what the rest keeps English)."""
    return {
        unit.key: found.strings[0]
        for unit in units
        if (found := catalog.get(unit.key)) is not None and usable(unit, found)
    }


def translate_library(library: Library, strings: Mapping[str, str]) -> Library:
    """The library with every translated text put in; the rest stays English."""

    def put(entry: E) -> E:
        update: dict[str, object] = {}
        steps: list[str] = list(entry.steps) if isinstance(entry, Exercise) else []
        for name, _english in entry_fields(entry):
            text = strings.get(f"{entry.id}.{name}")
            if text is None:
                continue
            if name.startswith("step"):
                steps[int(name[4:]) - 1] = text
            else:
                update[name] = text
        if steps:
            update["steps"] = tuple(steps)
        return entry.model_copy(update=update) if update else entry

    return Library(
        prompts=tuple(put(e) for e in library.prompts),
        exercises=tuple(put(e) for e in library.exercises),
        activities=tuple(put(e) for e in library.activities),
    )


def load_language(code: str, source: Texts, library: Library, folder: Path) -> Language:
    """Read one language's catalogs over the source; refuse broken placeholders."""
    units = message_units(source)
    catalog = read_catalog(folder / code / MESSAGES)
    problems = check_units(code, units, catalog)
    if problems:
        raise TranslationError(problems)
    templates: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    width = len(plural_categories(code))
    for unit in units:
        found = catalog.get(unit.key)
        if found is None or not usable(unit, found):
            continue
        if len(unit.source) > 1:
            if len(found.strings) == width:
                plurals[unit.key] = found.strings
        else:
            templates[unit.key] = found.strings[0]
    texts = source.translated(code, templates, plurals)
    lib_units = library_units(library)
    strings = library_strings(lib_units, read_catalog(folder / code / LIBRARY))
    missing = len(lib_units) - len(strings)
    if texts.fallbacks or missing:
        logger.info(
            "%s: %d message(s) and %d library text(s) not translated yet: English is used",
            code,
            len(texts.fallbacks),
            missing,
        )
    return Language(code, texts, strings)


class Languages:
    """Every language the bot speaks, by code; an unknown code gets the default language."""

    def __init__(self, languages: Mapping[str, Language], default: str = SOURCE) -> None:
        self._by_code = dict(languages)
        self.default = default if default in self._by_code else SOURCE

    @classmethod
    def load(
        cls, source: Texts, library: Library, folder: Path, default: str = SOURCE
    ) -> Languages:
        """English and every shipped language (raising :class:`TranslationError`)."""
        found: dict[str, Language] = {SOURCE: Language(SOURCE, source, {})}
        problems: list[str] = []
        for code in shipped(folder)[1:]:
            try:
                found[code] = load_language(code, source, library, folder)
            except TranslationError as exc:
                problems += exc.problems
        if problems:
            raise TranslationError(problems)
        return cls(found, default)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every language's code, English first."""
        return tuple(self._by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str | None) -> Language:
        """A language by code; the default one for an unknown code or None."""
        return self._by_code.get(code or "", self._by_code[self.default])

    def texts(self, code: str | None) -> Texts:
        """The words of a language (the default language's for an unknown code)."""
        return self.get(code).texts

    def library(self, code: str | None, source: Library) -> Library:
        """``source`` (the library in use) in a language."""
        return self.get(code).library(source)

    def match(self, language_code: str | None) -> str | None:
        """The shipped language for Telegram's ``language_code`` ("pt-br" -> "pt-BR",
        "es-419" -> "es"), or None when the bot does not speak it."""
        if not language_code:
            return None
        wanted = language_code.replace("_", "-").lower()
        for code in self._by_code:
            if code.lower() == wanted:
                return code
        base = wanted.split("-")[0]
        for code in self._by_code:
            if code.lower().split("-")[0] == base:
                return code
        return None

    def name(self, code: str) -> str:
        """A language's own name ("Español")."""
        return display_name(code)
