"""The evenings calendar: render time and PNG size, Pillow (what the bot uses) against matplotlib.

    python bench/heatmap.py                    # matplotlib for the comparison: pip install matplotlib
    python bench/heatmap.py --save calendar.png    # and keep Pillow's picture to look at

Both draw the same picture: 12 weeks of rounded squares on a dark card, one an evening, at the
same pixel size. Each is timed over many renders after a warm-up (imports excluded, but shown
apart: a bot process pays them once) and reports the median and the worst. Targets: under
100 ms a render and under 80 KB of PNG.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from common import machine

from bot.pictures.calendar import (
    BACKGROUND,
    CELL,
    COLOURS,
    EMPTY,
    GAP,
    OFF_RING,
    PAD,
    Evening,
    size,
)
from bot.pictures.calendar import render as pillow_render

ROUNDS = 50


def history(seed: int = 7) -> list[Evening]:
    """A lively 12 weeks: mostly together, some of each kind, the last days of the week ahead."""
    chooser = random.Random(seed)
    kinds = [Evening.TOGETHER] * 5 + [Evening.IN_PERSON, Evening.ONE, Evening.OFF, Evening.NONE]
    days = [chooser.choice(kinds) for _ in range(84)]
    days[-3:] = [Evening.LATER] * 3
    return days


def matplotlib_render(evenings: Sequence[Evening], today: int | None = None) -> bytes:
    """The same calendar drawn with matplotlib's patches (Agg backend)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch

    weeks = len(evenings) // 7
    width, height = size(weeks)
    figure = Figure(figsize=(width / 100, height / 100), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.set_axis_off()
    figure.patch.set_facecolor([c / 255 for c in BACKGROUND])

    def rgb(colour: tuple[int, int, int]) -> list[float]:
        return [c / 255 for c in colour]

    for index, evening in enumerate(evenings):
        if evening == Evening.LATER:
            continue
        x = PAD + (index // 7) * (CELL + GAP)
        y = PAD + (index % 7) * (CELL + GAP)
        style = "round,pad=0,rounding_size=6"
        if evening == Evening.OFF:
            patch = FancyBboxPatch(
                (x, y), CELL, CELL, boxstyle=style, fill=False, ec=rgb(OFF_RING), lw=1.5
            )
        else:
            colour = COLOURS.get(evening, EMPTY) if evening != Evening.ONE else EMPTY
            patch = FancyBboxPatch((x, y), CELL, CELL, boxstyle=style, fc=rgb(colour), lw=0)
        axes.add_patch(patch)
        if evening == Evening.ONE:
            half = FancyBboxPatch(
                (x, y + CELL / 2), CELL, CELL / 2, boxstyle=style, fc=rgb(COLOURS[evening]), lw=0
            )
            axes.add_patch(half)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, facecolor=figure.get_facecolor())
    return out.getvalue()


def measure(name: str, render: Callable[..., bytes], days: list[Evening]) -> None:
    """Print the median and worst render time and the PNG's size."""
    png = render(days, today=80)  # warm-up: caches, lazy imports
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        png = render(days, today=80)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"{name:<11} median {statistics.median(times):6.1f} ms   worst {max(times):6.1f} ms   "
        f"PNG {len(png) / 1024:5.1f} KB   ({size(12)[0]}x{size(12)[1]} px)"
    )


def main() -> None:
    """Measure both renderers on the same 12 weeks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="write Pillow's PNG here")
    args = parser.parse_args()
    print(machine())
    days = history()
    measure("Pillow", pillow_render, days)
    if args.save:
        args.save.write_bytes(pillow_render(days, today=80))
    start = time.perf_counter()
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.figure
    except ImportError:
        print("matplotlib     not installed: pip install matplotlib to compare")
        return
    print(f"(matplotlib's import: {(time.perf_counter() - start) * 1000:.0f} ms, once a process)")
    measure("matplotlib", matplotlib_render, days)


if __name__ == "__main__":
    main()
