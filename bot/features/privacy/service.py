"""/forget and /export: delete or give back everything stored about a chat, for its couple."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.features.privacy import queries
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change
from bot.kernel.services import Services

EXPORT_FORMAT = 1


@dataclass(frozen=True)
class Export:
    """The chat's data as a JSON document, ready to send as a file."""

    filename: str
    payload: bytes


async def may_forget(services: Services, actor: Actor) -> bool:
    """Tell whether the member may ask to delete the chat's data (partners and admins)."""
    async with services.meeting(actor) as met:
        return await may_change(met, actor)


async def forget(services: Services, actor: Actor) -> int | None:
    """Delete everything about the chat; the number of rows, or None when not allowed."""
    async with services.meeting(actor) as met:
        if not await may_change(met, actor):
            return None
        return await queries.forget(met.session, actor.chat_id)


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
