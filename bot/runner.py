"""Start and stop the bot inside an already running event loop (CLI, tests, demo alike)."""

from __future__ import annotations

import gc
import logging
from datetime import timedelta

from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import ExtBot

from bot.app import ALLOWED_UPDATES, StartupError, build_application, prepare_database
from bot.features.evening.jobs import Sender
from bot.kernel.metrics import MetricsServer
from bot.kernel.services import BotApp, Services
from bot.kernel.telegram.transport import AiohttpRequest
from bot.kernel.telegram.webhook import WebhookServer
from bot.registry import menu, menu_language_code
from bot.tick import EveningJob

log = logging.getLogger(__name__)


class BotRunner:
    """Own the PTB application's lifecycle, in polling or webhook mode."""

    def __init__(self, services: Services, *, poll_timeout: float = 10.0) -> None:
        self.services = services
        self.app: BotApp = build_application(services)
        self._poll_timeout = poll_timeout
        self._web: WebhookServer | None = None
        self.metrics_server: MetricsServer | None = None
        settings = services.settings
        # The fan-out gets its own Bot on aiohttp (see bot.kernel.telegram.transport) and its own
        # connections, so replies to commands never queue behind thousands of evening posts.
        # It shares the application's rate limiter: Telegram's limits are per token.
        app_bot = self.app.bot
        self.sender_bot = ExtBot(
            app_bot.token,
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
            request=AiohttpRequest(
                pool_size=settings.send_concurrency,
                read_timeout=settings.telegram_timeout,
                metrics=services.metrics,
            ),
            defaults=app_bot.defaults,
            rate_limiter=app_bot.rate_limiter,
        )
        self.sender = Sender(
            services,
            self.sender_bot,
            concurrency=settings.send_concurrency,
            lease=timedelta(seconds=settings.send_lease_seconds),
            send_timeout=settings.telegram_timeout,
            rate_limited=settings.rate_limit,
            paid=settings.paid_broadcast,
            follow=settings.ahead,
        )
        self.evening = EveningJob(services, self.sender)

    @property
    def username(self) -> str:
        """The bot's @username, known once started."""
        return self.app.bot.username

    async def start(self) -> None:
        """Migrate the database, connect to Telegram, and begin taking updates.

        A wrong token or an unreachable Bot API raises ``StartupError`` with one line saying
        what failed and what to do (never the token), after closing every connection opened.
        """
        await prepare_database(self.services)
        try:
            await self._connect()
        except TelegramError as exc:
            await self.stop()
            # Connections opened before getMe failed: the application never counted as started.
            await self.app.bot.shutdown()
            raise StartupError(self._why_not_connected(exc)) from None

    def _why_not_connected(self, exc: TelegramError) -> str:
        texts, settings = self.services.texts, self.services.settings
        token = settings.bot_token.get_secret_value() if settings.bot_token else ""
        reason = str(exc).replace(token, "[token]") if token else str(exc)
        url = settings.telegram_api_url
        if isinstance(exc, InvalidToken):
            return texts.render("cli.token_rejected", url=url)
        if isinstance(exc, NetworkError):
            return texts.render("cli.api_unreachable", url=url, reason=reason)
        return texts.render("cli.api_refused", url=url, reason=reason)

    async def _connect(self) -> None:
        await self.app.initialize()
        await self.sender_bot.initialize()
        await self._set_menu()
        await self.app.start()
        settings = self.services.settings
        assert self.app.job_queue is not None
        # One repeating job for every chat: the database says what is due, not in-memory jobs.
        # No misfire grace and coalescing: a tick that runs late still runs, and only once.
        self.app.job_queue.run_repeating(
            self.evening,
            interval=settings.tick_seconds,
            first=settings.tick_seconds,
            name="evening",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        if settings.webhook_url:
            self._web = WebhookServer(self.app, self.services)
            await self._web.start(settings.webhook_listen, settings.webhook_port)
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await self.app.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
        else:
            assert self.app.updater is not None
            # A webhook left over from an earlier deployment would make polling fail with 409.
            await self.app.bot.delete_webhook()
            await self.app.updater.start_polling(
                timeout=timedelta(seconds=self._poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                error_callback=self._polling_error,
            )

        if settings.metrics_port is not None:
            self.metrics_server = MetricsServer(self.services.metrics)
            try:
                await self.metrics_server.start(settings.metrics_listen, settings.metrics_port)
            except OSError as exc:
                # The bot's work does not depend on its metrics: say so loudly and go on.
                log.error(
                    "metrics not served: cannot listen on %s:%s (%s)",
                    settings.metrics_listen,
                    settings.metrics_port,
                    exc.strerror or type(exc).__name__,
                )
                await self.metrics_server.stop()
                self.metrics_server = None

        # Everything built so far (library, templates, PTB, SQLAlchemy) lives as long as the bot:
        # keep it out of the cyclic collector's full passes, which a fan-out's allocation rate
        # otherwise triggers every few seconds over the whole heap (a fifth of the CPU at
        # 1,000 posts/s). Undone at stop.
        gc.freeze()

    async def stop(self) -> None:
        """Stop taking updates, let in-flight handlers finish, then close everything."""
        gc.unfreeze()
        self.sender.stop()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self._web is not None:
            await self._web.stop()
        if self.metrics_server is not None:
            await self.metrics_server.stop()
            self.metrics_server = None
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.sender_bot.shutdown()
        await self.services.close()

    async def _set_menu(self) -> None:
        """The command menu in the default language, and in each other language for the people
        whose Telegram speaks it (by its two-letter code: "pt" for pt-BR)."""
        languages = self.services.languages
        menus: list[tuple[str, str | None]] = [(languages.default, None)]
        taken = {menu_language_code(languages.default)}
        for code in languages.codes:
            iso = menu_language_code(code)
            if iso not in taken:
                taken.add(iso)
                menus.append((code, iso))
        for language, language_code in menus:
            try:
                await self.app.bot.set_my_commands(
                    menu(self.services, language), language_code=language_code
                )
            except TelegramError as exc:
                # The menu is a convenience; a hiccup here must not keep the bot from starting.
                log.warning("could not set the %s command menu: %s", language, exc)

    def _polling_error(self, error: TelegramError) -> None:
        if isinstance(error, Conflict):
            log.error(
                "another process is polling with this bot token (Telegram answered 409 Conflict); "
                "run one polling process, or use webhook mode for several replicas"
            )
        else:
            log.warning("polling failed, retrying: %s", error)
