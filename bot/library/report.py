"""What ``quality-time validate`` prints: every problem, or a summary of a valid library."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from bot.library.loader import check_library
from bot.library.schema import DEPTHS, Category, Cost, Energy, Kind, Library, Place, category_name
from bot.library.similarity import near_duplicates
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


def summary(library: Library, texts: Texts, file: str = "exercises.yaml") -> str:
    """Counts by kind, by category and by depth, and activities by cost, place and energy."""
    counts = library.counts()
    lines = [
        texts.render(
            "validator.summary.header",
            file=file,
            prompts=counts[Kind.PROMPT],
            exercises=counts[Kind.EXERCISE],
            activities=counts[Kind.ACTIVITY],
        ),
        texts.render("validator.summary.by_category"),
    ]
    prompts = Counter(p.category for p in library.prompts)
    exercises = Counter(e.category for e in library.exercises)
    for category in Category:
        lines.append(
            texts.render(
                "validator.summary.category_line",
                name=category_name(texts, category),
                prompts=prompts[category],
                exercises=exercises[category],
            )
        )
    lines.append(texts.render("validator.summary.by_depth"))
    prompt_depths = Counter(p.depth for p in library.prompts)
    exercise_depths = Counter(e.depth for e in library.exercises)
    for depth in DEPTHS:
        lines.append(
            texts.render(
                "validator.summary.depth_line",
                depth=depth,
                name=texts.render(f"library.depths.{depth}"),
                prompts=prompt_depths[depth],
                exercises=exercise_depths[depth],
            )
        )
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
    return "\n".join(lines)


def warnings(library: Library, texts: Texts) -> list[str]:
    """Entries that read alike; worth a look, but not an error."""
    return [
        texts.render(
            "validator.summary.near_duplicate",
            kind=texts.render(f"validator.kinds.{pair.kind.value}"),
            first=pair.first,
            second=pair.second,
            score=f"{pair.score:.2f}",
        )
        for pair in near_duplicates(library)
    ]


def validate_command(path: Path | None, texts: Texts) -> tuple[int, str]:
    """Check the library file; return the exit code (0 valid, 1 invalid) and what to print."""
    path = path or default_path()
    library, errors = check_library(path, texts)
    if library is None:
        failed = texts.render("validator.summary.failed", count=len(errors))
        return 1, "\n".join([*errors, failed])
    return 0, "\n".join([summary(library, texts, path.name), *warnings(library, texts)])
