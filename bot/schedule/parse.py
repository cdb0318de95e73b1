"""Parse what couples type after /time, /days, /pause and /nudges (pure; never raises).

Each parser returns a value or a :class:`Problem` naming the template (in
``prompts/<lang>/settings.yaml``) that explains, with an example, what went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.schedule.slots import EVERY_DAY


@dataclass(frozen=True)
class Problem:
    """Why an argument was not understood: a template key and its values."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


# Every template a parser may name, with its placeholders (checked against the files in a test).
PROBLEM_TEMPLATES: dict[str, frozenset[str]] = {
    "settings.time_missing": frozenset(),
    "settings.time_unreadable": frozenset({"given"}),
    "settings.time_hour_range": frozenset({"given"}),
    "settings.time_minute_range": frozenset({"given"}),
    "settings.days_unreadable": frozenset({"given"}),
    "settings.days_none": frozenset(),
    "settings.pause_unreadable": frozenset({"given"}),
    "settings.pause_past": frozenset({"given"}),
    "settings.pause_too_long": frozenset({"given"}),
    "settings.delay_unreadable": frozenset({"given"}),
    "settings.delay_range": frozenset({"given"}),
}

_MAX_ECHO = 40  # how much of a wrong argument we quote back
_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{1,2})?)?\s*(?P<ampm>[ap]\.?\s*m\.?)?$", re.IGNORECASE
)
_COMPACT_TIME = re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})$")


def echo(text: str) -> str:
    """Quote a user's argument back safely: short and on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_ECHO else flat[: _MAX_ECHO - 1] + "…"


def parse_time(text: str) -> int | Problem:
    """Read ``20:30``, ``8:30pm``, ``20.30``, ``2030``, ``8 pm`` or ``21h`` as minutes after midnight."""
    raw = text.strip()
    if not raw:
        return Problem("settings.time_missing")
    given = {"given": echo(raw)}
    match = _TIME.match(raw) or _COMPACT_TIME.match(raw)
    if match is None:
        return Problem("settings.time_unreadable", given)
    hour = int(match["h"])
    minute = int(match["m"] or 0)
    ampm = (match.groupdict().get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            return Problem("settings.time_hour_range", given)
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return Problem("settings.time_hour_range", given)
    if minute > 59:
        return Problem("settings.time_minute_range", given)
    return hour * 60 + minute


_DAY_NAMES = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_DAY_SETS = {
    "daily": EVERY_DAY, "everyday": EVERY_DAY, "every day": EVERY_DAY, "all": EVERY_DAY,
    "weekdays": 0b0011111, "weekday": 0b0011111, "workdays": 0b0011111,
    "weekends": 0b1100000, "weekend": 0b1100000,
}  # fmt: skip


def parse_days(text: str) -> int | Problem:
    """Read ``daily``, ``weekdays``, ``weekends``, ``mon,wed,fri`` or ``mon-fri`` as a weekday mask."""
    raw = " ".join(text.lower().split())
    if not raw:
        return Problem("settings.days_none")
    if raw in _DAY_SETS:
        return _DAY_SETS[raw]
    mask = 0
    for part in re.split(r"[,\s;/]+", raw):
        if not part or part == "and":
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first not in _DAY_NAMES or last not in _DAY_NAMES:
                return Problem("settings.days_unreadable", {"given": echo(text)})
            day = _DAY_NAMES[first]
            while True:
                mask |= 1 << day
                if day == _DAY_NAMES[last]:
                    break
                day = (day + 1) % 7
        elif part in _DAY_NAMES:
            mask |= 1 << _DAY_NAMES[part]
        else:
            return Problem("settings.days_unreadable", {"given": echo(text)})
    return mask or Problem("settings.days_none")


_SPAN = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>d|days?|w|weeks?)$")
_UNTIL = re.compile(r"^(?:until|till|til)\s+(?P<date>\d{4}-\d{1,2}-\d{1,2})$")
MAX_PAUSE_DAYS = 366


def parse_pause(text: str, today: date) -> date | Problem | None:
    """Read ``/pause`` arguments: nothing (until /resume), ``3d``, ``2 weeks``, ``until 2026-12-01``.

    Returns the first local date prompts come back on, None for "until /resume".
    """
    raw = " ".join(text.lower().split())
    if not raw:
        return None
    given = {"given": echo(text)}
    if match := _SPAN.match(raw):
        count = int(match["n"]) * (7 if match["unit"].startswith("w") else 1)
        if count == 0:
            return Problem("settings.pause_unreadable", given)
        if count > MAX_PAUSE_DAYS:
            return Problem("settings.pause_too_long", given)
        return today + timedelta(days=count)
    if match := _UNTIL.match(raw):
        try:
            until = datetime.strptime(match["date"], "%Y-%m-%d").date()
        except ValueError:
            return Problem("settings.pause_unreadable", given)
        if until <= today:
            return Problem("settings.pause_past", given)
        if (until - today).days > MAX_PAUSE_DAYS:
            return Problem("settings.pause_too_long", given)
        return until
    return Problem("settings.pause_unreadable", given)


_DELAY = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>m|mins?|minutes?|h|hrs?|hours?)$")
MIN_DELAY_MINUTES, MAX_DELAY_MINUTES = 15, 12 * 60


def parse_delay(text: str) -> int | Problem:
    """Read a nudge delay such as ``90m`` or ``2h`` as minutes (15 minutes to 12 hours)."""
    raw = " ".join(text.lower().split())
    given = {"given": echo(text)}
    match = _DELAY.match(raw)
    if match is None:
        return Problem("settings.delay_unreadable", given)
    minutes = int(match["n"]) * (60 if match["unit"].startswith("h") else 1)
    if not MIN_DELAY_MINUTES <= minutes <= MAX_DELAY_MINUTES:
        return Problem("settings.delay_range", given)
    return minutes
