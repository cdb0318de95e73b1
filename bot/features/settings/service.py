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


@dataclass(frozen=True)
class MyZone:
    """A partner's own zone (/timezone me): refused (not a partner), or where it stands now."""

    allowed: bool
    name: str = ""
    zone: str | None = None  # None: they follow the chat's zone
    chat_zone: str = ""
    minute: int = 0  # the evening time, in the chat's zone


KEEP = "keep"  # /timezone me alone: show it, change nothing


async def my_zone(services: Services, actor: Actor, zone: str | None) -> MyZone:
    """Set the member's own zone (None clears it; ``KEEP`` only reads it); partners only."""
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return MyZone(allowed=False)
        if zone != KEEP:
            met.partner.timezone = zone
        return MyZone(
            True,
            met.partner.display_name,
            met.partner.timezone,
            met.chat.timezone,
            met.chat.send_minute,
        )


async def change(services: Services, actor: Actor, edit: Edit[T]) -> Changed[T]:
    """Apply ``edit`` when the member may change settings (a partner, or an admin)."""
    async with services.meeting(actor) as met:
        if met.chat is None or not await may_change(met, actor):
            return Changed(allowed=False)
        result = edit(met.chat, met.now)
        return Changed(True, result, overview(met.chat, met.now), met.now)
