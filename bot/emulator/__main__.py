"""Run the emulator standalone: python -m bot.emulator [--host H] [--port P] [--token T]."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from bot.emulator.driver import Emulator
from bot.emulator.routes import PREFIX, ROUTES


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.emulator", description="Local Telegram Bot API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port (0 picks a free one)")
    parser.add_argument("--token", default="123456:TEST-TOKEN", help="the bot token to accept")
    parser.add_argument("--bot-username", default="QualityTimeBot", help="the bot's @username")
    parser.add_argument(
        "--no-privacy", action="store_true", help="turn privacy mode off (bot sees all messages)"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start, print how to connect, and run until SIGINT/SIGTERM."""
    emu = Emulator(
        token=args.token, bot_username=args.bot_username, privacy_mode=not args.no_privacy
    )
    url = await emu.start(host=args.host, port=args.port)
    print(f"Telegram Bot API emulator listening on {url}")
    print(f"  TELEGRAM_API_URL={url}")
    print(f"  BOT_TOKEN={args.token}")
    print(f"  bot: @{args.bot_username} (privacy mode {'off' if args.no_privacy else 'on'})")
    print("HTTP driver routes (JSON):")
    for verb, path, _ in ROUTES:
        print(f"  {verb:<4} {url}{PREFIX}{path}")
    print("Ctrl-C to stop.", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopped.set)
    try:
        await stopped.wait()
    finally:
        await emu.stop()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
