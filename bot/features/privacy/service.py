"""/forget and /export: delete or give back everything stored about a chat, for its couple."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.features.privacy import queries
from bot.kernel.actor import Actor
from bot.kernel.db import confirmations
from bot.kernel.db.members import may_change
from bot.kernel.services import Services

EXPORT_FORMAT = 1


@dataclass(frozen=True)
class Export:
    """The chat's data as a JSON document, ready to send as a file."""

    filename: str
    payload: bytes


@dataclass(frozen=True)
class Asked:
    """A /forget question stored before it is posted: its id and the token for its buttons."""

    id: int
    token: str


@dataclass(frozen=True)
class Decided:
    """What a press on /forget's question did.

    ``state``: ``forgotten`` or ``kept`` (settled now), ``not_allowed``, ``expired``,
    ``answered`` (used already) or ``unknown`` (not a question the bot asked on this message).
    """

    state: str
    removed: int = 0


async def ask_forget(services: Services, actor: Actor) -> Asked | None:
    """Store a /forget question for the couple to confirm; None when the member may not ask."""
    async with services.meeting(actor) as met:
        if not await may_change(met, actor):
            return None
        asked = await confirmations.ask(met.session, actor.chat_id, "forget", met.now)
        return Asked(asked.id, asked.token)


async def question_posted(services: Services, asked_id: int, message_id: int) -> None:
    """Remember the message that carries the question's buttons."""
    async with services.transaction() as session:
        await confirmations.posted(session, asked_id, message_id)


async def decide(
    services: Services, actor: Actor, message_id: int, token: str, *, delete: bool
) -> Decided:
    """Delete everything about the chat, or keep it: only on the question the bot asked there."""
    async with services.meeting(actor) as met:
        row = await confirmations.find(met.session, actor.chat_id, message_id, "forget", token)
        state = confirmations.state(row, met.now)
        if row is None or state != "open":
            return Decided(state)
        if not await may_change(met, actor):
            return Decided("not_allowed")
        confirmations.settle(row, "yes" if delete else "no", met.now)
        if not delete:
            return Decided("kept")
        # The question goes with everything else: it cannot be answered again.
        removed = await queries.forget(met.session, actor.chat_id)
    services.chat_languages.forget(actor.chat_id)
    return Decided("forgotten", removed)


async def export(services: Services, actor: Actor) -> Export | None:
    """Everything stored about the chat as JSON (no message text exists to add); None if refused."""
    async with services.meeting(actor) as met:
        if not await may_change(met, actor):
            return None
        data: dict[str, Any] = await queries.export(met.session, actor.chat_id)
    document = {
        "format": EXPORT_FORMAT,
        "chat_id": actor.chat_id,
        "exported_at": met.now.isoformat(),
        **data,
    }
    payload = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    return Export(export_name(actor.chat_id), payload)


def export_name(chat_id: int) -> str:
    """``quality-time-export-group4000000004.json``: groups' ids are negative, without a dash."""
    kind = "group" if chat_id < 0 else "chat"
    return f"quality-time-export-{kind}{abs(chat_id)}.json"
