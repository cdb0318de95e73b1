"""Database tables.

Privacy by design: nothing here can hold the text a partner wrote. We keep who answered, when,
and the Telegram message id — enough for the features, useless to anyone reading the database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.kernel.db.types import BigIntPK, UTCDateTime

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EVERY_DAY = 0b1111111  # Monday is bit 0


class Base(DeclarativeBase):
    """Declarative base with naming conventions."""

    metadata = MetaData(naming_convention=NAMING)


class Chat(Base):
    """A group the bot is in, with the couple's settings."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    member_count: Mapped[int | None] = mapped_column(Integer)
    bot_is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Who added the bot: in a group bigger than a couple, they confirm the second partner.
    added_by: Mapped[int | None] = mapped_column(BigInteger)

    # The evening prompt: local time in the couple's zone, on the chosen weekdays.
    timezone: Mapped[str] = mapped_column(String(64))
    send_minute: Mapped[int] = mapped_column(Integer, default=20 * 60 + 30)
    days: Mapped[int] = mapped_column(Integer, default=EVERY_DAY)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    skip_date: Mapped[date | None] = mapped_column(Date)
    # The last local date that got an evening slot (sent or skipped): never plan it twice.
    last_slot_date: Mapped[date | None] = mapped_column(Date)
    # When the planner should next look at this chat, and for which local date; indexed so a
    # tick reads only the chats that are due, however many chats there are.
    next_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_slot_date: Mapped[date | None] = mapped_column(Date)

    # Gentle reminders: one per prompt, after a delay, never in the chat's quiet hours.
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    nudge_delay_minutes: Mapped[int] = mapped_column(Integer, default=120)
    quiet_start_minute: Mapped[int] = mapped_column(Integer, default=22 * 60 + 30)
    quiet_end_minute: Mapped[int] = mapped_column(Integer, default=8 * 60)

    # The weekly recap, on a local weekday (Monday is 0) at the evening time.
    recap_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    recap_weekday: Mapped[int] = mapped_column(Integer, default=6)
    next_recap_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    # Exercise evenings: on one local weekday (Monday is 0) the evening post is a guided exercise.
    exercise_evenings: Mapped[bool] = mapped_column(Boolean, default=True)
    exercise_weekday: Mapped[int] = mapped_column(Integer, default=6)

    # Joint activities for quiet spells: no new suggestion before the cooldown ends.
    activity_cooldown_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    activity_cycle: Mapped[int] = mapped_column(Integer, default=0)
    pref_cost: Mapped[str | None] = mapped_column(String(8))
    pref_place: Mapped[str | None] = mapped_column(String(8))
    pref_energy: Mapped[str | None] = mapped_column(String(8))

    # What the picker may choose: /depth (auto | light | medium | deep), the topics turned off
    # and the opt-in decks turned on (comma-separated ids), and the opt-in to tender topics.
    depth: Mapped[str] = mapped_column(String(8), default="auto", server_default="auto")
    disabled_categories: Mapped[str] = mapped_column(String(255), default="")
    decks: Mapped[str] = mapped_column(String(255), default="", server_default="")
    tender: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Long distance: "We called" instead of "We talked in person", activities done apart.
    distance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    picks: Mapped[int] = mapped_column(Integer, default=0)
    # Private answers revealed together: "on" (a button under each prompt), "off", or "only"
    # (answers count only when given privately; a group reply gets a pointer to the button).
    private_mode: Mapped[str] = mapped_column(String(8), default="on", server_default="on")


class Run(Base):
    """One evening slot of one chat: unique per local date, so a day never gets two prompts.

    Status moves pending -> sending -> sent (or skipped / failed / maybe_sent). ``sending``
    carries a lease: a sender that dies leaves it to expire, and another sender takes it over.
    """

    __tablename__ = "runs"
    __table_args__ = (
        UniqueConstraint("chat_id", "local_date"),
        Index("ix_runs_status_not_before", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="prompt")
    status: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    recovered: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(String(32))


class Partner(Base):
    """A member of a couple's group who has interacted with the bot."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now())
    # Their own zone (/timezone me), for the nudge's quiet hours; None: the chat's zone.
    timezone: Mapped[str | None] = mapped_column(String(64))


class Confirmation(Base):
    """A question the bot asked with Yes/No buttons that only its own answer may settle.

    ``forget``: delete the chat's data; ``partner``: is this member the second partner. The
    button's callback data carries the token; the answer must come on the same message, before
    it expires, and only once.
    """

    __tablename__ = "confirmations"
    __table_args__ = (Index("ix_confirmations_chat_kind", "chat_id", "kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # For ``partner``: who is asked about, and the name to greet them by.
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    subject_name: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(8))


class EntryUse(Base):
    """One library entry shown to a chat, for the no-repeat rule."""

    __tablename__ = "entry_uses"
    __table_args__ = (Index("ix_entry_uses_chat_cycle", "chat_id", "cycle"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    entry_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32))
    cycle: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Post(Base):
    """A message the bot posted that partners can answer or act on."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("chat_id", "message_id"),
        # A chat's latest prompts (the open one, the last few evenings) without its whole past.
        Index("ix_posts_chat_posted", "chat_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    # The topic asked for with /exercise <category>, so "Another one" stays on it.
    category: Mapped[str | None] = mapped_column(String(32))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who answered: the first answer, both (or "we talked in person"), and the one nudge.
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    together_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_person: Mapped[bool] = mapped_column(Boolean, default=False)
    # The prompt carried "We called" (the chat was on /distance), so its edits keep that button.
    apart: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Presses of "Another one" on this post, for the per-chat flood limit.
    refreshes: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Answer(Base):
    """A partner answered a post: who, when, and how. Never what they wrote."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("post_id", "partner_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    how: Mapped[str] = mapped_column(String(8))  # reply | message | button


class Suggestion(Base):
    """Joint activities offered to a chat, and what the couple made of them."""

    __tablename__ = "suggestions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(64))  # evening | on_demand[:filter...]
    options: Mapped[str] = mapped_column(String(255))  # activity ids, comma-separated
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    suggested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    chosen_id: Mapped[str | None] = mapped_column(String(64))
    chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    follow_up_message_id: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str | None] = mapped_column(String(8))  # done | not_yet | skip
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PrivateAnswer(Base):
    """A partner's answer given in their private chat with the bot, hidden until the reveal.

    Only the private chat's message id is kept (never what it says); the reveal copies the
    message into the group with ``copyMessage``. The id is cleared after the reveal, a "keep it
    private", /forget, or 48 hours at the latest.
    """

    __tablename__ = "private_answers"
    __table_args__ = (
        UniqueConstraint("post_id", "partner_id"),
        Index("ix_private_answers_user_opened", "user_id", "opened_at"),
        # The tick's searches (reveals due, "share anyway?", ids to clear) read only the
        # waiting answers, however many revealed ones the table keeps.
        Index("ix_private_answers_state_answered", "state", "answered_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)  # the private chat's id
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(16))  # text | voice | photo | ... never content
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    # hidden -> revealed | withdrawn | shared | kept (or expired: the id cleared unrevealed)
    state: Mapped[str] = mapped_column(String(12), default="hidden")
    # When the window closed on this answer alone: the "share anyway?" question, once.
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked_message_id: Mapped[int | None] = mapped_column(BigInteger)


class PrivateReveal(Base):
    """The one reveal of a post's private answers: its primary key makes it happen once."""

    __tablename__ = "private_reveals"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"))
    revealed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    how: Mapped[str] = mapped_column(String(8))  # both | shared
