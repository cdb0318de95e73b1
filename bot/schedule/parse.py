"""Parse what couples type after /time, /days, /pause and /nudges (pure; never raises).

Each parser returns a value or a :class:`Problem` naming the template (in
``prompts/<lang>/settings.yaml``) that explains, with an example, what went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.schedule.reading import DAYS, fold, vocabulary
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
# A clock time's pieces: numbers, words (any script), and the separators ":" and ".".
_CLOCK_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|[:.]")


def echo(text: str) -> str:
    """Quote a user's argument back safely: short and on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_ECHO else flat[: _MAX_ECHO - 1] + "…"


def parse_time(text: str) -> int | Problem:
    """Read a time of day as minutes after midnight, in the words of any shipped language.

    ``20:30``, ``8:30pm``, ``20.30``, ``2030``, ``8 pm``, ``21h``, ``20h30``, ``at 8pm``,
    ``8 de la noche``, ``8h da noite``, ``в 20:30``, ``8:30 вечера``, ``20 ч 30 мин``.
    """
    raw = text.strip()
    if not raw:
        return Problem("settings.time_missing")
    given = {"given": echo(raw)}
    clock = _read_clock(fold(raw))
    if clock is None:
        return Problem("settings.time_unreadable", given)
    hour, minute, period = clock
    if period is not None:
        if not 1 <= hour <= 12:
            return Problem("settings.time_hour_range", given)
        hour = _on_the_24_hour_clock(hour, period)
    if hour > 23:
        return Problem("settings.time_hour_range", given)
    if minute > 59:
        return Problem("settings.time_minute_range", given)
    return hour * 60 + minute


def _on_the_24_hour_clock(hour: int, period: str) -> int:
    """An hour of 1 to 12 said with a part of the day ("8 pm", "2 ночи", "8 da noite")."""
    if period == "am":
        return hour % 12
    if period == "night":  # the evening's hours, then midnight and the small hours
        return 0 if hour == 12 else hour if hour <= 5 else hour + 12
    return hour % 12 + 12


def _number(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _read_clock(folded: str) -> tuple[int, int, str | None] | None:
    """Hour, minute and part of the day (am, pm, night) of a folded time, or None."""
    words = vocabulary().words("clock")
    for phrase in sorted((w for w, m in words.items() if m == "at"), key=len, reverse=True):
        if folded.startswith(phrase + " "):
            folded = folded[len(phrase) + 1 :]
            break
    tokens = _CLOCK_TOKEN.findall(folded)
    if "".join(tokens) != "".join(folded.split()):
        return None  # something else in it: a comma, a slash, a digit of another script
    if not tokens or not _number(tokens[0]) or len(tokens[0]) > 4:
        return None
    first, rest = tokens[0], tokens[1:]
    if len(first) > 2:  # "2030", "830pm"
        hour, minute = int(first[:-2]), int(first[-2:])
    else:
        hour, minute = int(first), 0
        if rest and (rest[0] in (":", ".") or words.get(rest[0]) == "hours"):
            rest = rest[1:]  # "20:30", "20h30", "20 ч 30", or just "21h"
            if rest and _number(rest[0]) and len(rest[0]) <= 2:
                minute, rest = int(rest[0]), rest[1:]
    if rest and words.get(rest[0]) in ("hours", "minutes"):
        rest = rest[1:]  # "20 ч 30 мин", "20:30 hs"
    if not rest:
        return hour, minute, None
    said = " ".join(rest)
    period = words.get(said) or words.get(said.replace(" ", ""))
    if period not in ("am", "pm", "night") or any(_number(t) for t in rest):
        return None
    return hour, minute, period


_DAY_SETS = {"daily": EVERY_DAY, "weekdays": 0b0011111, "weekends": 0b1100000}
_DAY_KINDS = ("day", "days", "joiner", "through")


def parse_days(text: str) -> int | Problem:
    """Read a set of weekdays, in the words of any shipped language, as a weekday mask.

    ``daily``, ``weekdays``, ``mon,wed,fri``, ``mon-fri``, ``lunes y miércoles``,
    ``segunda a sexta``, ``fin de semana``, ``пн, ср, пт``, ``по субботам``.
    """
    words = _day_words(_day_tokens(text))
    if words is None:
        return Problem("settings.days_unreadable", {"given": echo(text)})
    mask = 0
    for i, (kind, meaning) in enumerate(words):
        if kind == "days":
            mask |= _DAY_SETS[meaning]
        elif kind == "day":
            mask |= 1 << DAYS.index(meaning)
        elif kind == "through" and 0 < i < len(words) - 1:
            before, after = words[i - 1], words[i + 1]
            if before[0] == after[0] == "day":
                day, last = DAYS.index(before[1]), DAYS.index(after[1])
                while day != last:
                    mask |= 1 << day
                    day = (day + 1) % 7
            elif meaning == "-":
                return Problem("settings.days_unreadable", {"given": echo(text)})
        elif meaning == "-":  # a hyphen that joins no two days
            return Problem("settings.days_unreadable", {"given": echo(text)})
    return mask or Problem("settings.days_none")


def _day_tokens(text: str) -> list[str]:
    """The folded words of a day list, with each hyphen between two words as its own "-".

    A hyphen between two days is a range ("mon-fri"), unless the hyphenated word is itself a
    word ("segunda-feira", read as the phrase "segunda feira").
    """

    def one_word(found: re.Match[str]) -> str:
        word = found[0]
        return word.replace("-", " ") if _day_meaning(fold(word)) is not None else word

    text = re.sub(r"[\u2010-\u2015]", "-", text)  # typographic dashes
    text = re.sub(r"[^\W_]+(?:-[^\W_]+)+", one_word, text).replace("-", " - ")
    tokens: list[str] = []
    for part in re.split(r"[\s,;/]+", text):
        tokens.extend(["-"] if part == "-" else fold(part).split())
    return tokens


def _day_words(tokens: list[str]) -> list[tuple[str, str]] | None:
    """The (kind, meaning) of each word or phrase of a day list; None if one is unknown."""
    vocabulary_ = vocabulary()
    longest = max(vocabulary_.longest(kind) for kind in _DAY_KINDS)
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "-":
            found.append(("through", "-"))
            i += 1
            continue
        for size in range(min(longest, len(tokens) - i), 0, -1):
            phrase = tokens[i : i + size]
            meaning = _day_meaning(" ".join(phrase)) if "-" not in phrase else None
            if meaning is not None:
                found.append(meaning)
                i += size
                break
        else:
            return None
    return found


def _day_meaning(phrase: str) -> tuple[str, str] | None:
    for kind in _DAY_KINDS:
        meaning = vocabulary().words(kind).get(phrase)
        if meaning is not None:
            return kind, meaning
    return None


_SPAN = re.compile(r"^(?P<n>[0-9]{1,4})\s*(?P<unit>[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)*)$")
_UNTIL = re.compile(r"^(?P<word>[^\W\d_][^\d]*?)\s+(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})$")
MAX_PAUSE_DAYS = 366


def _span(folded: str, kinds: tuple[str, ...]) -> tuple[int, str] | None:
    """A number and its unit ("3d", "2 недели", "90 мин"), when the unit is one of these."""
    match = _SPAN.match(folded)
    if match is None:
        return None
    unit = vocabulary().meaning("unit", match["unit"])
    return (int(match["n"]), unit) if unit in kinds else None


def parse_pause(text: str, today: date) -> date | Problem | None:
    """Read ``/pause`` arguments: nothing (until /resume), ``3d``, ``2 weeks``, ``3 días``,
    ``2 недели``, ``until 2026-12-01``, ``hasta 2026-12-01``, ``до 2026-12-01``.

    Returns the first local date prompts come back on, None for "until /resume".
    """
    raw = " ".join(text.split())
    if not raw:
        return None
    given = {"given": echo(text)}
    # Folding reads a hyphen as a space: the date is found before folding.
    dated = _UNTIL.match(raw.casefold())
    if (span := _span(fold(raw), ("days", "weeks"))) is not None:
        number, unit = span
        count = number * (7 if unit == "weeks" else 1)
        if count == 0:
            return Problem("settings.pause_unreadable", given)
        if count > MAX_PAUSE_DAYS:
            return Problem("settings.pause_too_long", given)
        return today + timedelta(days=count)
    if dated is not None and vocabulary().meaning("until", dated["word"]) == "until":
        try:
            until = datetime.strptime(dated["date"], "%Y-%m-%d").date()
        except ValueError:
            return Problem("settings.pause_unreadable", given)
        if until <= today:
            return Problem("settings.pause_past", given)
        if (until - today).days > MAX_PAUSE_DAYS:
            return Problem("settings.pause_too_long", given)
        return until
    return Problem("settings.pause_unreadable", given)


MIN_DELAY_MINUTES, MAX_DELAY_MINUTES = 15, 12 * 60


def parse_delay(text: str) -> int | Problem:
    """Read a nudge delay such as ``90m``, ``2h``, ``90 мин`` or ``2 horas`` as minutes
    (15 minutes to 12 hours)."""
    given = {"given": echo(text)}
    span = _span(fold(text), ("minutes", "hours"))
    if span is None:
        return Problem("settings.delay_unreadable", given)
    number, unit = span
    minutes = number * (60 if unit == "hours" else 1)
    if not MIN_DELAY_MINUTES <= minutes <= MAX_DELAY_MINUTES:
        return Problem("settings.delay_range", given)
    return minutes
