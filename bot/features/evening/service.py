"""The evening's use cases: plan due chats into runs, claim and prepare them, record outcomes.

Planning turns due chats into runs, one per chat and local date, whatever happens. The sender
(``jobs.py``) claims runs with a lease, gets each one's message ready here, posts it, and hands
back what Telegram answered; recording it is the third use case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.features.activities import service as activities
from bot.features.activities.service import Evening
from bot.features.evening import queries as runs
from bot.features.evening.queries import Claimed
from bot.features.evening.rules import (
    FAILED,
    MAX_EARLY,
    MAYBE_SENT,
    PENDING,
    SENT,
    SKIPPED,
    NewRun,
    crowd_order,
    lead,
    next_look,
    retry_at,
    run_for,
    send_times,
)
from bot.features.exercise import service as exercise
from bot.features.exercise.service import EveningSlot
from bot.kernel.db import chats as chat_queries
from bot.kernel.db import uses
from bot.kernel.db.models import Chat
from bot.kernel.services import Services, Session
from bot.library.activities import ActivityPick
from bot.library.picker import History, Pick, pick, seed_for
from bot.library.schema import Exercise, Kind
from bot.schedule.plan import is_recap_evening, reschedule

log = logging.getLogger(__name__)


@dataclass
class PlanResult:
    """What one planning pass did."""

    planned: int = 0
    skipped_late: int = 0
    already_planned: int = 0

    @property
    def chats(self) -> int:
        """How many due chats were looked at."""
        return self.planned + self.skipped_late + self.already_planned

    def add(self, other: PlanResult) -> None:
        """Count another pass in."""
        self.planned += other.planned
        self.skipped_late += other.skipped_late
        self.already_planned += other.already_planned


async def plan(
    session: Session,
    now: datetime,
    due_at: datetime,
    schedule: Mapping[int, datetime],
    *,
    catch_up: timedelta,
) -> PlanResult:
    """Create runs for chats of the crowd due at ``due_at``; move each chat on to its next slot.

    ``schedule`` gives each chat of this batch its moment in the crowd's schedule. A slot more
    than ``catch_up`` late (the bot was down) is recorded as skipped rather than sent at an odd
    hour. The run's (chat, local date) key is unique, so two replicas planning at once, or a
    restart mid-pass, cannot create a second prompt for the same evening.
    """
    result = PlanResult()
    chats = await runs.lock_crowd(session, due_at, list(schedule))
    planned: list[NewRun] = []
    for chat in chats:
        planned.append(
            run_for(chat.id, due_at, chat.next_slot_date, now, catch_up, schedule[chat.id])
        )
    # One statement for the whole batch: a round trip per chat made planning 10,000 due chats
    # take seconds.
    inserted = await runs.add_runs(session, planned)
    for chat, run in zip(chats, planned, strict=True):
        if (run.chat_id, run.local_date) not in inserted:
            result.already_planned += 1
        elif run.status == SKIPPED:
            result.skipped_late += 1
        else:
            result.planned += 1
        chat.last_slot_date = run.local_date
        if chat.skip_date is not None and chat.skip_date <= run.local_date:
            chat.skip_date = None
        if chat.paused and chat.paused_until is not None and chat.paused_until <= now:
            chat.paused, chat.paused_until = False, None
        reschedule(chat, next_look(run.due_at, now, catch_up))
    await runs.move_on(session, chats)
    return result


PLAN_BATCH = 2000
MAX_PLAN_PASSES = 50


async def plan_due(services: Services) -> PlanResult:
    """Plan every crowd whose sending starts before the next tick, batch by batch.

    A crowd is the chats whose slot falls on one moment. Sending one takes N/R seconds at
    Telegram's rate R, so it starts N/(2R) early (``rules.lead``) and the chosen moment falls in
    its middle. It is planned a tick or two before that start (``Settings.ahead``), in the
    order it is sent (``rules.crowd_order``), one transaction a batch.
    """
    settings = services.settings
    catch_up = timedelta(minutes=settings.catch_up_minutes)
    rate, ahead = settings.send_rate, settings.ahead
    total = PlanResult()
    # A chat back from downtime may owe a skipped slot and then a current one: a few passes
    # settle it. Bounded, so a bug can never spin the tick.
    for _ in range(MAX_PLAN_PASSES):
        now = services.clock.now()
        # A tick early: a crowd of thousands takes a moment to plan, and the next tick may
        # come just before its first send.
        horizon = now + 2 * ahead
        async with services.transaction() as session:
            found = await runs.crowds(session, horizon + MAX_EARLY)
        ready = [due for due, count in found if due - lead(count, rate) <= horizon]
        passed = PlanResult()
        for due_at in ready:
            passed.add(await _plan_crowd(services, now, due_at, rate, catch_up))
        total.add(passed)
        if passed.chats == 0:
            break
    if total.skipped_late:
        log.warning(
            "skipped %d evening prompts that were over %s late", total.skipped_late, catch_up
        )
    return total


async def _plan_crowd(
    services: Services, now: datetime, due_at: datetime, rate: float, catch_up: timedelta
) -> PlanResult:
    """Plan the chats due at ``due_at``: each gets its moment in the crowd's schedule."""
    async with services.transaction() as session:
        order = crowd_order(await runs.crowd_ids(session, due_at), due_at)
    moments = send_times(due_at, len(order), rate)
    result = PlanResult()
    for start in range(0, len(order), PLAN_BATCH):
        batch = dict(zip(order[start : start + PLAN_BATCH], moments[start:], strict=False))
        async with services.transaction() as session:
            result.add(await plan(session, now, due_at, batch, catch_up=catch_up))
    return result


@dataclass(frozen=True)
class Prepared:
    """A claimed run with its evening decided: a prompt (``pick``), an offer, or a rest."""

    claim: Claimed
    active: bool  # the chat exists and is active
    plan: Evening = Evening.PROMPT
    pick: Pick | None = None
    offer: ActivityPick | None = None
    apart: bool = False  # the chat is on /distance: "We called", activities done apart
    in_recap: bool = False  # a quiet evening's offer left to the weekly recap that follows
    private_mode: str = "on"  # the chat's /private setting: the prompt's "Answer privately" row
    language: str = "en"  # the chat's: the words and the entry's texts (the pick is the same)


@dataclass(frozen=True)
class Sent:
    """What became of one send, as the sender saw it (plain values)."""

    # sent | rest | in_recap | retry | transient | maybe_sent | forbidden | migrated | failed |
    # released
    kind: str
    message_id: int | None = None
    delay: float = 0.0
    new_chat_id: int | None = None
    reason: str | None = None
    at: datetime | None = None  # when Telegram took it: the post's time, for answers and nudges


async def claim(
    services: Services,
    *,
    owner: str,
    lease: timedelta,
    limit: int,
    ahead: timedelta = timedelta(0),
) -> list[Claimed]:
    """Atomically take up to ``limit`` runs due within ``ahead`` (and sends whose lease expired)."""
    now = services.clock.now()
    async with services.transaction() as session:
        return await runs.claim_runs(
            session, now, owner=owner, lease=lease, limit=limit, until=now + ahead
        )


async def next_due(services: Services) -> datetime | None:
    """When the next pending run is to be sent (None when none is)."""
    async with services.transaction() as session:
        return await runs.next_pending(session)


async def prepare(services: Services, claimed: Sequence[Claimed]) -> list[Prepared]:
    """Decide each claimed run's evening: the quiet rule, an exercise evening, then the picker
    (no repeats). A quiet spell's offer or rest comes before an exercise evening."""
    ids = [c.chat_id for c in claimed]
    now = services.clock.now()
    library = services.library.current
    async with services.transaction() as session:
        found = await runs.chats_by_id(session, ids)
        tonight, together = await activities.evenings(session, list(found.values()), now, library)
        histories = await uses.histories(session, ids, together)
        slots = [
            EveningSlot(item.id, chat, item.local_date, histories.get(chat.id, History()))
            for item in claimed
            if (chat := found.get(item.chat_id)) is not None
            and tonight[chat.id].plan == Evening.PROMPT
            and tonight[chat.id].offer is None
        ]
        exercises = await exercise.exercise_evenings(session, slots, library, now)
    prepared = []
    for item in claimed:
        chat = found.get(item.chat_id)
        if chat is None:
            prepared.append(Prepared(item, active=False))
            continue
        evening = tonight[chat.id]
        if evening.offer is not None and is_recap_evening(chat, item.local_date):
            # The recap comes a minute later and carries the offer: one message, not two.
            prepared.append(Prepared(item, chat.active, evening.plan, in_recap=True))
            continue
        if evening.offer is not None:
            prepared.append(
                Prepared(
                    item,
                    chat.active,
                    evening.plan,
                    offer=evening.offer,
                    apart=chat.distance,
                    language=chat.language,
                )
            )
            continue
        chosen = exercises.get(item.id) or pick(
            library,
            histories.get(chat.id, History()),
            uses.preferences_of(chat, now),
            seed=seed_for(chat.id, chat.picks),
            kinds=(Kind.PROMPT,),
        )
        prepared.append(
            Prepared(
                item,
                chat.active,
                evening.plan,
                pick=chosen,
                apart=chat.distance,
                private_mode=chat.private_mode,
                language=chat.language,
            )
        )
    return prepared


async def record(services: Services, done: Sequence[tuple[Prepared, Sent]], owner: str) -> None:
    """Write what became of each send, in one transaction; posts, uses and offers included."""
    now = services.clock.now()
    changes: list[dict[str, Any]] = []
    released: list[int] = []
    async with services.transaction() as session:
        # One query for every chat that got a post, instead of one per post.
        posted = [job.claim.chat_id for job, outcome in done if outcome.kind == "sent"]
        chats = await runs.chats_by_id(session, posted) if posted else {}
        for job, outcome in done:
            item = job.claim
            if outcome.kind == "released":
                released.append(item.id)
                continue
            change: dict[str, Any] = {"id": item.id, "lease_owner": None, "lease_until": None}
            if outcome.kind == "sent":
                # The moment it went out, not this write's: answers and nudges count from it.
                sent_at = outcome.at or now
                change.update(status=SENT, message_id=outcome.message_id, sent_at=sent_at)
                chat = chats.get(item.chat_id)
                if chat is not None:
                    change.update(
                        _record_post(session, chat, job, outcome.message_id or 0, sent_at)
                    )
            elif outcome.kind == "in_recap":
                change.update(status=SKIPPED, reason="in_recap", kind="activity")
            elif outcome.kind == "rest":
                change.update(status=SKIPPED, reason=outcome.reason, kind="rest")
            elif outcome.kind == "retry":
                change.update(
                    status=PENDING, not_before=now + timedelta(seconds=max(outcome.delay, 1))
                )
            elif outcome.kind == "transient" and (again := retry_at(item.attempts, now)):
                change.update(status=PENDING, not_before=again, reason=outcome.reason)
            elif outcome.kind == "migrated" and outcome.new_chat_id is not None:
                await chat_queries.migrate_chat(session, item.chat_id, outcome.new_chat_id)
                change.update(status=PENDING, not_before=now)
            elif outcome.kind == "forbidden":
                await chat_queries.deactivate(session, item.chat_id)
                change.update(status=FAILED, reason="forbidden")
            elif outcome.kind == "maybe_sent":
                change.update(status=MAYBE_SENT, reason=outcome.reason)
            else:
                change.update(status=FAILED, reason=outcome.reason or "gave_up")
            changes.append(change)
        await runs.insert_new_rows(session)
        await runs.finish(session, changes)
        await runs.release(session, released, owner)


def _record_post(
    session: Session, chat: Chat, job: Prepared, message_id: int, now: datetime
) -> dict[str, Any]:
    """Remember the post (for answers) or the offer, and the library use; return run changes."""
    if job.offer is not None:
        activities.record_offer(
            session, chat, job.offer, message_id=message_id, source="evening", now=now
        )
        return {"kind": "activity"}
    assert job.pick is not None
    entry = job.pick.entry
    uses.record_pick(session, chat, job.pick, now)
    runs.add_post(session, chat.id, message_id, entry.id, job.claim.id, now, apart=job.apart)
    if isinstance(entry, Exercise):
        return {"entry_id": entry.id, "kind": "exercise"}
    return {"entry_id": entry.id}
