"""Turn loader findings and pydantic errors into ``file:line:col: subject: message`` lines.

Every word comes from ``prompts/<language>/validator.yaml``. Each render call names its key
literally so ``bot.texts.check_references`` can prove the templates and the code agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from bot.library.nodes import Loc, Pos
from bot.library.schema import CHOICES, MAX_ACTIVITY_MINUTES
from bot.texts import Texts

_SHOWN_CHARS = 40
# On a field with a fixed set of values, these all mean "not one of the allowed values".
_CHOICE_ERRORS = frozenset(
    {"enum", "literal_error", "greater_than_equal", "less_than_equal"}
    | {"int_type", "int_parsing", "int_from_float"}
)


def one_of(texts: Texts, values: Sequence[str]) -> str:
    """Join values as "a, b or c"."""
    if len(values) == 1:
        return values[0]
    return texts.render("validator.one_of", rest=", ".join(values[:-1]), last=values[-1])


def describe(texts: Texts, value: object) -> str:
    """Show a value the way a content writer typed it, shortened."""
    if value is None:
        return texts.render("validator.got.nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        value = value.replace("\n", " ")
        shown = value if len(value) <= _SHOWN_CHARS else value[: _SHOWN_CHARS - 1] + "…"
        return texts.render("validator.got.text", value=shown)
    if isinstance(value, list | tuple):
        if len(value) <= 4 and all(isinstance(v, int | float | str) for v in value):
            return "[" + ", ".join(describe(texts, v) for v in value) + "]"
        return texts.render("validator.got.list")
    if isinstance(value, dict):
        return texts.render("validator.got.mapping")
    return str(value)


def field_label(texts: Texts, loc: Loc) -> str:
    """Name a field, or one item of a list field ("steps #3")."""
    if len(loc) > 1 and isinstance(loc[1], int):
        return texts.render("validator.item", field=str(loc[0]), number=loc[1] + 1)
    return str(loc[0]) if loc else ""


def explain(texts: Texts, error: ErrorDetails, model: type[BaseModel]) -> str | None:
    """Say what is wrong, in the house words; None when the error adds nothing new."""
    loc, kind, value = error["loc"], error["type"], error["input"]
    ctx = error.get("ctx") or {}
    name = field_label(texts, loc)
    render = texts.render
    if kind == "missing":
        return render("validator.errors.missing_field", field=name)
    if kind == "extra_forbidden":
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.75)
        if close:
            return render("validator.errors.unknown_field_hint", field=name, suggestion=close[0])
        return render("validator.errors.unknown_field", field=name, allowed=", ".join(allowed))
    got = describe(texts, value)
    if loc and str(loc[0]) in CHOICES and kind in _CHOICE_ERRORS:
        allowed_values = one_of(texts, CHOICES[str(loc[0])])
        return render("validator.errors.choice", field=name, allowed=allowed_values, got=got)
    if kind in ("too_short", "too_long"):
        count = len(value) if isinstance(value, list | tuple) else 0
        low, high = ctx.get("min_length", 0), ctx.get("max_length", count)
        if low <= count <= high:  # the real list is fine; an item failed and is reported
            return None
        if kind == "too_short":
            return render("validator.errors.too_few_items", field=name, limit=low, count=count)
        return render("validator.errors.too_many_items", field=name, limit=high, count=count)
    match kind:
        case "string_type":
            return render("validator.errors.not_text", field=name, got=got)
        case "int_type" | "int_parsing" | "int_from_float":
            return render("validator.errors.not_whole_number", field=name, got=got)
        case "list_type" | "tuple_type":
            return render("validator.errors.not_list", field=name, got=got)
        case "string_too_short":
            return render("validator.errors.empty_text", field=name)
        case "string_too_long":
            length = len(value.strip()) if isinstance(value, str) else 0
            limit = ctx["max_length"]
            return render("validator.errors.too_long", field=name, length=length, limit=limit)
        case "string_pattern_mismatch" if loc[0] == "id":
            return render("validator.errors.bad_id", got=got)
        case "string_pattern_mismatch":
            return render("validator.errors.bad_tag", field=name, got=got)
        case "greater_than_equal":
            return render("validator.errors.too_small", field=name, limit=ctx["ge"], got=got)
        case "less_than_equal":
            return render("validator.errors.too_large", field=name, limit=ctx["le"], got=got)
        case "qt_minutes":
            return render("validator.errors.bad_minutes", got=got)
        case "qt_minutes_bounds":
            return render("validator.errors.minutes_bounds", high=MAX_ACTIVITY_MINUTES, got=got)
        case "qt_minutes_order":
            return render("validator.errors.bad_minutes_range", low=ctx["low"], high=ctx["high"])
        case "qt_duplicate_item":
            return render("validator.errors.duplicate_item", field=name, item=ctx["item"])
    return render("validator.errors.other", field=name, detail=error["msg"])


@dataclass
class Report:
    """Problems found in one file, sorted by position when read."""

    texts: Texts
    file: str
    found: list[tuple[Pos, int, str]] = field(default_factory=list)

    def add(self, pos: Pos, message: str, subject: str | None = None) -> None:
        """Record a problem at ``pos``, about an entry when ``subject`` is given."""
        where = {"file": self.file, "line": pos.line, "column": pos.column}
        if subject is None:
            line = self.texts.render("validator.at", **where, message=message)
        else:
            line = self.texts.render(
                "validator.at_entry", **where, subject=subject, message=message
            )
        self.found.append((pos, len(self.found), line))

    def subject(self, kind: str, entry_id: object, number: int) -> str:
        """Name an entry: "prompt 'dream-house'", or "prompt #12" when it has no usable id."""
        kind_name = self.texts.render(f"validator.kinds.{kind}")
        if isinstance(entry_id, str) and entry_id.strip():
            return self.texts.render("validator.named", kind=kind_name, id=entry_id.strip())
        return self.texts.render("validator.numbered", kind=kind_name, number=number)

    def lines(self) -> list[str]:
        """Every problem line, in file order."""
        return [line for _pos, _n, line in sorted(self.found)]
