"""/exercise use cases: pick an entry now, remember its post, and its two buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.features.exercise import queries, rules
from bot.kernel.actor import Actor
from bot.kernel.db import uses
from bot.kernel.db.models import Chat
from bot.kernel.services import Services, Session
from bot.library.picker import Pick, pick, seed_for
from bot.library.schema import Category, Exercise, Library, Prompt


@dataclass(frozen=True)
class Limited:
    """Refused for now; ``key`` names the friendly explanation."""

    key: str


@dataclass(frozen=True)
class Pressed:
    """What a button press did: refused (``key``), done (``first`` time or not), or a new pick."""

    key: str | None = None
    done: bool = False
    first: bool = False
    entry: Prompt | Exercise | None = None
    limited: Limited | None = None


async def choose(services: Services, actor: Actor, category: Category | None) -> Pick | Limited:
    """Pick an entry for a new /exercise post, unless the chat asked for many just now."""
    async with services.meeting(actor) as met:
        assert met.chat is not None
        if rules.too_many_posts(
            await queries.recent_posts(met.session, met.chat.id, met.now - rules.WINDOW)
        ):
            return Limited("exercise.too_many")
        return await _pick(met.session, met.chat, services.library.current, category, met.now)


async def _pick(
    session: Session, chat: Chat, library: Library, category: Category | None, now: datetime
) -> Pick | Limited:
    history = await uses.history(session, chat.id)
    chosen = pick(
        library,
        history,
        uses.preferences_of(chat, now),
        seed=seed_for(chat.id, chat.picks),
        kinds=rules.KINDS,
        category=category,
    )
    return chosen if chosen is not None else Limited("exercise.empty")


async def record(
    services: Services, chat_id: int, chosen: Pick, message_id: int, category: Category | None
) -> None:
    """Remember a posted entry (after the send, so no lock is held while Telegram answers)."""
    now = services.clock.now()
    async with services.transaction() as session:
        chat = await session.get(Chat, chat_id)
        if chat is None:
            return
        uses.record_pick(session, chat, chosen, now)
        category_id = category.value if category else None
        queries.add_post(session, chat.id, chosen.entry.id, message_id, category_id, now)


async def press(services: Services, actor: Actor, message_id: int, action: str) -> Pressed:
    """ "We did this" (``done``) or "Another one" (``another``) on an /exercise post."""
    library = services.library.current
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return Pressed(key="exercise.only_couple")
        post = await queries.find_post(met.session, met.chat.id, message_id)
        if post is None:
            return Pressed(key="exercise.gone")
        if action == "done":
            first = post.done_at is None
            post.done_at = post.done_at or met.now
            entry = library.get(post.entry_id or "")
            talk = entry if isinstance(entry, Prompt | Exercise) else None
            return Pressed(done=True, first=first, entry=talk)
        refused = rules.refresh_refused(
            post.refreshes, post.refreshed_at or post.posted_at, met.now
        )
        if refused is not None:
            return Pressed(limited=Limited(refused))
        category = Category(post.category) if post.category else None
        chosen = await _pick(met.session, met.chat, library, category, met.now)
        if isinstance(chosen, Limited):
            return Pressed(limited=chosen)
        uses.record_pick(met.session, met.chat, chosen, met.now)
        post.entry_id = chosen.entry.id
        post.refreshes += 1
        post.refreshed_at = met.now
        assert isinstance(chosen.entry, Prompt | Exercise)
        return Pressed(entry=chosen.entry)
