"""The one repeating job: plan due evenings, then send what is due."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from bot.features.activities.jobs import send_follow_ups
from bot.features.evening.jobs import Sender, SendResult
from bot.features.evening.service import PlanResult, plan_due
from bot.features.looking_back.jobs import send_recaps
from bot.features.nudges.jobs import send_nudges
from bot.features.private_answers.jobs import run_private_answers
from bot.kernel.db.census import census
from bot.kernel.db.engine import DatabaseError
from bot.kernel.services import Ctx, Services

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    """What one tick did."""

    planned: PlanResult
    sent: SendResult


class EveningJob:
    """Planner + sender, run by PTB's JobQueue every ``TICK_SECONDS`` on every replica."""

    def __init__(self, services: Services, sender: Sender) -> None:
        self.services = services
        self.sender = sender

    async def __call__(self, _context: Ctx) -> None:
        """JobQueue entry point."""
        await self.tick()

    async def tick(self) -> TickResult:
        """Plan every due chat (in batches), then send every due run."""
        started, metrics = time.perf_counter(), self.services.metrics
        total = await self.plan_due()
        sent = await self.send_due(total)
        bot = self.sender.bot
        # Smaller duties after the prompts, each claimed atomically so replicas share them.
        metrics.nudged(await send_nudges(self.services, bot))
        metrics.follow_up("asked", await send_follow_ups(self.services, bot))
        await send_recaps(self.services, bot)
        await run_private_answers(self.services, bot)
        await self.count()
        metrics.ticked(time.perf_counter() - started)
        if total.chats or sent.outcomes:
            log.info(
                "tick: planned %d, skipped %d late; send outcomes %s",
                total.planned,
                total.skipped_late,
                dict(sent.outcomes),
            )
        return TickResult(total, sent)

    async def plan_due(self) -> PlanResult:
        """Turn every due chat into a run, batch by batch (the tick's first half)."""
        total = await plan_due(self.services)
        self.services.metrics.planned(total.planned, total.skipped_late)
        return total

    async def count(self) -> None:
        """Refresh the gauges the database counts (active chats, runs waiting)."""
        try:
            async with self.services.transaction() as session:
                counted = await census(session, self.services.clock.now())
        except DatabaseError as exc:
            # The gauges keep their last values; the tick's real work is done.
            log.warning("could not count chats and runs for the metrics: %s", type(exc).__name__)
            return
        self.services.metrics.census(
            active_chats=counted.active_chats, runs_waiting=counted.runs_waiting
        )

    async def send_due(self, planned: PlanResult) -> SendResult:
        """Send what is due (the second half), planning on every ``TICK_SECONDS`` meanwhile.

        A crowd's fan-out can take minutes, and the JobQueue skips the ticks that fall in it;
        the next crowd must still be planned before its early start.
        """
        sending = asyncio.create_task(self.sender.send_due())
        while True:
            done, _ = await asyncio.wait({sending}, timeout=self.services.settings.tick_seconds)
            if done:
                return sending.result()
            try:
                planned.add(await self.plan_due())
            except Exception:
                # The sender carries on; the next tick plans again.
                log.exception("planning during a long fan-out failed")
