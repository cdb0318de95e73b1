"""Planner cost and memory with many chats in the database.

    python bench/planner.py                                   # 10,000 and 100,000 chats, SQLite
    python bench/planner.py --chats 1000000                   # a million
    python bench/planner.py --database-url postgresql://postgres@127.0.0.1/test

Each size gets a fresh database. A tenth of the chats, at most 10,000, share the most popular
slot, 20:30 in Berlin; the others have their evening spread over the 1,440 minutes of the day.
A fresh process (the bot as it would start: settings, templates, library, engine) then runs the
planner twice, as the tick does: at 19:21 UTC, when a minute's worth of chats is due (a typical
tick), and at the tick that plans the Berlin crowd (the peak tick: a crowd starts N/(2R) early,
and is planned a tick or two before it starts). It reports each tick's time and the process's
resident memory; planning reads due chats through the ``next_send_at`` index in batches, so
neither should grow with the number of chats in the database, only with the number due.
Targets: under a second a tick; memory flat from 10,000 to 1,000,000 chats.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import sys
import time
from asyncio.subprocess import PIPE
from datetime import UTC, date, datetime, timedelta

from common import ROOT, TOKEN, database, machine, rss_mib, run, seed_chats
from sqlalchemy import func, select

from bot.app import build_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.features.evening.rules import lead
from bot.kernel.db.migrate import upgrade
from bot.kernel.db.models import Chat, Run
from bot.tick import EveningJob

TYPICAL = datetime(2026, 11, 23, 19, 21, tzinfo=UTC)  # a Monday; Berlin is UTC+1
PEAK = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 20:30 in Berlin
PEAK_SHARE = 10  # one chat in ten...
PEAK_MOST = 10_000  # ...but no more than this


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", default=None, help="write cProfile stats of the peak tick")
    return parser.parse_args()


async def seed(database_url: str, count: int) -> None:
    """Chats spread over the day, and a tenth of them at 20:30 in Berlin."""
    settings = _settings(database_url)
    services = build_services(settings)
    await upgrade(services.engine)
    ids = [-4_000_000_001 - i for i in range(count)]
    zones: list[str] = []
    minutes: list[int] = []
    due: list[datetime] = []
    slots: list[date] = []
    every = max(PEAK_SHARE, count // PEAK_MOST)
    for i in range(count):
        if i % every == 0:
            zones.append("Europe/Berlin")
            minutes.append(20 * 60 + 30)
            due.append(PEAK)
            slots.append(PEAK.date())
            continue
        minute = (i * 7919) % 1440  # a prime stride: every minute of the day, evenly
        day = TYPICAL.date() if minute >= TYPICAL.hour * 60 + TYPICAL.minute else date(2026, 11, 24)
        zones.append("UTC")
        minutes.append(minute)
        due.append(datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minute))
        slots.append(day)
    await seed_chats(
        services.engine, ids, next_send_at=due, slot_date=slots, timezone=zones, send_minute=minutes
    )
    await services.engine.dispose()


def _settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=TOKEN,
        database_url=database_url,
        exercises_file=ROOT / "exercises.yaml",
        prompts_dir=ROOT / "prompts",
        log_level="WARNING",
    )


async def measure(database_url: str, profile: str | None = None) -> dict[str, float]:
    """In a fresh process: RSS at start, then each tick's planning time and RSS."""
    clock = ManualClock(TYPICAL)
    settings = _settings(database_url)
    services = build_services(settings, clock=clock)
    async with services.transaction() as session:
        crowd = await session.scalar(
            select(func.count()).select_from(Chat).where(Chat.next_send_at == PEAK)
        )
    # The first tick that plans the crowd: a tick or two before its first send.
    peak_tick = PEAK - lead(crowd or 0, settings.send_rate) - 2 * settings.ahead
    # The planner half of the tick; the sender is not reached.
    job = EveningJob(services, sender=None)  # type: ignore[arg-type]
    # As BotRunner.start does: what start-up built stays out of the cyclic collector's full
    # passes (otherwise one lands in whichever tick comes first, about 45 ms here).
    gc.freeze()
    figures = {"rss_start": rss_mib()}
    for name, moment in (("typical", TYPICAL), ("peak", peak_tick)):
        # The ticks between, every 30 s as in production, untimed.
        while clock.now() + timedelta(seconds=30) < moment:
            clock.advance(timedelta(seconds=30))
            await job.plan_due()
        clock.set(moment)
        profiler = cProfile.Profile() if profile and name == "peak" else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = await job.plan_due()
        figures[f"{name}_seconds"] = time.perf_counter() - started
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        figures[f"{name}_planned"] = result.planned
        figures[f"rss_after_{name}"] = rss_mib()
    async with services.transaction() as session:
        figures["runs"] = await session.scalar(select(func.count()).select_from(Run)) or 0
    figures["rss_peak"] = rss_mib(field="VmHWM")
    await services.engine.dispose()
    return figures


async def main(args: argparse.Namespace) -> None:
    """Seed each size, measure it in a fresh process, print the figures."""
    if args.measure:
        print(json.dumps(await measure(args.database_url, args.profile)))
        return
    print(f"machine: {machine()}")
    for count in args.chats:
        async with database(args.database_url) as db_url:
            started = time.perf_counter()
            await seed(db_url, count)
            seeded = time.perf_counter() - started
            # A fresh process, so its memory is the planner's and the bot's, not the seeding's.
            options = ["--profile", args.profile] if args.profile else []
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                __file__,
                "--measure",
                "--database-url",
                db_url,
                *options,
                stdout=PIPE,
            )
            out, _ = await child.communicate()
            if child.returncode:
                raise SystemExit(f"the measuring process failed ({child.returncode})")
            figures = json.loads(out.decode().strip().splitlines()[-1])
        kind = db_url.split(":", 1)[0]
        print(f"{count:,} chats on {kind} (seeded in {seeded:.1f} s):")
        for name in ("typical", "peak"):
            print(
                f"  {name} tick: {figures[f'{name}_planned']:,.0f} due, planned in "
                f"{figures[f'{name}_seconds'] * 1000:,.0f} ms; "
                f"RSS {figures[f'rss_after_{name}']:.0f} MiB"
            )
        print(
            f"  RSS at start {figures['rss_start']:.0f} MiB, highest {figures['rss_peak']:.0f} MiB; "
            f"runs in the database {figures['runs']:,.0f}"
        )


if __name__ == "__main__":
    run(main(parse_args()))
