"""The table of Bot API methods, filled by the method modules' decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.emulator.state import World

Handler = Callable[[World, dict[str, Any]], Any]

# lower-case name -> (Telegram's spelling, implementation); Telegram ignores case.
METHODS: dict[str, tuple[str, Handler]] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a Bot API method implementation under its Telegram name."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register
