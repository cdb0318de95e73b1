"""What every handler and job can reach: built once by the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.kernel.actor import Actor
from bot.kernel.db.engine import Engine, Session, SessionMaker
from bot.kernel.db.members import Meeting, meet
from bot.kernel.metrics import Metrics
from bot.library.holder import LibraryHolder
from bot.library.schema import Library
from bot.pictures.cache import Pictures
from bot.texts import Texts
from bot.translations.languages import Languages

__all__ = ["BotApp", "BotData", "Ctx", "Services", "Session"]


@dataclass
class Services:
    """The bot's dependencies, passed explicitly instead of living in globals."""

    settings: Settings
    engine: Engine
    sessions: SessionMaker
    # The source language's words (English): for the operator and the command line. A chat's
    # words and library come from ``languages`` by the chat's language (:meth:`words_for`).
    texts: Texts
    library: LibraryHolder
    clock: Clock
    languages: Languages
    # The operator's metrics, in a registry of this bot's own (bot.kernel.metrics).
    metrics: Metrics = field(default_factory=Metrics)
    # What features made with the services and must release with them (e.g. the answers'
    # batcher and its SQLite writer), closed first to last before the engine.
    on_close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called after a meeting with a member nobody has vouched for, in a group whose couple
    # lacks its second partner: the feature that asks the adder about them sets it.
    on_stranger: Callable[[Actor], Awaitable[None]] | None = None
    # Rendered pictures (the evenings calendar), kept per chat and day in this process only.
    pictures: Pictures = field(default_factory=Pictures)

    def words_for(self, language: str | None) -> Texts:
        """The words of a chat's (or a person's) language; the default for an unknown one."""
        return self.languages.texts(language)

    def library_for(self, language: str | None) -> Library:
        """The library in use, in a chat's language (same entries and ids, translated texts)."""
        return self.languages.library(language, self.library.current)

    async def close(self) -> None:
        """Close the database connections (they open again if the bot starts again)."""
        for close in self.on_close:
            await close()
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """Open a session in one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def meeting(self, actor: Actor) -> AsyncIterator[Meeting]:
        """A transaction that starts by meeting the member (group and partner registered)."""
        now = self.clock.now()
        async with self.transaction() as session:
            met = await meet(
                session, actor, default_timezone=self.settings.default_timezone, now=now
            )
            yield Meeting(met.chat, met.partner, session, now, stranger=met.stranger)
        if met.stranger and self.on_stranger is not None:
            await self.on_stranger(actor)


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
