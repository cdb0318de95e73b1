"""Shared pieces of the benchmarks: an emulator process, a throwaway database, seeded chats."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.kernel.db.engine import scratch_database
from bot.kernel.db.models import Chat

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-TOKEN"


def machine() -> str:
    """One line naming the machine the figures come from."""
    return (
        f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"{_mem_total_gib():.0f} GiB, Python {platform.python_version()}, {platform.system()}"
    )


def _mem_total_gib() -> float:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def rss_mib(pid: int | str = "self", field: str = "VmRSS") -> float:
    """Resident memory of a process now (VmHWM: its highest so far), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class EmulatorProcess:
    """The emulator in its own process, so the bot being measured has a CPU to itself."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> str:
        """Start on a free port and return its URL."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.emulator", "--port", "0", "--token", TOKEN],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        self.url = first.rsplit(" ", 1)[-1].strip()
        if not self.url.startswith("http"):
            raise RuntimeError(f"the emulator did not start: {first!r}")
        return self.url

    def stop(self) -> None:
        """Stop it (SIGTERM, then wait)."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@asynccontextmanager
async def database(url: str | None) -> AsyncIterator[str]:
    """A fresh database: a temporary SQLite file, or a new database on a PostgreSQL server."""
    if not url or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        return
    async with scratch_database(url, "qt_bench") as scratch:
        yield scratch


async def seed_chats(
    engine: AsyncEngine,
    chat_ids: Sequence[int],
    *,
    next_send_at: Sequence[datetime],
    slot_date: Sequence[date],
    timezone: str | Sequence[str] = "UTC",
    send_minute: int | Sequence[int] = 20 * 60 + 30,
    chunk: int = 5000,
) -> None:
    """Insert chats straight into the database, as if each had joined long ago."""
    for start in range(0, len(chat_ids), chunk):
        rows: list[dict[str, Any]] = []
        for i in range(start, min(start + chunk, len(chat_ids))):
            rows.append(
                {
                    "id": chat_ids[i],
                    "active": True,
                    "timezone": timezone if isinstance(timezone, str) else timezone[i],
                    "send_minute": send_minute if isinstance(send_minute, int) else send_minute[i],
                    "next_send_at": next_send_at[i],
                    "next_slot_date": slot_date[i],
                }
            )
        async with engine.begin() as conn:
            await conn.execute(insert(Chat), rows)


def run(main: Any) -> None:
    """asyncio.run with a clean Ctrl-C."""
    try:
        asyncio.run(main)
    except KeyboardInterrupt:
        sys.exit(130)
