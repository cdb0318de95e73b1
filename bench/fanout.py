"""Evening fan-out: N chats due in the same minute, posted through the Bot API emulator.

    python bench/fanout.py                              # 10,000 chats, Telegram's limits on
    python bench/fanout.py --limits off                 # the bot's own ceiling, SQLite
    python bench/fanout.py --limits off --database-url postgresql://postgres@127.0.0.1/test

With limits on, the emulator answers 429 as Telegram does past 30 messages/s overall or 20 a
minute into one group; the figures are the achieved rate as a share of 30/s and the 429s the bot
got (targets: >= 95 %, 0). With limits off (and the bot's RATE_LIMIT=false) they show the bot's own
ceiling in posts/s (target >= 1,000/s). The emulator runs in its own process, so the bot has a
CPU to itself; the database URL names a server, and a fresh database is made there and dropped.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from common import ROOT, TOKEN, EmulatorProcess, cpu_seconds, database, machine, run, seed_chats
from sqlalchemy import func, select

from bot.app import build_services
from bot.config import Settings
from bot.emulator.client import EmulatorClient
from bot.kernel.db.migrate import upgrade
from bot.kernel.db.models import Run
from bot.runner import BotRunner


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000, help="chats due at once")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--limits", choices=("on", "off"), default="on")
    parser.add_argument("--concurrency", type=int, default=None, help="SEND_CONCURRENCY")
    parser.add_argument("--profile", default=None, help="write cProfile stats of the tick here")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    """Seed, fan out once, print the figures."""
    limits = args.limits == "on"
    emulator = EmulatorProcess()
    url = emulator.start()
    try:
        async with EmulatorClient(url) as emu, database(args.database_url) as db_url:
            alex = await emu.create_user("Alex")
            sam = await emu.create_user("Sam")
            chat_ids = await emu.create_groups(args.chats, [alex["id"], sam["id"]])
            await emu.set_limits(enabled=limits, reset_stats=True)

            overrides: dict[str, Any] = {"rate_limit": limits, "tick_seconds": 3600}
            if args.concurrency:
                overrides["send_concurrency"] = args.concurrency
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                bot_token=TOKEN,
                telegram_api_url=url,
                database_url=db_url,
                exercises_file=ROOT / "exercises.yaml",
                prompts_dir=ROOT / "prompts",
                log_level="WARNING",
                **overrides,
            )
            services = build_services(settings)
            await upgrade(services.engine)
            now = datetime.now(UTC)
            due = now - timedelta(minutes=1)
            await seed_chats(
                services.engine,
                chat_ids,
                next_send_at=[due] * len(chat_ids),
                slot_date=[due.date()] * len(chat_ids),
                send_minute=due.hour * 60 + due.minute,
            )
            runner = BotRunner(services)
            await runner.start()
            try:
                await emu.set_limits(enabled=limits, reset_stats=True)
                emulator_cpu = cpu_seconds(emulator.proc.pid)  # type: ignore[union-attr]
                bot_cpu = time.process_time()
                profiler = cProfile.Profile() if args.profile else None
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                result = await runner.evening.tick()
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                wall = time.perf_counter() - started
                bot_cpu = time.process_time() - bot_cpu
                emulator_cpu = cpu_seconds(emulator.proc.pid) - emulator_cpu  # type: ignore[union-attr]
                stats = await emu.limit_stats()
                async with services.transaction() as session:
                    statuses = dict(
                        (
                            await session.execute(
                                select(Run.status, func.count()).group_by(Run.status)
                            )
                        ).all()
                    )
            finally:
                await runner.stop()

        sends, throttled = stats["sends"], stats["throttled"]
        rate = stats["per_second"]
        print(f"machine: {machine()}")
        print(
            f"fan-out of {args.chats:,} chats due at once on {db_url.split(':', 1)[0]}, "
            f"Telegram's limits {'on' if limits else 'off'}, "
            f"SEND_CONCURRENCY={settings.send_concurrency}"
        )
        print(f"  planned {result.planned.planned:,}; send outcomes {dict(result.sent.outcomes)}")
        print(f"  runs by status: {statuses}")
        print(f"  messages posted: {sends:,} (to {len(stats['sends_per_chat']):,} chats)")
        print(f"  429 answers received: {throttled}")
        print(f"  whole tick: {wall:.2f} s, {sends / wall:,.1f} posts/s end to end")
        print(f"  first to last post: {rate:,.1f} posts/s", end="")
        print(f" = {rate / 30:.1%} of 30/s" if limits else "")
        print(f"  CPU: bot {bot_cpu:.1f} s ({bot_cpu / wall:.0%}), emulator {emulator_cpu:.1f} s")
    finally:
        emulator.stop()


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    run(main(parse_args()))
