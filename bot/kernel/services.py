"""What every handler and job can reach: built once by the composition root."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.kernel.actor import Actor
from bot.kernel.db.chats import language_of
from bot.kernel.db.engine import Engine, Session, SessionMaker
from bot.kernel.db.members import Meeting, meet
from bot.kernel.metrics import Metrics
from bot.library.holder import LibraryHolder
from bot.library.schema import Activity, Exercise, Library, Prompt
from bot.pictures.cache import Pictures
from bot.texts import Texts
from bot.translations.languages import Languages

__all__ = ["BotApp", "BotData", "ChatLanguages", "Ctx", "Services", "Session"]

E = TypeVar("E", bound=Prompt | Exercise | Activity)

# How many chats' languages a process keeps at hand (the least recently met go first).
KNOWN_LANGUAGES = 50_000


class ChatLanguages:
    """The languages of the chats this process met lately, so a reply that has no chat row at
    hand (an error, a refused button, a flood notice) need not ask the database. Refreshed each
    time a chat is met, so a change made by another process shows from the chat's next update."""

    def __init__(self, size: int = KNOWN_LANGUAGES) -> None:
        self.size = size
        self._known: OrderedDict[int, str] = OrderedDict()

    def get(self, chat_id: int) -> str | None:
        """The chat's language, if this process knows it."""
        language = self._known.get(chat_id)
        if language is not None:
            self._known.move_to_end(chat_id)
        return language

    def remember(self, chat_id: int, language: str) -> None:
        """Note a chat's language (just read or just changed)."""
        self._known[chat_id] = language
        self._known.move_to_end(chat_id)
        while len(self._known) > self.size:
            self._known.popitem(last=False)

    def forget(self, chat_id: int) -> None:
        """Drop a chat (its data was deleted)."""
        self._known.pop(chat_id, None)


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
    # The chats' languages met lately (see :class:`ChatLanguages`).
    chat_languages: ChatLanguages = field(default_factory=ChatLanguages)

    def words_for(self, language: str | None) -> Texts:
        """The words of a chat's (or a person's) language; the default for an unknown one."""
        return self.languages.texts(language)

    def library_for(self, language: str | None) -> Library:
        """The library in use, in a chat's language (same entries and ids, translated texts)."""
        return self.languages.library(language, self.library.current)

    def in_language(self, entry: E, language: str | None) -> E:
        """A library entry (picked from the library in use) with its texts in a language."""
        found = self.library_for(language).get(entry.id)
        return found if isinstance(found, type(entry)) else entry

    def language_of_person(self, language_code: str | None) -> str:
        """The language for someone whose Telegram app reports ``language_code``: the bot's
        match for it ("pt-br" -> "pt-BR"), else the default language."""
        return self.languages.match(language_code) or self.languages.default

    async def chat_language(self, chat_id: int) -> str | None:
        """A group's stored language (known in this process, else read); None without a row."""
        known = self.chat_languages.get(chat_id)
        if known is not None:
            return known
        async with self.sessions() as session:
            language = await language_of(session, chat_id)
        if language is not None:
            self.chat_languages.remember(chat_id, language)
        return language

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
                session,
                actor,
                default_timezone=self.settings.default_timezone,
                now=now,
                language=self.language_of_person(actor.language_code),
            )
            if met.chat is not None:
                self.chat_languages.remember(met.chat.id, met.chat.language)
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
