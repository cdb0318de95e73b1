"""/stats: a couple's figures, read in one transaction."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.features.stats import queries
from bot.features.stats.rules import Stats, compute
from bot.kernel.actor import Actor
from bot.kernel.db.members import meet
from bot.kernel.services import Services, Session


async def figures(services: Services, actor: Actor) -> Stats:
    """This week's and all-time figures of the actor's chat."""
    now = services.clock.now()
    async with services.transaction() as session:
        met = await meet(
            session, actor, default_timezone=services.settings.default_timezone, now=now
        )
        assert met.chat is not None
        return await chat_figures(session, met.chat.id, met.chat.timezone, now)


async def chat_figures(
    session: Session, chat_id: int, zone_name: str, now: datetime, *, since: datetime | None = None
) -> Stats:
    """A chat's figures inside the caller's transaction (the recap's, for one)."""
    zone = ZoneInfo(zone_name)
    return compute(
        await queries.evenings(session, chat_id, zone),
        await queries.exercises_done(session, chat_id),
        await queries.activities_done(session, chat_id),
        now,
        zone,
        since=since,
    )
