"""The ``quality-time`` command: run | demo | migrate | validate | emulator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.app import StartupError, build_services, load_texts, prepare_database, reading_problems
from bot.config import Settings
from bot.logs import setup_logging
from bot.texts import TextError, Texts

log = logging.getLogger(__name__)


def _parser(texts: Texts) -> argparse.ArgumentParser:
    # Literal keys, so the start-up check sees every template --help needs.
    about = {
        "run": texts.render("cli.help.run"),
        "demo": texts.render("cli.help.demo"),
        "migrate": texts.render("cli.help.migrate"),
        "validate": texts.render("cli.help.validate"),
        "translations": texts.render("cli.help.translations"),
        "emulator": texts.render("cli.help.emulator"),
    }
    parser = argparse.ArgumentParser(
        prog="quality-time", description=texts.render("cli.help.description")
    )
    sub = parser.add_subparsers(dest="command")
    commands = {
        name: sub.add_parser(name, help=text, description=text) for name, text in about.items()
    }
    commands["demo"].add_argument(
        "--language", default="en", help=texts.render("cli.help.demo_language")
    )
    commands["validate"].add_argument(
        "file", nargs="?", type=Path, help=texts.render("cli.help.validate_file")
    )
    commands["translations"].add_argument(
        "languages", nargs="*", help=texts.render("cli.help.translations_languages")
    )
    emulator = commands["emulator"]
    # Shows each option's default after its help.
    emulator.formatter_class = argparse.ArgumentDefaultsHelpFormatter
    emulator.add_argument("--host", default="127.0.0.1", help=texts.render("cli.help.host"))
    emulator.add_argument("--port", type=int, default=8081, help=texts.render("cli.help.port"))
    emulator.add_argument(
        "--token", default="123456:TEST-TOKEN", help=texts.render("cli.help.token")
    )
    emulator.add_argument(
        "--bot-username", default="QualityTimeBot", help=texts.render("cli.help.bot_username")
    )
    emulator.add_argument(
        "--no-privacy", action="store_true", help=texts.render("cli.help.no_privacy")
    )
    return parser


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        texts = Texts.load()
        raise StartupError(texts.render("cli.bad_settings", problems=problems)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    try:
        # The default templates, not PROMPTS_DIR: --help must work before settings are valid.
        texts = Texts.load()
    except TextError as exc:
        print(exc, file=sys.stderr)
        return 2
    args = _parser(texts).parse_args(argv)
    command = args.command or "run"
    try:
        if command == "emulator":
            from bot.emulator.__main__ import main as emulator_main

            options = ["--host", args.host, "--port", str(args.port), "--token", args.token]
            options += ["--bot-username", args.bot_username]
            emulator_main([*options, "--no-privacy"] if args.no_privacy else options)
            return 0
        if command == "demo":
            from bot.demo import main as demo_main

            return demo_main(args.language)
        settings = _settings()
        setup_logging(settings.log_level, _token(settings), fmt=settings.log_format)
        if command == "validate":
            return _validate(settings, args.file)
        if command == "translations":
            return _translations(settings, args.languages)
        if command == "migrate":
            return asyncio.run(_migrate(settings))
        return asyncio.run(_run(settings))
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _token(settings: Settings) -> str | None:
    return settings.bot_token.get_secret_value() if settings.bot_token else None


def _validate(settings: Settings, file: Path | None) -> int:
    from bot.library.report import validate
    from bot.translations.report import language_report

    texts = load_texts(settings)
    code, output, library = validate(file or settings.exercises_file, texts)
    if library is not None:
        ok, lines = language_report(texts, settings.prompts_dir, library)
        output = "\n".join([output, *lines])
        code = code if ok else 1
    broken_words = reading_problems()
    if broken_words:
        output, code = "\n".join([output, *broken_words]), 1
    print(output, file=sys.stdout if code == 0 else sys.stderr)
    return code


def _translations(settings: Settings, languages: list[str]) -> int:
    from bot.library.loader import LibraryError, load_library
    from bot.translations.catalog import update_catalogs
    from bot.translations.languages import SOURCE, shipped

    texts = load_texts(settings)
    try:
        library = load_library(settings.exercises_file, texts)
    except LibraryError as exc:
        raise StartupError("\n".join(exc.errors)) from None
    folder = settings.prompts_dir
    for code in [c for c in languages or shipped(folder) if c != SOURCE]:
        update_catalogs(folder, code, texts, library)
        print(texts.render("cli.translations_updated", language=code, path=str(folder / code)))
    return 0


async def _migrate(settings: Settings) -> int:
    services = build_services(settings)
    try:
        await _prepare(services)
        from bot.kernel.db.migrate import current_revision

        print(
            services.texts.render("cli.migrated", revision=await current_revision(services.engine))
        )
    finally:
        await services.close()
    return 0


async def _prepare(services: object) -> None:
    from bot.kernel.db.engine import DatabaseError
    from bot.kernel.db.urls import shown_url
    from bot.kernel.services import Services

    assert isinstance(services, Services)
    try:
        await prepare_database(services)
    except (OSError, DatabaseError) as exc:
        # The driver's own words (a refused login, a missing database), first line only: the
        # wrapper's text adds the SQL and a link, never the password, but is no help here.
        cause = exc.orig if isinstance(exc, DatabaseError) and exc.orig is not None else exc
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        url = shown_url(services.settings.database_url)
        raise StartupError(
            services.texts.render("cli.database_unreachable", url=url, reason=reason)
        ) from None


async def _run(settings: Settings) -> int:
    from bot.runner import BotRunner

    services = build_services(settings)
    if settings.bot_token is None:
        raise StartupError(services.texts.render("cli.missing_token"))
    runner = BotRunner(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # SIGHUP swaps in an edited exercises.yaml, or keeps the last good one and logs why.
    loop.add_signal_handler(signal.SIGHUP, services.library.reload)
    await _prepare(services)
    await runner.start()
    texts = services.texts
    if settings.webhook_url:
        print(
            texts.render(
                "cli.starting_webhook",
                username=runner.username,
                url=settings.webhook_url,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
            )
        )
    else:
        print(texts.render("cli.starting_polling", username=runner.username))
    try:
        await stop.wait()
    finally:
        await runner.stop()
        print(texts.render("cli.stopped"))
    return 0
