"""gettext catalogs over the English source: what there is to translate, and reading and writing
the ``.po`` files translators open (Poedit, Weblate, Lokalize...).

Each translatable text is a *unit*: its key (the catalog's ``msgctxt``) and its English forms
(``msgid``, and ``msgid_plural`` for a template that depends on a number). The bot's messages
come from ``prompts/en/*.yaml`` (key ``settings.time_set``); the library's texts from
``exercises.yaml``, keyed by entry id and field (``fun-pure-joy-list.text``,
``listen-loop.step2``). A language keeps one ``messages.po`` and one ``library.po`` in
``prompts/<language>/``; the library's metadata (depth, category, decks...) stays only in
``exercises.yaml``.

Because every translation carries the English it was made from (its ``msgid``), a translation
whose source has changed since is found by comparison (*stale*), and :func:`write_catalog`
keeps it, marked ``fuzzy``, with the old English beside it (``#| msgid``) for the translator.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.library.schema import Activity, Exercise, Library, Prompt
from bot.texts import Texts, plural_categories

MESSAGES = "messages.po"
LIBRARY = "library.po"
PROJECT = "Quality Time"


class CatalogError(Exception):
    """A catalog file cannot be read."""


@dataclass(frozen=True)
class Unit:
    """One text to translate: its key and its English forms (two for a plural template)."""

    key: str
    source: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Translation:
    """One entry of a language's catalog."""

    key: str
    source: tuple[str, ...]  # the English it was translated from
    strings: tuple[str, ...]  # one, or one per plural form of the language
    fuzzy: bool = False

    @property
    def done(self) -> bool:
        """Translated: every form written."""
        return bool(self.strings) and all(self.strings)


def message_units(texts: Texts) -> list[Unit]:
    """Every template of the source language, in file order."""
    units = [Unit(key, (texts.templates[key],)) for key in texts.templates]
    units += [
        Unit(key, (forms[0], forms[-1]), note="plural: one form per plural category, by count")
        for key, forms in texts.plurals.items()
    ]
    return units


def entry_fields(entry: Prompt | Exercise | Activity) -> Iterator[tuple[str, str]]:
    """An entry's translatable texts as (field, English), e.g. ``("step2", "Listen...")``."""
    if isinstance(entry, Prompt):
        yield "text", entry.text
        if entry.follow_up:
            yield "follow_up", entry.follow_up
    elif isinstance(entry, Exercise):
        yield "title", entry.title
        if entry.why:
            yield "why", entry.why
        for number, step in enumerate(entry.steps, 1):
            yield f"step{number}", step
    else:
        yield "title", entry.title
        yield "invitation", entry.invitation
        yield "description", entry.description
        if entry.apart:
            yield "apart", entry.apart


def library_units(library: Library) -> list[Unit]:
    """Every translatable text of the library, keyed ``<entry id>.<field>``, in file order."""
    units: list[Unit] = []
    entries: tuple[Prompt | Exercise | Activity, ...] = (
        *library.prompts,
        *library.exercises,
        *library.activities,
    )
    for entry in entries:
        note = f"{entry.kind.value}"
        if not isinstance(entry, Activity):
            note += f", depth {entry.depth}, {entry.category.value}"
        for name, text in entry_fields(entry):
            units.append(Unit(f"{entry.id}.{name}", (text,), note=note))
    return units


def _babel_locale(language: str) -> str:
    return language.replace("-", "_")


def read_catalog(path: Path) -> dict[str, Translation]:
    """A language's catalog by key; a missing file is an empty catalog."""
    if not path.is_file():
        return {}
    stat = path.stat()
    return dict(_read(path, stat.st_size, stat.st_mtime_ns))


@functools.cache
def _read(path: Path, size: int, modified: int) -> dict[str, Translation]:
    """Parse a catalog once per state of the file (Babel's parser takes a tenth of a second for
    a library's catalog; the tests build hundreds of bots)."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # Babel raises its own and plain errors for a broken file
        raise CatalogError(f"{path}: {exc}") from exc
    found: dict[str, Translation] = {}
    for message in catalog:
        if not message.id or message.context is None:
            continue  # the header, or an entry without a key (not ours)
        source: tuple[str, ...] = (
            tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)
        )
        raw = message.string
        strings = tuple(raw) if isinstance(raw, tuple | list) else (raw or "",)
        found[message.context] = Translation(
            message.context, tuple(source), tuple(s or "" for s in strings), message.fuzzy
        )
    return found


def sync(language: str, units: Sequence[Unit], old: Mapping[str, Translation]) -> list[Translation]:
    """The catalog for ``units``: each keeps its translation; one whose English has changed
    since is kept but marked fuzzy (stale); keys no longer in the source are dropped."""
    width = len(plural_categories(language))
    result: list[Translation] = []
    for unit in units:
        before = old.get(unit.key)
        forms = width if len(unit.source) > 1 else 1
        if before is None:
            result.append(Translation(unit.key, unit.source, ("",) * forms))
            continue
        strings = (tuple(before.strings) + ("",) * forms)[:forms]
        fuzzy = before.fuzzy or before.source != unit.source
        result.append(Translation(unit.key, unit.source, strings, fuzzy and any(strings)))
    return result


HEADER = """\
# The words of Quality Time in {language}, over the English of prompts/en/*.yaml and
# exercises.yaml. msgctxt is the key (a template's name, or a library entry's id and field),
# msgid the English it was translated from. `quality-time translations` brings this file in line
# with the English; `quality-time validate` reports what is missing, stale or broken.
#"""


def _created(path: Path) -> datetime:
    """The catalog's creation date, kept across updates (so an update changes only entries)."""
    if path.is_file():
        with path.open("rb") as handle:
            created = read_po(handle).creation_date
        if isinstance(created, datetime):
            return created
    return datetime.now(UTC).replace(second=0, microsecond=0)


def write_catalog(
    path: Path,
    language: str,
    units: Sequence[Unit],
    translations: Sequence[Translation],
    old: Mapping[str, Translation] | None = None,
) -> None:
    """Write a language's catalog (``translations`` as :func:`sync` made them)."""
    created = _created(path)
    catalog = Catalog(
        locale=_babel_locale(language),
        project=PROJECT,
        version="1",
        copyright_holder="the Quality Time contributors",
        last_translator="the Quality Time contributors",
        language_team=f"{language} (the Quality Time contributors)",
        header_comment=HEADER.format(language=language),
        creation_date=created,
        revision_date=created,
        fuzzy=False,
    )
    notes = {unit.key: unit.note for unit in units}
    for item in translations:
        before = (old or {}).get(item.key)
        previous = before.source if before and item.fuzzy and before.source != item.source else ()
        catalog.add(
            item.source if len(item.source) > 1 else item.source[0],
            item.strings if len(item.source) > 1 else item.strings[0],
            context=item.key,
            flags=("fuzzy",) if item.fuzzy else (),
            auto_comments=[notes[item.key]] if notes.get(item.key) else (),
            previous_id=previous,
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, no_location=True, include_previous=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update_catalogs(folder: Path, language: str, texts: Texts, library: Library) -> None:
    """Bring a language's two catalogs in line with today's English (``quality-time
    translations``): new texts come in empty, changed ones are marked fuzzy beside their old
    English, removed ones go."""
    for name, units in ((MESSAGES, message_units(texts)), (LIBRARY, library_units(library))):
        path = folder / language / name
        old = read_catalog(path)
        write_catalog(path, language, units, sync(language, units, old), old)
