"""Activities' use cases: quiet evenings' offers, /activity, the couple's choices, follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.features.activities import queries, rules
from bot.features.activities.rules import Evening as Evening
from bot.features.activities.rules import Filters
from bot.kernel.actor import Actor
from bot.kernel.db import chats as chat_queries
from bot.kernel.db.models import Chat
from bot.kernel.services import Services, Session
from bot.library.activities import ActivityPick
from bot.library.schema import Activity, Library

# The /activity source keeps its filter words, so "Another idea" keeps to them.
ON_DEMAND = "on_demand"
SOURCE_LENGTH = 64  # suggestions.source


@dataclass(frozen=True)
class Tonight:
    """What a chat's evening brings: a question, an offer of activities, or a rest."""

    plan: Evening
    offer: ActivityPick | None = None


async def evenings(
    session: Session, chats: Sequence[Chat], now: datetime, library: Library, *, count: int = 3
) -> tuple[dict[int, Tonight], dict[int, int]]:
    """Each chat's evening (by the quiet rule), and its evenings together lately (for depth)."""
    pulse_of, together = await queries.pulses(session, chats, now)
    tonight: dict[int, Tonight] = {}
    for chat in chats:
        plan = rules.plan_evening(pulse_of[chat.id], now)
        if plan == Evening.ACTIVITY:
            used = await queries.used_ids(session, chat)
            offer = rules.choose(library, chat, used, now, count=count)
            # Nothing fits their preferences: a question after all.
            tonight[chat.id] = Tonight(plan, offer) if offer.activities else Tonight(Evening.PROMPT)
        else:
            tonight[chat.id] = Tonight(plan)
    return tonight, together


async def idea_for_the_week(
    session: Session, chat: Chat, now: datetime, library: Library
) -> Activity | None:
    """One activity for the recap to suggest, with the same rules as a quiet evening's offer."""
    used = await queries.used_ids(session, chat)
    try:
        offered = rules.choose(library, chat, used, now, count=1)
    except ValueError:
        # A preference the library no longer knows: better no activity than no recap.
        return None
    return offered.activities[0] if offered.activities else None


def record_offer(
    session: Session,
    chat: Chat,
    offered: ActivityPick,
    *,
    message_id: int,
    source: str,
    now: datetime,
) -> None:
    """Remember an offer the caller posted (the evening sender, inside its transaction)."""
    queries.add_offer(
        session,
        chat,
        [a.id for a in offered.activities],
        new_cycle=offered.new_cycle,
        message_id=message_id,
        source=source,
        now=now,
    )


async def suggest(services: Services, actor: Actor, filters: Filters) -> ActivityPick:
    """One activity for /activity, narrowed by the filters (none when nothing fits)."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        used = await queries.used_ids(met.session, met.chat)
        return rules.choose(
            services.library.current, met.chat, used, met.now, count=1, filters=filters
        )


async def suggested(
    services: Services, chat_id: int, offered: ActivityPick, words: list[str], message_id: int
) -> None:
    """Remember an /activity idea once posted (its filter words ride along in the source)."""
    now = services.clock.now()
    async with services.transaction() as session:
        chat = await session.get(Chat, chat_id)
        if chat is None:
            return
        source = ":".join([ON_DEMAND, *words])[:SOURCE_LENGTH]
        record_offer(session, chat, offered, message_id=message_id, source=source, now=now)


@dataclass(frozen=True)
class Pressed:
    """What a press on an offer did: refused (``key``), an answer to show, an edit to make."""

    key: str | None = None  # a refusal: only the couple may press
    answer: str | None = None  # template key of the short answer under the press
    chosen: Activity | None = None  # the activity chosen (for the answer's title)
    edit: str | None = None  # template key the message becomes (declined / chosen)
    another: Activity | None = None  # "Another idea": the offer shows this one instead
    apart: bool = False  # the couple is apart: show how to do it apart


async def press_offer(services: Services, actor: Actor, message_id: int, data: str) -> Pressed:
    """A choice or "Not now" on a quiet evening's offer, or "Let's do this" / "Another idea"."""
    library = services.library.current
    async with services.meeting(actor) as met:
        chat = met.chat
        if chat is None or met.partner is None:
            return Pressed(key="activities.only_couple")
        offer = await queries.offer_in(met.session, chat.id, message_id)
        if offer is None:
            return Pressed()
        options = offer.options.split(",")
        if data == rules.ANOTHER:
            used = await queries.used_ids(met.session, chat)
            filters = rules.filters_from(offer.source.split(":")[1:])
            offered = rules.choose(library, chat, used, met.now, count=1, filters=filters)
            if not offered.activities:
                return Pressed()
            offer.options = ",".join(a.id for a in offered.activities)
            return Pressed(another=offered.activities[0], apart=offered.apart)
        if data == rules.NOT_NOW:
            if not rules.decline(offer, chat, met.now):
                return Pressed(answer="activities.already_answered")
            return Pressed(answer="activities.declined", edit="activities.declined")
        index = rules.option_index(data)
        chosen = rules.activity_of(library, options[index] if index < len(options) else None)
        if chosen is None or not rules.choose_option(offer, chat, chosen.id, met.now):
            return Pressed(answer="activities.already_answered")
        return Pressed(answer="activities.chosen", chosen=chosen, edit="activities.chosen")


async def answer_follow_up(services: Services, actor: Actor, message_id: int, outcome: str) -> str:
    """Done / not yet / skip on a follow-up: "only_couple", "already" or "recorded"."""
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return "only_couple"
        offer = await queries.follow_up_in(met.session, met.chat.id, message_id)
        if offer is None or not rules.answer_follow_up(offer, outcome, met.now):
            return "already"
        return "recorded"


@dataclass(frozen=True)
class FollowUp:
    """A follow-up to ask: which offer, in which chat, about which activity."""

    offer_id: int
    chat_id: int
    activity: Activity  # in the chat's language
    language: str = "en"  # the chat's


async def due_follow_ups(services: Services) -> list[FollowUp]:
    """Claim the follow-ups that are due (each once, whatever the replicas)."""
    async with services.transaction() as session:
        claimed = await queries.claim_follow_ups(session, services.clock.now())
        found = await queries.offers(session, claimed)
        languages = await chat_queries.languages_of(session, sorted({o.chat_id for o in found}))
    due = []
    for offer in found:
        language = languages.get(offer.chat_id, services.languages.default)
        activity = rules.activity_of(services.library_for(language), offer.chosen_id)
        if activity is not None:
            due.append(FollowUp(offer.id, offer.chat_id, activity, language))
    return due


async def follow_up_sent(services: Services, offer_id: int, message_id: int) -> None:
    """Remember the follow-up's message, so its buttons find the offer."""
    async with services.transaction() as session:
        await queries.set_follow_up_message(session, offer_id, message_id)
