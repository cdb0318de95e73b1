"""The words the bot reads from people, in every language it ships (pure; loaded once).

Each language keeps them in ``prompts/<language>/reading.yaml``: a mapping of *kinds* (``day``,
``switch``, ``unit``...) to *meanings* (``monday``, ``on``, ``hours``...) to the words people type
for that meaning. All languages merge into one :class:`Vocabulary`: a word of any shipped language
is understood in any chat (partners mix languages, and the parsers need not know the chat's).

Words are compared folded: case-folded, without accents or other marks ("miércoles" is
"miercoles", "лёгкие" is "легкие"), dots after letters dropped ("p.m." is "pm"), hyphens and
underscores read as spaces, runs of spaces as one. Folding is safe because a test proves that no
folded word means two different things where one argument may hold either (see ``SCOPES``).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bot.paths import project_root

READING_FILE = "reading.yaml"

# Every kind a reading.yaml may hold, with the meanings it may give (None: any meaning the
# validator below accepts, such as a time zone's name for ``place``).
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
KINDS: dict[str, frozenset[str] | None] = {
    "switch": frozenset({"on", "off", "only"}),
    "me": frozenset({"me"}),
    "clear": frozenset({"clear"}),
    "day": frozenset(DAYS),
    "days": frozenset({"daily", "weekdays", "weekends"}),
    "joiner": frozenset({"and"}),
    "through": frozenset({"through"}),
    "until": frozenset({"until"}),
    "unit": frozenset({"minutes", "hours", "days", "weeks"}),
    "clock": frozenset({"hours", "minutes", "am", "pm", "night", "at"}),
    "depth": frozenset({"light", "medium", "deep", "auto"}),
    "topic": frozenset(
        {
            "appreciation",
            "memories",
            "dreams",
            "daily-life",
            "feelings",
            "fun",
            "values",
            "closeness",
            "team",
            "tender",
        }
    ),
    "deck": frozenset({"intimacy", "parenting", "family", "faith", "health", "money"}),
    "filter": frozenset({"free", "cheap", "home", "out", "calm", "active", "short"}),
    "place": None,
}

# Kinds one argument may mix: within a scope, a folded word has one meaning in every language
# ("no" is off in English and in Spanish: fine; a day in one language and "off" in another: not).
# ``clock`` is read alone (/time), ``place`` alone (/timezone): "дня" is "2 PM" in "2 дня" and
# days in "3 дня", never in one argument.
SCOPES: dict[str, tuple[str, ...]] = {
    "argument": (
        "switch",
        "me",
        "clear",
        "day",
        "days",
        "joiner",
        "through",
        "until",
        "unit",
        "depth",
        "topic",
        "deck",
        "filter",
    ),
    "clock": ("clock",),
    "place": ("place",),
}
assert {kind for kinds in SCOPES.values() for kind in kinds} == set(KINDS)


class ReadingError(Exception):
    """A reading.yaml is malformed: an unknown kind or meaning, or a word that is not text."""


def fold(text: str) -> str:
    """A word as it is compared: "Miércoles" is "miercoles", "8 P.M." is "8 pm"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = re.sub(r"(?<=[^\W\d_])\.", "", plain)
    plain = re.sub(r"['’`]", "", plain)
    return " ".join(re.sub(r"[_\-]+", " ", plain).split())


@dataclass(frozen=True)
class Entry:
    """One word of one language: what it means, where it comes from."""

    kind: str
    meaning: str
    language: str
    word: str


@dataclass(frozen=True)
class Vocabulary:
    """Every language's words, merged: folded word to meaning, by kind."""

    entries: tuple[Entry, ...]
    _by_kind: dict[str, dict[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, dict[str, str]] = {}
        for e in self.entries:
            index.setdefault(e.kind, {}).setdefault(fold(e.word), e.meaning)
        object.__setattr__(self, "_by_kind", index)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages whose words are merged here."""
        return tuple(dict.fromkeys(e.language for e in self.entries))

    def meaning(self, kind: str, text: str) -> str | None:
        """What a typed word or phrase means as a word of this kind, or None."""
        return self._by_kind.get(kind, {}).get(fold(text))

    def words(self, kind: str) -> Mapping[str, str]:
        """Every folded word of a kind, with its meaning."""
        return self._by_kind.get(kind, {})

    def spellings(self, kind: str, meaning: str) -> tuple[str, ...]:
        """The words (as written in the files) that mean this, English first."""
        return tuple(
            dict.fromkeys(e.word for e in self.entries if e.kind == kind and e.meaning == meaning)
        )

    def word_in(self, language: str, kind: str, meaning: str) -> str:
        """The first word a language gives a meaning (to show it), else the first of any."""
        spelled = [e for e in self.entries if e.kind == kind and e.meaning == meaning]
        ours = [e.word for e in spelled if e.language == language]
        return (ours or [e.word for e in spelled] or [meaning])[0]

    def longest(self, kind: str) -> int:
        """The most words a phrase of this kind has (to read phrases greedily)."""
        return max((len(word.split()) for word in self.words(kind)), default=1)

    def conflicts(self) -> list[str]:
        """Folded words that mean two things within one scope, each named with its sources."""
        problems: list[str] = []
        for scope, kinds in SCOPES.items():
            seen: dict[str, dict[tuple[str, str], list[str]]] = {}
            for e in self.entries:
                if e.kind in kinds:
                    meanings = seen.setdefault(fold(e.word), {})
                    meanings.setdefault((e.kind, e.meaning), []).append(e.language)
            for word, meanings in sorted(seen.items()):
                if len(meanings) > 1:
                    said = "; ".join(
                        f"{kind} {meaning} ({', '.join(languages)})"
                        for (kind, meaning), languages in sorted(meanings.items())
                    )
                    problems.append(f"{scope}: {word!r} is {said}")
        return problems


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _entries(language: str, data: object, source: Path) -> Iterator[Entry]:
    if not isinstance(data, Mapping):
        raise ReadingError(f"{source}: expected kinds (switch, day, ...), got {data!r:.60}")
    for kind, meanings in data.items():
        if kind not in KINDS:
            raise ReadingError(f"{source}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
        if not isinstance(meanings, Mapping):
            raise ReadingError(f"{source}: {kind} must map meanings to words")
        allowed = KINDS[kind]
        for meaning, words in meanings.items():
            if kind == "place" and meaning not in _zones():
                raise ReadingError(f"{source}: place {meaning!r} is no time zone")
            if not isinstance(meaning, str) or (allowed is not None and meaning not in allowed):
                known = ", ".join(sorted(allowed or ()))
                raise ReadingError(f"{source}: {kind} has no meaning {meaning!r} ({known})")
            if isinstance(words, str):
                words = [words]
            if not isinstance(words, list) or not words:
                raise ReadingError(f"{source}: {kind}.{meaning} must be a list of words")
            for word in words:
                # YAML reads a bare on/off/yes/no as true/false: such words must be quoted.
                if not isinstance(word, str) or not fold(word):
                    raise ReadingError(
                        f"{source}: {kind}.{meaning} has {word!r}, not a word (quote it)"
                    )
                yield Entry(str(kind), meaning, language, word)


def load_vocabulary(folder: Path | None = None) -> Vocabulary:
    """Read every ``prompts/<language>/reading.yaml`` (English first); raise on a malformed one."""
    base = folder or project_root() / "prompts"
    paths = sorted(base.glob(f"*/{READING_FILE}"), key=lambda p: (p.parent.name != "en", p))
    if not paths:
        raise ReadingError(f"no {READING_FILE} found under {base}")
    entries: list[Entry] = []
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ReadingError(f"{path}: {exc}") from exc
        entries.extend(_entries(path.parent.name, data, path))
    return Vocabulary(tuple(entries))


@cache
def vocabulary() -> Vocabulary:
    """The shipped languages' words, read once."""
    return load_vocabulary()
