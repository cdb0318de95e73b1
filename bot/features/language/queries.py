"""The chat's language in the database."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.db.models import Chat


async def set_language(session: AsyncSession, chat_id: int, language: str) -> None:
    """Store the language the chat speaks from now on."""
    await session.execute(update(Chat).where(Chat.id == chat_id).values(language=language))
