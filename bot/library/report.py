"""What ``quality-time validate`` prints: every problem, or a summary of a valid library."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from bot.library.loader import check_library
from bot.library.schema import (
    DEPTHS,
    Category,
    Cost,
    Deck,
    Energy,
    Exercise,
    Kind,
    Library,
    Place,
    Talk,
    category_name,
)
from bot.library.similarity import THRESHOLD, near_duplicates
from bot.paths import project_root
from bot.texts import Texts


def default_path() -> Path:
    """The library the bot loads when none is configured."""
    return project_root() / "exercises.yaml"


def _counts(texts: Texts, values: Iterable[StrEnum], order: Iterable[StrEnum]) -> str:
    counter = Counter(values)
    items = [
        texts.render("validator.summary.count", value=v.value, count=counter[v]) for v in order
    ]
    return ", ".join(items)


def _cell(texts: Texts, entries: Sequence[Talk]) -> str:
    sensitive = sum(1 for e in entries if e.sensitive)
    if sensitive:
        return texts.render(
            "validator.summary.cell_sensitive", count=len(entries), sensitive=sensitive
        )
    return texts.render("validator.summary.cell", count=len(entries))


def _grid(texts: Texts, kind: Kind, entries: Sequence[Talk]) -> list[str]:
    """Entries by category and depth, the sensitive ones counted in brackets."""
    lines = [texts.render(f"validator.summary.grid_{kind.value}")]
    rows = [(category_name(texts, c), [e for e in entries if e.category is c]) for c in Category]
    rows.append((texts.render("validator.summary.all"), list(entries)))
    for name, row in rows:
        cells = [_cell(texts, [e for e in row if e.depth == depth]) for depth in DEPTHS]
        lines.append(
            texts.render("validator.summary.grid_line", name=name, cells=" / ".join(cells))
        )
    return lines


def _decks(texts: Texts, library: Library) -> list[str]:
    """Prompts and exercises per opt-in deck; entries without a deck are the everyday library."""
    lines = [texts.render("validator.summary.decks")]
    for deck in (None, *Deck):
        lines.append(
            texts.render(
                "validator.summary.deck_line",
                name=deck.value if deck else texts.render("validator.summary.everyday"),
                prompts=sum(1 for p in library.prompts if p.deck is deck),
                exercises=sum(1 for e in library.exercises if e.deck is deck),
            )
        )
    return lines


def _exercise_facts(texts: Texts, exercises: Sequence[Exercise]) -> list[str]:
    """Exercises with timed turns, and the series spread over several evenings."""
    lines = [
        texts.render(
            "validator.summary.timed_turns",
            count=sum(1 for e in exercises if e.turn_minutes is not None),
        )
    ]
    series: dict[str, list[int]] = {}
    for exercise in exercises:
        if exercise.series is not None:
            series.setdefault(exercise.series, []).append(exercise.part or 0)
    for name, parts in series.items():
        lines.append(
            texts.render(
                "validator.summary.series",
                name=name,
                parts=", ".join(str(p) for p in sorted(parts)),
            )
        )
    return lines


def summary(library: Library, texts: Texts, file: str = "exercises.yaml") -> str:
    """Counts by kind; prompts and exercises by category, depth and sensitivity, and by deck;
    activities by cost, place and energy, and how many can be done apart."""
    counts = library.counts()
    lines = [
        texts.render(
            "validator.summary.header",
            file=file,
            prompts=counts[Kind.PROMPT],
            exercises=counts[Kind.EXERCISE],
            activities=counts[Kind.ACTIVITY],
        ),
        *_grid(texts, Kind.PROMPT, library.prompts),
        *_grid(texts, Kind.EXERCISE, library.exercises),
        *_exercise_facts(texts, library.exercises),
        *_decks(texts, library),
    ]
    acts = library.activities
    cost = _counts(texts, (a.cost for a in acts), Cost)
    place = _counts(texts, (a.place for a in acts), Place)
    energy = _counts(texts, (a.energy for a in acts), Energy)
    lines.append(texts.render("validator.summary.by_cost", counts=cost))
    lines.append(texts.render("validator.summary.by_place", counts=place))
    lines.append(texts.render("validator.summary.by_energy", counts=energy))
    if acts:
        shortest = min(a.minutes.low for a in acts)
        longest = max(a.minutes.high for a in acts)
        lines.append(texts.render("validator.summary.lengths", low=shortest, high=longest))
    apart = sum(1 for a in acts if a.apart is not None)
    lines.append(texts.render("validator.summary.apart", count=apart, total=len(acts)))
    return "\n".join(lines)


def warnings(library: Library, texts: Texts) -> list[str]:
    """Entries that read alike; worth a look, but not an error. With none, one line says so."""
    found = [
        texts.render(
            "validator.summary.near_duplicate",
            kind=texts.render(f"validator.kinds.{pair.kind.value}"),
            first=pair.first,
            second=pair.second,
            score=f"{pair.score:.2f}",
        )
        for pair in near_duplicates(library)
    ]
    return found or [texts.render("validator.summary.no_near_duplicates", threshold=THRESHOLD)]


def validate(path: Path | None, texts: Texts) -> tuple[int, str, Library | None]:
    """Check the library file: the exit code (0 valid, 1 invalid), what to print, the library."""
    path = path or default_path()
    library, errors = check_library(path, texts)
    if library is None:
        failed = texts.render("validator.summary.failed", count=len(errors))
        return 1, "\n".join([*errors, failed]), None
    return 0, "\n".join([summary(library, texts, path.name), *warnings(library, texts)]), library


def validate_command(path: Path | None, texts: Texts) -> tuple[int, str]:
    """Check the library file; return the exit code (0 valid, 1 invalid) and what to print."""
    code, output, _library = validate(path, texts)
    return code, output
