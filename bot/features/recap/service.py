"""/recap use cases: show or change the weekly recap's day, and its "Show us the exercise"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.features.recap.rules import RecapChoice, apply_recap
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change, meet
from bot.kernel.services import Services
from bot.schedule.plan import next_recap


@dataclass(frozen=True)
class RecapSettings:
    """The recap's settings as plain values, with when the next one comes (None: off)."""

    enabled: bool
    weekday: int
    next_at: datetime | None
    zone: str
    now: datetime


@dataclass(frozen=True)
class RecapAnswer:
    """What /recap did: refused (a guest changing it), or the settings after it."""

    allowed: bool
    changed: bool = False
    settings: RecapSettings | None = None


async def recap(services: Services, actor: Actor, choice: RecapChoice) -> RecapAnswer:
    """Show the recap's settings, or change them when the member may."""
    now = services.clock.now()
    async with services.transaction() as session:
        met = await meet(
            session, actor, default_timezone=services.settings.default_timezone, now=now
        )
        chat = met.chat
        assert chat is not None
        changing = choice.enabled is not None
        if changing:
            if not await may_change(met, actor):
                return RecapAnswer(allowed=False)
            at = apply_recap(chat, choice, now)
        else:
            at = chat.next_recap_at or next_recap(chat, now)
        settings = RecapSettings(
            enabled=chat.recap_enabled and at is not None,
            weekday=chat.recap_weekday,
            next_at=at,
            zone=chat.timezone,
            now=now,
        )
        return RecapAnswer(allowed=True, changed=changing, settings=settings)


async def is_partner(services: Services, actor: Actor) -> bool:
    """Tell whether the member is one of the couple (only they act on the recap's buttons)."""
    now = services.clock.now()
    async with services.transaction() as session:
        met = await meet(
            session, actor, default_timezone=services.settings.default_timezone, now=now
        )
        return met.chat is not None and met.partner is not None
