"""Private answers' use cases: the link, the answer in the private chat, the one reveal.

Only ids are kept: a private answer is the private chat's message id until the reveal copies
that message into the group (``copyMessage``), then the id is cleared. The words never pass
through the bot's database or logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.answers.service import ANSWER_WINDOW, Seen
from bot.features.private_answers import queries, rules
from bot.features.private_answers.queries import PostRow, Question
from bot.features.private_answers.rules import Hidden
from bot.kernel.actor import Actor
from bot.kernel.db.members import may_change
from bot.kernel.services import Services, Session

__all__ = ["PostRow", "Question"]


def _key(services: Services) -> bytes:
    # The bot token is the one secret every replica shares; only a key derived from it is used.
    token = services.settings.bot_token
    return rules.link_key(token.get_secret_value() if token is not None else "")


@dataclass(frozen=True)
class Link:
    """A press of "Answer privately": refused (``key``), or the payload of the partner's link."""

    key: str | None = None
    payload: str | None = None


@dataclass(frozen=True)
class Started:
    """What a /start link did: a kind refusal (``key``), or the question to show in private."""

    key: str | None = None
    entry_id: str | None = None
    other: str | None = None
    answered: bool = False  # they had answered already: a new answer replaces it


@dataclass(frozen=True)
class Saved:
    """A private message kept (``key`` says how) and the answer to record for the group."""

    key: str
    other: str | None = None
    seen: Seen | None = None
    post: PostRow | None = None


@dataclass(frozen=True)
class Reveal:
    """A claimed reveal: the answers to copy, in order. ``how``: both answered, or one shared."""

    post: PostRow
    answers: list[Hidden]
    how: str = "both"


@dataclass(frozen=True)
class Decision:
    """A press on "Share anyway" / "Keep it private"."""

    key: str
    reveal: Reveal | None = None


async def mode_of(services: Services, chat_id: int) -> str:
    """The chat's /private setting (on for a chat not stored yet)."""
    async with services.transaction() as session:
        return await queries.chat_mode(session, chat_id) or "on"


async def set_mode(services: Services, actor: Actor, typed: str) -> tuple[str, str]:
    """Change /private; (template key, mode) of the answer."""
    async with services.meeting(actor) as met:
        if met.chat is None or not await may_change(met, actor):
            return "private.only_couple", ""
        current = met.chat.private_mode
        if not typed.strip():
            return "private.usage", current
        mode = rules.parse_mode(typed)
        if mode is None:
            return "private.usage", current
        await queries.set_mode(met.session, met.chat.id, mode)
        return f"private.mode_{mode}", mode


async def link_for(services: Services, actor: Actor, message_id: int) -> Link:
    """The deep-link payload for the partner who pressed, bound to this post and to them."""
    async with services.meeting(actor) as met:
        if met.chat is None or met.partner is None:
            return Link(key="private.only_couple")
        if met.chat.private_mode == "off":
            return Link(key="private.switched_off")
        post = await queries.post_at(met.session, met.chat.id, message_id)
        if post is None or await _closed(met.session, post):
            return Link(key="private.too_late")
        return Link(payload=rules.payload_for(_key(services), post.id, met.partner.id))


async def _closed(session: Session, post: PostRow) -> bool:
    """Whether a post takes no more private answers: both answered (or revealed), or tonight's
    prompt replaced it."""
    if post.together_at is not None or await queries.is_revealed(session, post.id):
        return True
    return post.kind == "evening" and await queries.newer_evening(session, post)


async def start(services: Services, user_id: int, payload: str) -> Started:
    """/start <payload> in a private chat: check the link, then open this partner's answer."""
    found = rules.read_payload(_key(services), payload)
    if found is None:
        return Started(key="private.link_unknown")
    post_id, partner_id = found
    now = services.clock.now()
    async with services.transaction() as session:
        post = await queries.post_by_id(session, post_id)
        member = await queries.partner(session, partner_id)
        if post is None or member is None or not member.active or member.chat_id != post.chat_id:
            return Started(key="private.link_unknown")
        if member.user_id != user_id:
            return Started(key="private.link_not_yours")
        if await _closed(session, post):
            return Started(key="private.link_used")
        row = await queries.open_answer(session, post, member, now)
        other = await queries.other_name(session, post.chat_id, member.id)
        return Started(entry_id=post.entry_id, other=other, answered=row.message_id is not None)


async def save(services: Services, user_id: int, message_id: int, kind: str) -> Saved:
    """A message in the private chat: keep its id as the answer to the question opened last."""
    if kind not in rules.COPYABLE:
        return Saved(key="private.cannot_copy")
    now = services.clock.now()
    async with services.transaction() as session:
        opened = await queries.latest_open(session, user_id)
        if opened is None:
            return Saved(key="private.nothing_open")
        post = opened.post
        if await _closed(session, post):
            return Saved(key="private.link_used")
        replaced = await queries.save_answer(session, opened.row_id, message_id, kind, now)
        other = await queries.other_name(session, post.chat_id, opened.partner_id)
        partners, answered = await queries.partners_and_answers(session, post)
        # The other partner answered already: this answer completes the pair.
        completes = rules.all_answered(partners, [*answered, opened.partner_id])
    seen = Seen(
        chat_id=post.chat_id,
        user_id=user_id,
        name=opened.name,
        message_id=message_id,
        at=now,
        reply_to=post.message_id,
        private=True,
    )
    key = "private.saved_both" if completes else "private.replaced" if replaced else "private.saved"
    return Saved(key=key, other=other, seen=seen, post=post)


async def reveal_if_due(services: Services, post_id: int) -> Reveal | None:
    """Claim the post's reveal when both partners have answered and a private answer waits."""
    now = services.clock.now()
    async with services.transaction() as session:
        post = await queries.post_by_id(session, post_id)
        if post is None:
            return None
        partners, answered = await queries.partners_and_answers(session, post)
        if not rules.all_answered(partners, answered):
            return None
        hidden = await queries.hidden_answers(session, post.id)
        if not hidden or not await queries.claim_reveal(session, post, now, "both"):
            return None
    return Reveal(post, rules.reveal_order(hidden))


async def revealed(services: Services, states: dict[int, str]) -> None:
    """The reveal is done: each answer's outcome kept, its message id forgotten."""
    async with services.transaction() as session:
        await queries.finish_reveal(session, states)


async def due_reveals(services: Services) -> list[Reveal]:
    """Reveals a tick must do: pairs completed another way (in person, or a lost update)."""
    async with services.transaction() as session:
        posts = await queries.due_reveals(session, services.clock.now())
    found = []
    for post in posts:
        claimed = await reveal_if_due(services, post.id)
        if claimed is not None:
            found.append(claimed)
    return found


async def questions(services: Services) -> list[Question]:
    """Lone private answers whose window closed, each claimed for one "share anyway?"."""
    async with services.transaction() as session:
        return await queries.claim_questions(session, services.clock.now(), ANSWER_WINDOW)


async def question_sent(services: Services, row_id: int, message_id: int) -> None:
    """Note the private message that asked, so only its buttons answer."""
    async with services.transaction() as session:
        await queries.set_question_message(session, row_id, message_id)


async def decide(
    services: Services, user_id: int, row_id: int, message_id: int, *, share: bool
) -> Decision:
    """ "Share anyway" (reveal this answer alone) or "Keep it private" (forget its id)."""
    now = services.clock.now()
    async with services.transaction() as session:
        found = await queries.asked_row(session, row_id, user_id, message_id)
        if found is None:
            return Decision("private.question_gone")
        row, post = found
        if row.state != queries.HIDDEN or row.message_id is None:
            return Decision("private.already_decided")
        if not share:
            row.state, row.message_id = "kept", None
            return Decision("private.kept")
        if not await queries.claim_reveal(session, post, now, "shared"):
            return Decision("private.already_decided")
        member = await queries.partner(session, row.partner_id)
        name = member.display_name if member is not None else ""
        hidden = Hidden(row.id, row.partner_id, name, row.user_id, row.message_id, row.answered_at)
    return Decision("private.shared", Reveal(post, [hidden], how="shared"))


async def expire(services: Services) -> int:
    """Clear private message ids kept 48 hours; return how many went."""
    async with services.transaction() as session:
        return await queries.expire(session, services.clock.now())
