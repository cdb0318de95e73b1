"""What every handler and job can reach: built once by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.features.answers.batch import AnswerRecorder
from bot.library.holder import LibraryHolder
from bot.texts import Texts

# What every query function takes: the transaction of the use case that calls it.
Session = AsyncSession


@dataclass
class Services:
    """The bot's dependencies, passed explicitly instead of living in globals."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    texts: Texts
    library: LibraryHolder
    clock: Clock
    # Partners' answers, written in batches (see bot.features.answers.batch).
    answers: AnswerRecorder = field(init=False)

    def __post_init__(self) -> None:
        self.answers = AnswerRecorder(self.engine)

    async def close(self) -> None:
        """Close the database connections (they open again if the bot starts again)."""
        await self.answers.close()
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Open a session in one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session


class BotData:
    """PTB's ``bot_data``, typed: it holds the services once the app is built."""

    services: Services


class Ctx(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """The callback context every handler receives."""

    @property
    def services(self) -> Services:
        """Return the bot's services."""
        return self.bot_data.services


BotApp = Application[ExtBot[Any], Ctx, dict[Any, Any], dict[Any, Any], BotData, Any]
