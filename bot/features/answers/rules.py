"""What a partner's message means for the prompts of their chat: pure decisions on plain values.

Nothing here reads the database or the clock: the service loads the rows, passes ``now`` (the
message's time) and writes what these functions decided.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

# A partner's plain message counts for the latest evening prompt for this long (when the bot
# can see every message: it is an admin, or privacy mode is off).
ANSWER_WINDOW = timedelta(hours=20)
ANSWERABLE = ("evening", "exercise")


@dataclass(frozen=True)
class Seen:
    """A partner's message that may answer a prompt. Who and when, never what they wrote."""

    chat_id: int
    user_id: int
    name: str
    message_id: int
    at: datetime
    # The bot's message this one replies to; None for a plain message (the bot sees them all).
    reply_to: int | None = None
    # Whether the bot is shown every group message (privacy mode off). When it is not, a plain
    # message counts only in a group where the bot is an admin: elsewhere it reached the bot
    # only because it mentions it, and a mention is not an answer.
    sees_all: bool = True
    # Given in the partner's private chat with the bot (``message_id`` is that chat's, and is
    # not stored with the answer: the private answers feature keeps it until the reveal).
    private: bool = False

    @property
    def how(self) -> str:
        """How the answer came: "reply", "message" or "private"."""
        if self.private:
            return "private"
        return "message" if self.reply_to is None else "reply"


@dataclass(frozen=True)
class PostFacts:
    """What the answers need to know of one of the bot's posts."""

    id: int
    chat_id: int
    message_id: int
    kind: str
    entry_id: str | None
    posted_at: datetime
    done_at: datetime | None
    first_answer_at: datetime | None
    together_at: datetime | None
    in_person: bool
    apart: bool = False  # posted with "We called" (the chat was on /distance)


@dataclass(frozen=True)
class Member:
    """A partner of a chat, as stored."""

    id: int
    user_id: int
    display_name: str
    active: bool


@dataclass(frozen=True)
class PartnerMark:
    """One partner's line in the status under a prompt."""

    name: str
    answered: bool
    private: bool = False  # answered in their private chat with the bot: a lock by the tick


@dataclass(frozen=True)
class AnswerState:
    """Where a post stands after an answer: what its status line shows."""

    post_id: int
    message_id: int
    entry_id: str | None
    kind: str
    in_person: bool
    done: bool
    partners: tuple[PartnerMark, ...]
    together: bool
    changed: bool  # something new was recorded, so the prompt's status needs an edit
    private_mode: str = "on"  # the chat's /private setting, for the buttons
    apart: bool = False  # the prompt carries "We called" rather than "We talked in person"
    language: str = "en"  # the chat's language, for the status line and the buttons


class Outcome(enum.Enum):
    """What a message meant for the prompt it answers."""

    UNKNOWN = "unknown"  # not a known partner here: register them first, then try again
    IGNORED = "ignored"  # answers nothing that is open
    UNCHANGED = "unchanged"  # this partner had answered already
    STALE = "stale"  # a reply to a prompt a newer evening prompt replaced: a kind word, no count
    PRIVATE_ONLY = "private_only"  # /private only: a group reply points to the private button
    RECORDED = "recorded"  # a new answer: the prompt's status line needs an edit


@dataclass(frozen=True)
class Result:
    """The outcome, and the post's new state when something was recorded."""

    outcome: Outcome
    state: AnswerState | None = None


@dataclass
class ChatRows:
    """One chat's rows in a batch: its partners (first to join first) and the posts it may answer."""

    partners: list[Member] = field(default_factory=list)
    posts: list[PostFacts] = field(default_factory=list)
    # Whether the bot is one of the group's admins (so it sees every message); loaded only for
    # plain messages the bot would not see otherwise.
    bot_is_admin: bool = False
    # The newest evening prompt posted after the oldest post a reply of the batch points at.
    newest_evening_at: datetime | None = None
    private_mode: str = "on"
    language: str = "en"


@dataclass
class Pending:
    """What a batch knows and has decided so far, message after message."""

    answered: set[tuple[int, int]]  # (post id, partner id), stored or decided in this batch
    private: set[tuple[int, int]] = field(default_factory=set)  # those answered privately
    answers: list[dict[str, object]] = field(default_factory=list)  # rows to insert
    posts: dict[int, PostFacts] = field(default_factory=dict)  # posts with new stamps, by id


def answers_what(seen: Seen, posts: Sequence[PostFacts]) -> PostFacts | None:
    """The post a message answers: the one replied to, or the chat's open evening prompt."""
    if seen.reply_to is not None:
        return next(
            (p for p in posts if p.message_id == seen.reply_to and p.kind in ANSWERABLE), None
        )
    evenings = [p for p in posts if p.kind == "evening"]
    if not evenings:
        return None
    latest = max(evenings, key=lambda p: (p.posted_at, p.id))
    return latest if is_open(latest, seen.at) else None


def sees_everything(seen: Seen, chat: ChatRows) -> bool:
    """Whether the bot is shown every message of this chat, so a plain one may be an answer."""
    return seen.sees_all or chat.bot_is_admin


def superseded(post: PostFacts, chat: ChatRows) -> bool:
    """Whether the next evening prompt came after this post: replies to it no longer count.

    An evening prompt ends at the next one. An exercise a couple asked for during the day stays
    answerable through that evening's prompt, and ends at the first one after its window.
    """
    if chat.newest_evening_at is None:
        return False
    grace = timedelta(0) if post.kind == "evening" else ANSWER_WINDOW
    return chat.newest_evening_at > post.posted_at + grace


def is_open(post: PostFacts, now: datetime) -> bool:
    """Whether a plain message at ``now`` still answers this evening prompt."""
    return now - post.posted_at <= ANSWER_WINDOW


def decide(seen: Seen, chat: ChatRows, pending: Pending) -> Result:
    """What one message means, given what is stored and what the batch decided before it.

    A plain message counts only where the bot sees every message (else it is a mention), and
    only while tonight's prompt is open; a reply counts until the next evening prompt.
    """
    if seen.reply_to is None and not sees_everything(seen, chat):
        return Result(Outcome.IGNORED)
    partner = next((p for p in chat.partners if p.user_id == seen.user_id), None)
    if partner is None or not partner.active or partner.display_name != seen.name:
        return Result(Outcome.UNKNOWN)
    post = answers_what(seen, chat.posts)
    if post is None:
        return Result(Outcome.IGNORED)
    if seen.reply_to is not None and superseded(post, chat):
        return Result(Outcome.STALE)
    if chat.private_mode == "only" and not seen.private:
        return Result(Outcome.PRIVATE_ONLY)
    post = pending.posts.get(post.id, post)  # with this batch's stamps
    if (post.id, partner.id) in pending.answered:
        return Result(Outcome.UNCHANGED)
    pending.answered.add((post.id, partner.id))
    if seen.private:
        pending.private.add((post.id, partner.id))
    pending.answers.append(
        {
            "post_id": post.id,
            "partner_id": partner.id,
            "answered_at": seen.at,
            # A private chat's message id means nothing in the group: not kept here.
            "message_id": None if seen.private else seen.message_id,
            "how": seen.how,
        }
    )
    marks = tuple(
        PartnerMark(
            p.display_name, (post.id, p.id) in pending.answered, (post.id, p.id) in pending.private
        )
        for p in chat.partners
        if p.active
    )
    post = settle(post, marks, seen.at)
    pending.posts[post.id] = post
    return Result(
        Outcome.RECORDED,
        state_of(post, marks, changed=True, private_mode=chat.private_mode, language=chat.language),
    )


def settle(post: PostFacts, marks: Sequence[PartnerMark], now: datetime) -> PostFacts:
    """The post after an answer at ``now``: its first answer and "together" times stamped once."""
    first = post.first_answer_at or now
    together_at = post.together_at
    if together_at is None and together(post, marks):
        together_at = now
    if (first, together_at) == (post.first_answer_at, post.together_at):
        return post
    return replace(post, first_answer_at=first, together_at=together_at)


def together(post: PostFacts, marks: Sequence[PartnerMark]) -> bool:
    """Whether the couple answered together: both partners, or the in-person button."""
    # A couple is two people: both registered partners, or the in-person button.
    return post.in_person or (len(marks) >= 2 and all(m.answered for m in marks))


def state_of(
    post: PostFacts,
    marks: Sequence[PartnerMark],
    *,
    changed: bool,
    private_mode: str = "on",
    language: str = "en",
) -> AnswerState:
    """The status line's values for a post and its partners' marks."""
    return AnswerState(
        post_id=post.id,
        message_id=post.message_id,
        entry_id=post.entry_id,
        kind=post.kind,
        in_person=post.in_person,
        done=post.done_at is not None,
        partners=tuple(marks),
        together=together(post, marks),
        changed=changed,
        private_mode=private_mode,
        apart=post.apart,
        language=language,
    )
