"""Is a parsed update whole? PTB builds objects from whatever JSON it is given.

``Update.de_json`` fills a missing required field with None (``{"my_chat_member": {}}`` becomes a
``ChatMemberUpdated`` without a chat), and every handler after it trusts Telegram's types. An
update from Telegram always has its required fields; one POSTed to the webhook by anyone else
may not. This walks the parsed objects and names the first required field that is missing,
reading what is required from each class's own constructor (public, and so always in step
with the PTB version installed).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from telegram import TelegramObject

_DEPTH = 8  # an update nests a few levels (a reply's message, its chat); deeper is not Telegram's


# Each class's fields, read once from its constructor.
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _fields(obj: TelegramObject) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The object's fields: those without a default (Telegram always sends them), and all."""
    kind = type(obj)
    key = f"{kind.__module__}.{kind.__qualname__}"
    if key not in _FIELDS:
        parameters = [
            (name, parameter)
            for name, parameter in inspect.signature(kind).parameters.items()
            if name != "api_kwargs"
            and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        ]
        required = tuple(n for n, p in parameters if p.default is inspect.Parameter.empty)
        _FIELDS[key] = (required, tuple(n for n, _ in parameters))
    return _FIELDS[key]


def _children(value: object) -> Iterator[TelegramObject]:
    if isinstance(value, TelegramObject):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _children(item)


def missing_field(obj: TelegramObject, depth: int = 0) -> str | None:
    """The first required field that is None, as ``Class.field``; None when the object is whole."""
    if depth > _DEPTH:
        return f"{type(obj).__name__} (nested too deep)"
    required, names = _fields(obj)
    for name in required:
        if getattr(obj, name, None) is None:
            return f"{type(obj).__name__}.{name}"
    for name in names:
        for child in _children(getattr(obj, name, None)):
            found = missing_field(child, depth + 1)
            if found is not None:
                return found
    return None
