"""Choices' use cases: read or change what a couple chose, one transaction each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.features.choices.rules import ChatChoices, Choices, choices_of
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change
from bot.kernel.services import Services

T = TypeVar("T")

# An edit takes the chat's choices, changes them, and says what it did (plain values).
Edit = Callable[[ChatChoices], T]


@dataclass(frozen=True)
class Changed(Generic[T]):
    """Refused (a guest), or what the edit said and the choices afterwards."""

    allowed: bool
    result: T | None = None
    choices: Choices | None = None


async def show(services: Services, actor: Actor) -> Choices:
    """The chat's choices (the chat is registered on first contact)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        return choices_of(met.chat, met.now)


async def change(services: Services, actor: Actor, edit: Edit[T]) -> Changed[T]:
    """Apply ``edit`` when the member may change settings (a partner, or an admin)."""
    async with services.meeting(actor) as met:
        if met.chat is None or not await may_change(met, actor):
            return Changed(allowed=False)
        result = edit(met.chat)
        return Changed(True, result, choices_of(met.chat, met.now))
