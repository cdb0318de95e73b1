"""The composition root: settings in, a running bot out. Nothing here runs at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot import registry
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.kernel.db.engine import create_engine, ping, session_factory
from bot.kernel.db.migrate import upgrade
from bot.kernel.services import BotApp, BotData, Ctx, Services
from bot.kernel.telegram.ordering import PerChatUpdateProcessor
from bot.kernel.telegram.ratelimit import RateLimiter
from bot.kernel.telegram.transport import AiohttpRequest
from bot.library.holder import LibraryHolder
from bot.library.loader import LibraryError, load_library
from bot.library.schema import Library
from bot.schedule.reading import ReadingError, vocabulary
from bot.texts import TextError, Texts, check_references
from bot.translations.catalog import CatalogError
from bot.translations.languages import SOURCE, Languages, TranslationError

log = logging.getLogger(__name__)

# Updates handled at once (of different chats: one chat's updates go one after another).
# Replies, most of the traffic, wait on the answer batcher (bot.features.answers.service) without holding a
# connection, and the more wait, the bigger and cheaper the batch. Commands open their own
# transaction; past the connection pool (15 on SQLite, 20 on PostgreSQL) they wait their turn.
UPDATE_CONCURRENCY = {"sqlite": 64, "postgresql": 64}

# Everything the bot reacts to; chat_member is absent on purpose (it needs admin rights and
# we learn about members from their own interactions instead).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.POLL,
    Update.POLL_ANSWER,
]


class StartupError(Exception):
    """The bot cannot start; the message says why, for the person running it."""


def load_texts(settings: Settings) -> Texts:
    """Load the templates and check every one the code uses exists with the right placeholders."""
    try:
        texts = Texts.load(settings.prompts_dir, SOURCE)
    except TextError as exc:
        raise StartupError(str(exc)) from exc
    problems = check_references(texts)
    if problems:
        raise StartupError(texts.render("cli.texts_broken", problems="\n".join(problems)))
    return texts


@dataclass(frozen=True)
class Content:
    """The words and the library, in every language, loaded and checked."""

    texts: Texts
    library: Library
    languages: Languages


def load_content(settings: Settings) -> Content:
    """Load and check the templates, the library and every language's catalogs.

    A language whose placeholders or markup would break a message stops the start (a missing
    translation does not: it falls back to English).
    """
    texts = load_texts(settings)
    try:
        library = load_library(settings.exercises_file, texts)
    except LibraryError as exc:
        # The same messages as `quality-time validate`, and no traceback.
        raise StartupError("\n".join(exc.errors)) from None
    try:
        languages = Languages.load(texts, library, settings.prompts_dir, settings.language)
    except (TranslationError, CatalogError) as exc:
        raise StartupError(texts.render("cli.translations_broken", problems=str(exc))) from None
    problems = reading_problems()
    if problems:
        raise StartupError("\n".join(problems))
    return Content(texts, library, languages)


def reading_problems() -> list[str]:
    """What is wrong with the words the bot reads (prompts/<language>/reading.yaml), if anything:
    a malformed file, or a word that means two things (read once, then kept for the parsers)."""
    try:
        return vocabulary().conflicts()
    except ReadingError as exc:
        return [str(exc)]


def build_services(
    settings: Settings, *, clock: Clock | None = None, loaded: Content | None = None
) -> Services:
    """Create the engine, texts and library (no I/O to the network yet).

    ``loaded``: content already loaded and checked from the settings' files (tests start
    hundreds of bots on the same files); the bot gets a library holder of its own, so a reload
    stays its own.
    """
    content = loaded or load_content(settings)
    library = LibraryHolder(settings.exercises_file, content.texts, library=content.library)
    engine = create_engine(settings.database_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        texts=content.texts,
        library=library,
        languages=content.languages,
        clock=clock or SystemClock(),
    )


async def prepare_database(services: Services) -> None:
    """Check the database answers and bring its schema up to date."""
    await ping(services.engine)
    await upgrade(services.engine)


def build_application(services: Services) -> BotApp:
    """Build the PTB application with every handler registered."""
    settings = services.settings
    if settings.bot_token is None:
        raise StartupError(services.texts.render("cli.missing_token"))
    if settings.webhook_url and settings.webhook_secret is None:
        # Without a secret anyone who finds the URL could post fake updates.
        raise StartupError(services.texts.render("cli.webhook_secret_missing"))
    token = settings.bot_token.get_secret_value()
    context_types = ContextTypes(context=Ctx, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .context_types(context_types)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        # One chat's slow update (a database wait, a status edit held back by a 429) must not
        # hold up every other chat.
        .concurrent_updates(
            PerChatUpdateProcessor(
                UPDATE_CONCURRENCY.get(services.engine.dialect.name, 4),
                observe=services.metrics.update_handled,
            )
        )
        # aiohttp rather than PTB's default httpx: a fraction of the CPU per call (see
        # bot.kernel.telegram.transport). Long polling gets its own connection, so it never waits for a free one.
        .request(
            AiohttpRequest(
                pool_size=32, read_timeout=settings.telegram_timeout, metrics=services.metrics
            )
        )
        .get_updates_request(
            AiohttpRequest(
                pool_size=1, read_timeout=settings.telegram_timeout, metrics=services.metrics
            )
        )
    )
    app: BotApp
    if settings.rate_limit:
        # One limiter for every call: replies to commands wait politely; the sender asks for
        # no retries so a 429 comes back to it and the run is rescheduled instead.
        app = builder.rate_limiter(RateLimiter(max_retries=2)).build()
    else:
        app = builder.build()
    app.bot_data.services = services
    registry.register(app)
    return app


@dataclass
class Started:
    """What the runner reports once the bot is up."""

    username: str
