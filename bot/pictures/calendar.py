"""The evenings calendar: the last weeks as a grid of squares, one an evening (a PNG).

Columns are weeks (Monday on top, the newest week on the right), rows the days of the week,
like a contributions heatmap. The picture holds no words at all, so it needs no translation
and no font: the caption carries the legend and the same facts as text.

It is drawn for Telegram's light and dark themes alike: an opaque dark slate card (a photo is
shown as it is, and a transparent PNG turns black or white depending on the client) with
colours chosen to stand out on it. Nothing is red and a missing evening is a quiet grey, as
is an evening without a prompt: the picture shows what happened, never what did not. Shapes
back up the colours for colour-blind eyes: "one of you" is half a square, a day off a ring.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from enum import StrEnum

from PIL import Image, ImageDraw


class Evening(StrEnum):
    """What one square shows."""

    TOGETHER = "together"  # both answered
    IN_PERSON = "in_person"  # "we talked in person"
    ONE = "one"  # one of you answered
    OFF = "off"  # a day off: not one of their days, skipped, or a rest after an activity
    NONE = "none"  # no prompt, or nothing happened (never marked as missing)
    LATER = "later"  # after today: not drawn


# An opaque card that reads on white and on near-black chat backgrounds alike.
BACKGROUND = (34, 39, 46)
EMPTY = (55, 62, 71)
OFF_RING = (99, 110, 123)
COLOURS = {
    Evening.TOGETHER: (87, 171, 90),  # green, 🟩
    Evening.IN_PERSON: (83, 155, 245),  # blue, 🟦
    Evening.ONE: (218, 170, 63),  # amber, 🟨 (half a square)
}
TODAY_RING = (205, 217, 229)

CELL = 30
GAP = 8
PAD = 22
RADIUS = 6
# Drawn this many times larger, then scaled down: Pillow draws shapes without anti-aliasing.
SUPERSAMPLE = 3


def size(weeks: int) -> tuple[int, int]:
    """The picture's width and height in pixels for ``weeks`` columns."""
    return (2 * PAD + weeks * CELL + (weeks - 1) * GAP, 2 * PAD + 7 * CELL + 6 * GAP)


def render(evenings: Sequence[Evening], *, today: int | None = None) -> bytes:
    """Draw the calendar; ``evenings`` run Monday first, a multiple of 7 long, oldest first.

    ``today`` is the index of today's square (ringed), if it is in the picture.
    """
    if not evenings or len(evenings) % 7:
        raise ValueError("the calendar needs whole weeks")
    weeks = len(evenings) // 7
    image = Image.new("RGB", size(weeks), BACKGROUND)
    for index, evening in enumerate(evenings):
        if evening == Evening.LATER:
            continue
        x = PAD + (index // 7) * (CELL + GAP) - RING
        y = PAD + (index % 7) * (CELL + GAP) - RING
        image.paste(_tile(evening, today=index == today), (x, y))
    # An adaptive palette keeps the few flat colours and their soft edges: a few KB of PNG.
    small = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


# The ring around today's square sits in the gap between squares.
RING = 4


@functools.cache
def _tile(evening: Evening, *, today: bool) -> Image.Image:
    """One square with the gap around it, drawn large and scaled down once (anti-aliased)."""
    k = SUPERSAMPLE
    side = CELL + 2 * RING
    image = Image.new("RGB", (side * k, side * k), BACKGROUND)
    draw = ImageDraw.Draw(image)
    box = (RING * k, RING * k, (RING + CELL) * k - 1, (RING + CELL) * k - 1)
    radius = RADIUS * k
    if evening == Evening.OFF:
        draw.rounded_rectangle(box, radius=radius, outline=OFF_RING, width=2 * k)
    elif evening == Evening.ONE:
        # The lower half filled: one of the two.
        draw.rounded_rectangle(box, radius=radius, fill=EMPTY)
        half = (box[0], (box[1] + box[3]) // 2, box[2], box[3])
        corners = (False, False, True, True)
        draw.rounded_rectangle(half, radius=radius, fill=COLOURS[evening], corners=corners)
    else:
        draw.rounded_rectangle(box, radius=radius, fill=COLOURS.get(evening, EMPTY))
    if today:
        ring = (k, k, side * k - k - 1, side * k - k - 1)
        draw.rounded_rectangle(ring, radius=(RADIUS + 3) * k, outline=TODAY_RING, width=k + 1)
    return image.reduce(k)
