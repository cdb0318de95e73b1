"""The language use cases: read the chat's language, or switch it (one transaction each)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.language import queries
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change
from bot.kernel.services import Services


@dataclass(frozen=True)
class Switched:
    """Refused (a guest), or the chat's language now and whether it changed."""

    allowed: bool
    language: str
    changed: bool = False


async def current(services: Services, actor: Actor) -> str:
    """The chat's language (the chat is registered on first contact)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        return met.chat.language


async def switch(services: Services, actor: Actor, language: str) -> Switched:
    """Speak ``language`` in the chat from now on, when the member may change settings (a
    partner, or an admin). The evenings already picked stay the same entries."""
    async with services.meeting(actor) as met:
        if met.chat is None:
            return Switched(False, services.languages.default)
        before = met.chat.language
        if not await may_change(met, actor):
            return Switched(False, before)
        if language == before:
            return Switched(True, before)
        await queries.set_language(met.session, met.chat.id, language)
    services.chat_languages.remember(actor.chat_id, language)
    return Switched(True, language, changed=True)
