"""Evening fan-out: N chats due in the same minute, posted through the Bot API emulator.

    python bench/fanout.py                              # 10,000 chats, Telegram's limits on
    python bench/fanout.py --paid                       # the same with PAID_BROADCAST=true
    python bench/fanout.py --limits off                 # the bot's own ceiling, SQLite
    python bench/fanout.py --limits off --database-url postgresql://postgres@127.0.0.1/test

With limits on, the N chats are due at one moment a few minutes ahead and the bot runs as in
production: its JobQueue ticks every ``--tick`` seconds on the wall clock, and the run ends when
every prompt is out. The emulator answers 429 as Telegram does past 30 messages/s overall (1,000
paid ones with ``--paid``) or 20 a minute into one group. The figures are the distribution of
(sent - chosen time) over the N prompts (targets: max |offset| <= 172 s at 30/s, <= 10 s paid),
the achieved rate and the 429s (target 0). With limits off (and the bot's RATE_LIMIT=false) the
chats are already due, one tick is timed, and the figures show the bot's own ceiling in posts/s
(target >= 1,000/s). The emulator runs in its own process, so the bot has a CPU to itself; the
database URL names a server, and a fresh database is made there and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import math
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
from bot.kernel.services import Services
from bot.runner import BotRunner

FREE_RATE, PAID_RATE = 30, 1000
UNFINISHED = ("pending", "sending")


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000, help="chats due at once")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--limits", choices=("on", "off"), default="on")
    parser.add_argument("--paid", action="store_true", help="PAID_BROADCAST=true")
    parser.add_argument("--tick", type=float, default=30.0, help="TICK_SECONDS (limits on)")
    parser.add_argument("--concurrency", type=int, default=None, help="SEND_CONCURRENCY")
    parser.add_argument("--profile", default=None, help="write cProfile stats of the tick here")
    return parser.parse_args()


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie (nearest rank)."""
    return values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))]


async def offsets(services: Services) -> list[float]:
    """Seconds from each prompt's chosen time to its sending, sorted."""
    async with services.transaction() as session:
        rows = (
            await session.execute(select(Run.due_at, Run.sent_at).where(Run.status == "sent"))
        ).all()
    return sorted((sent - due).total_seconds() for due, sent in rows)


async def statuses(services: Services) -> dict[str, int]:
    """Runs by status."""
    async with services.transaction() as session:
        rows = (await session.execute(select(Run.status, func.count()).group_by(Run.status))).all()
    return {status: count for status, count in rows}


async def main(args: argparse.Namespace) -> None:
    """Seed, fan out, print the figures."""
    limits = args.limits == "on"
    rate = PAID_RATE if args.paid else FREE_RATE
    emulator = EmulatorProcess()
    url = emulator.start()
    try:
        async with EmulatorClient(url) as emu, database(args.database_url) as db_url:
            alex = await emu.create_user("Alex")
            sam = await emu.create_user("Sam")
            chat_ids = await emu.create_groups(args.chats, [alex["id"], sam["id"]])
            await emu.set_limits(enabled=False, reset_stats=True)

            overrides: dict[str, Any] = {
                "rate_limit": limits,
                "tick_seconds": args.tick if limits else 3600,
                "paid_broadcast": args.paid,
            }
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
            now = datetime.now(UTC).replace(microsecond=0)
            if limits:
                # Far enough ahead for the earliest start the crowd may need, plus two ticks.
                lead_in = math.ceil(args.chats / (2 * rate) + 2 * args.tick + 5)
                chosen = now + timedelta(seconds=lead_in)
            else:
                # Due long enough ago that every prompt is due at once: the bot's own ceiling.
                chosen = now - timedelta(minutes=10)
            await seed_chats(
                services.engine,
                chat_ids,
                next_send_at=[chosen] * len(chat_ids),
                slot_date=[chosen.date()] * len(chat_ids),
                send_minute=chosen.hour * 60 + chosen.minute,
            )
            await emu.set_limits(
                enabled=limits,
                reset_stats=True,
                **({"paid_per_second": PAID_RATE} if args.paid else {}),
            )
            runner = BotRunner(services)
            emulator_cpu = cpu_seconds(emulator.proc.pid)  # type: ignore[union-attr]
            bot_cpu = time.process_time()
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            await runner.start()
            try:
                started = time.perf_counter()
                planned = None
                if limits:
                    # The JobQueue ticks as in production; wait until every prompt is out.
                    give_up = time.monotonic() + lead_in + 4 * args.chats / rate + 300
                    while time.monotonic() < give_up:
                        await asyncio.sleep(2)
                        counts = await statuses(services)
                        done = sum(n for s, n in counts.items() if s not in UNFINISHED)
                        if done >= args.chats:
                            break
                else:
                    planned = await runner.evening.tick()
                wall = time.perf_counter() - started
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(args.profile)
                bot_cpu = time.process_time() - bot_cpu
                emulator_cpu = cpu_seconds(emulator.proc.pid) - emulator_cpu  # type: ignore[union-attr]
                stats = await emu.limit_stats()
                by_status = await statuses(services)
                spread = await offsets(services)
            finally:
                await runner.stop()

        sends, throttled = stats["sends"], stats["throttled"]
        achieved = stats["per_second"]
        print(f"machine: {machine()}")
        mode = "paid broadcast" if args.paid else "free"
        print(
            f"fan-out of {args.chats:,} chats due at once on {db_url.split(':', 1)[0]}, "
            f"Telegram's limits {'on (' + mode + ')' if limits else 'off'}, "
            f"SEND_CONCURRENCY={settings.send_concurrency}"
            + (f", TICK_SECONDS={args.tick:g}" if limits else "")
        )
        if planned is not None:
            print(f"  planned {planned.planned.planned:,}; outcomes {dict(planned.sent.outcomes)}")
        print(f"  runs by status: {by_status}")
        print(f"  messages posted: {sends:,} (to {len(stats['sends_per_chat']):,} chats)")
        print(f"  429 answers received: {throttled}")
        if spread:
            worst = max(abs(spread[0]), abs(spread[-1]))
            print(
                f"  sent - chosen time (s): min {spread[0]:+.1f}, p50 {percentile(spread, 0.5):+.1f}, "
                f"p99 {percentile(spread, 0.99):+.1f}, max {spread[-1]:+.1f}; "
                f"largest distance {worst:.1f} s (N/2R = {args.chats / (2 * rate):.1f} s)"
            )
        if not limits:
            print(f"  whole tick: {wall:.2f} s, {sends / wall:,.1f} posts/s end to end")
        print(f"  first to last post: {achieved:,.1f} posts/s", end="")
        print(f" = {achieved / rate:.1%} of {rate:,}/s" if limits else "")
        print(f"  CPU: bot {bot_cpu:.1f} s, emulator {emulator_cpu:.1f} s")
    finally:
        emulator.stop()


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    run(main(parse_args()))
