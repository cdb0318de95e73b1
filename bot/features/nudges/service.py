"""Nudges' use case: claim the nudges that are due now (the tick sends them)."""

from __future__ import annotations

from bot.features.nudges import queries
from bot.features.nudges.rules import Nudge as Nudge
from bot.kernel.services import Services


async def due_nudges(services: Services) -> list[Nudge]:
    """Claim every nudge the rules allow now; each prompt gets one at most, whatever the replicas."""
    async with services.transaction() as session:
        return await queries.claim_nudges(session, services.clock.now())
