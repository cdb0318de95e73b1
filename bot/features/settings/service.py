"""Settings use cases: read or change a chat's settings, one transaction each, plain values out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.features.settings.rules import ChatSettings, Overview, overview
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change
from bot.kernel.services import Services

T = TypeVar("T")

# An edit takes the chat's settings and "now", changes them, and says what it did (plain).
Edit = Callable[[ChatSettings, datetime], T]


@dataclass(frozen=True)
class Changed(Generic[T]):
    """The outcome of a change: refused (a guest), or what the edit said and the new settings."""

    allowed: bool
    result: T | None = None
    overview: Overview | None = None
    now: datetime | None = None


async def show(services: Services, actor: Actor) -> Overview:
    """The chat's settings (the chat is registered on first contact)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        return overview(met.chat, met.now)


async def change(services: Services, actor: Actor, edit: Edit[T]) -> Changed[T]:
    """Apply ``edit`` when the member may change settings (a partner, or an admin)."""
    async with services.meeting(actor) as met:
        if met.chat is None or not await may_change(met, actor):
            return Changed(allowed=False)
        result = edit(met.chat, met.now)
        return Changed(True, result, overview(met.chat, met.now), met.now)
