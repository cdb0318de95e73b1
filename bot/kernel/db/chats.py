"""Queries about chats: small async functions, each taking the caller's session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Chat, Confirmation, EntryUse, Partner, Post, Run, Suggestion
from bot.schedule.plan import reschedule

# Tables whose rows belong to one chat and must follow it when the group becomes a supergroup.
CHILD_TABLES: tuple[type[Confirmation | EntryUse | Partner | Post | Run | Suggestion], ...] = (
    Confirmation,
    Partner,
    EntryUse,
    Post,
    Run,
    Suggestion,
)


async def get_chat(session: AsyncSession, chat_id: int) -> Chat | None:
    """Return the chat, or None when the bot has never been in it."""
    return await session.get(Chat, chat_id)


async def join_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    timezone: str,
    member_count: int | None,
    bot_is_admin: bool,
    now: datetime,
    language: str = "en",
) -> tuple[Chat, bool]:
    """Record that the bot is in the group; return the chat and whether it is new to us.

    A new chat starts in ``language``; a chat the bot knows keeps the one it has.
    """
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(
            id=chat_id,
            timezone=timezone,
            language=language,
            member_count=member_count,
            bot_is_admin=bot_is_admin,
            active=True,
            created_at=now,
        )
        session.add(chat)
        await session.flush()
        return chat, True
    chat.active = True
    chat.member_count = member_count
    chat.bot_is_admin = bot_is_admin
    return chat, False


async def ensure_chat(
    session: AsyncSession,
    chat_id: int,
    *,
    timezone: str,
    now: datetime | None = None,
    language: str = "en",
) -> Chat:
    """Return the chat, creating it when an update comes from a group we missed the join of.

    A chat created here (after /forget, or a join we never heard of) gets its evenings planned
    like a new one.
    """
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id, timezone=timezone, active=True, language=language)
        if now is not None:
            chat.created_at = now
        session.add(chat)
        await session.flush()
        if now is not None:
            reschedule(chat, now)
    return chat


async def language_of(session: AsyncSession, chat_id: int) -> str | None:
    """The chat's language, or None when the bot has no row for it."""
    return await session.scalar(select(Chat.language).where(Chat.id == chat_id))


async def languages_of(session: AsyncSession, chat_ids: list[int]) -> dict[int, str]:
    """Each chat's language, by id (chats without a row are left out)."""
    if not chat_ids:
        return {}
    rows = await session.execute(select(Chat.id, Chat.language).where(Chat.id.in_(chat_ids)))
    return {chat_id: language for chat_id, language in rows}


async def set_active(session: AsyncSession, chat_id: int, active: bool) -> None:
    """Turn sending to a chat on or off (off after removal or a 403)."""
    await session.execute(update(Chat).where(Chat.id == chat_id).values(active=active))


async def deactivate(session: AsyncSession, chat_id: int) -> None:
    """Stop all sending to a chat (removed, blocked, or 403): nothing stays scheduled."""
    await session.execute(
        update(Chat).where(Chat.id == chat_id).values(active=False, next_send_at=None)
    )


async def set_bot_admin(session: AsyncSession, chat_id: int, is_admin: bool) -> None:
    """Remember whether the bot can see every message in the group."""
    await session.execute(update(Chat).where(Chat.id == chat_id).values(bot_is_admin=is_admin))


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> bool:
    """Move a chat's data to its new supergroup id; return False when there was nothing to move.

    Telegram sends the migration to both the old and the new chat, so this must be idempotent:
    the second call finds no old row and does nothing.
    """
    old = await session.get(Chat, old_id)
    if old is None:
        return False
    new = await session.get(Chat, new_id)
    if new is None:
        values = {c.key: getattr(old, c.key) for c in Chat.__table__.columns if c.key != "id"}
        session.add(Chat(id=new_id, **values))
        await session.flush()
    else:
        new.active = True
    existing_partners = set(
        (await session.scalars(select(Partner.user_id).where(Partner.chat_id == new_id))).all()
    )
    if existing_partners:
        # Someone already interacted in the new supergroup before the move arrived.
        await session.execute(
            delete(Partner).where(Partner.chat_id == old_id, Partner.user_id.in_(existing_partners))
        )
    taken_dates = select(Run.local_date).where(Run.chat_id == new_id).scalar_subquery()
    # A date planned under both ids keeps the new chat's run: one prompt per evening.
    await session.execute(delete(Run).where(Run.chat_id == old_id, Run.local_date.in_(taken_dates)))
    for table in CHILD_TABLES:
        await session.execute(update(table).where(table.chat_id == old_id).values(chat_id=new_id))
    await session.execute(delete(Chat).where(Chat.id == old_id))
    return True
