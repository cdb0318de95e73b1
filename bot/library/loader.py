"""Load ``exercises.yaml`` into a :class:`Library`, reporting every problem at once.

Each problem reads ``exercises.yaml:412:7: prompt 'dream-house': depth must be 1, 2 or 3 (got 4)``:
file, line and column (1-based; the field's key, the list item, or the entry itself when a field
is missing), the entry, and what is wrong. All entries and all fields are checked in one run so a
content writer can fix a whole batch in one go.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.library.messages import Report, describe, explain
from bot.library.nodes import Document, Loc, Pos, YamlSyntaxError, parse
from bot.library.schema import MODELS, Activity, Entry, Exercise, Kind, Library, Prompt
from bot.texts import Texts

SECTIONS: dict[str, Kind] = {
    "prompts": Kind.PROMPT,
    "exercises": Kind.EXERCISE,
    "activities": Kind.ACTIVITY,
}
TOP_KEYS = ("version", *SECTIONS)
VERSION = 1


class LibraryError(Exception):
    """The library file has problems; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def load_library(path: Path, texts: Texts | None = None) -> Library:
    """Load and validate the library, raising :class:`LibraryError` listing every problem."""
    library, errors = check_library(path, texts)
    if library is None:
        raise LibraryError(errors)
    return library


def check_library(path: Path, texts: Texts | None = None) -> tuple[Library | None, list[str]]:
    """Validate the library; return it (or None when invalid) and every problem found."""
    texts = texts or Texts.load()
    try:
        text = path.read_text(encoding="utf-8-sig")  # an editor may add a BOM
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, [texts.render("validator.errors.unreadable", file=str(path), reason=reason)]
    report = Report(texts, path.name)
    try:
        doc = parse(text)
    except YamlSyntaxError as exc:
        report.add(exc.pos, texts.render("validator.errors.yaml_syntax", problem=exc.problem))
        return None, report.lines()
    library = _Checker(doc, report).run()
    errors = report.lines()
    return (None if errors else library), errors


class _Checker:
    def __init__(self, doc: Document, report: Report) -> None:
        self.doc = doc
        self.report = report
        self.texts = report.texts
        self.first_ids: dict[str, tuple[Kind, Pos]] = {}

    def run(self) -> Library:
        render, data = self.texts.render, self.doc.value
        for bad in self.doc.bad_scalars:
            self.report.add(bad.pos, render("validator.errors.bad_value", problem=bad.problem))
        if data is None:
            self.report.add(Pos(1, 1), render("validator.errors.empty"))
            return Library()
        if not isinstance(data, dict):
            got = describe(self.texts, data)
            self.report.add(self.doc.pos(()), render("validator.errors.top_not_mapping", got=got))
            return Library()
        for key in data:
            if key not in TOP_KEYS:
                message = render(
                    "validator.errors.unknown_top_key", key=key, allowed=", ".join(TOP_KEYS)
                )
                self.report.add(self.doc.pos((key,)), message)
        version = data.get("version", VERSION)
        if version != VERSION or isinstance(version, bool):
            got = describe(self.texts, version)
            message = render("validator.errors.bad_version", version=VERSION, got=got)
            self.report.add(self.doc.pos(("version",)), message)
        found: dict[Kind, list[Entry]] = {kind: [] for kind in Kind}
        for section, kind in SECTIONS.items():
            found[kind] = self._section(section, kind, data.get(section))
        self._repeated_keys(data)
        return Library(
            prompts=tuple(e for e in found[Kind.PROMPT] if isinstance(e, Prompt)),
            exercises=tuple(e for e in found[Kind.EXERCISE] if isinstance(e, Exercise)),
            activities=tuple(e for e in found[Kind.ACTIVITY] if isinstance(e, Activity)),
        )

    def _section(self, section: str, kind: Kind, raw: object) -> list[Entry]:
        if raw is None:  # absent or left empty: no entries of this kind
            return []
        if not isinstance(raw, list):
            got = describe(self.texts, raw)
            message = self.texts.render(
                "validator.errors.section_not_list", section=section, got=got
            )
            self.report.add(self.doc.pos((section,)), message)
            return []
        entries = []
        for index, item in enumerate(raw):
            entry = self._entry((section, index), kind, item)
            if entry is not None:
                entries.append(entry)
        return entries

    def _entry(self, loc: Loc, kind: Kind, item: object) -> Entry | None:
        subject = self._subject(loc, kind, item)
        if not isinstance(item, dict):
            got = describe(self.texts, item)
            message = self.texts.render("validator.errors.entry_not_mapping", got=got)
            self.report.add(self.doc.pos(loc), message, subject)
            return None
        entry_id = item.get("id")
        if isinstance(entry_id, str) and entry_id.strip():
            self._check_unique(entry_id.strip(), kind, self.doc.pos((*loc, "id")), subject)
        model = MODELS[kind]
        try:
            return model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                explained = explain(self.texts, error, model)
                if explained is not None:
                    self.report.add(self.doc.pos((*loc, *error["loc"])), explained, subject)
            return None

    def _check_unique(self, entry_id: str, kind: Kind, pos: Pos, subject: str) -> None:
        first = self.first_ids.get(entry_id)
        if first is None:
            self.first_ids[entry_id] = (kind, pos)
            return
        first_kind, first_pos = first
        message = self.texts.render(
            "validator.errors.duplicate_id",
            kind=self.texts.render(f"validator.kinds.{first_kind.value}"),
            line=first_pos.line,
            column=first_pos.column,
        )
        self.report.add(pos, message, subject)

    def _subject(self, loc: Loc, kind: Kind, item: object) -> str:
        entry_id = item.get("id") if isinstance(item, dict) else None
        return self.report.subject(kind.value, entry_id, int(loc[1]) + 1)

    def _repeated_keys(self, data: dict[str, object]) -> None:
        for repeated in self.doc.repeated:
            loc = repeated.loc
            subject: str | None = None
            section = data.get(str(loc[0])) if len(loc) >= 3 else None
            if isinstance(section, list) and isinstance(loc[1], int) and str(loc[0]) in SECTIONS:
                subject = self._subject(loc, SECTIONS[str(loc[0])], section[loc[1]])
            message = self.texts.render(
                "validator.errors.repeated_key",
                key=str(loc[-1]),
                line=repeated.first.line,
                column=repeated.first.column,
            )
            self.report.add(repeated.again, message, subject)
