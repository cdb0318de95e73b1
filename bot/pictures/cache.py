"""Rendered pictures kept in memory, per chat and local date, for the process's life.

A couple asking /stats twice in an evening, or the recap following /stats, gets the same
bytes without drawing again. The key holds the picture's data too, so an answer that changes
a square draws a new picture; the cache is bounded (least recently used go first) and never
touches the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date

from bot.pictures.calendar import Evening, render

log = logging.getLogger(__name__)

Renderer = Callable[..., bytes]


class Pictures:
    """Calendar PNGs by (chat, local date, squares); None when one cannot be made."""

    def __init__(self, capacity: int = 512, renderer: Renderer = render) -> None:
        self.capacity = capacity
        self.renderer = renderer
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self.rendered = 0  # how many were drawn (the rest came from the cache)

    async def calendar(
        self, chat_id: int, day: date, evenings: Sequence[Evening], today: int | None
    ) -> bytes | None:
        """The calendar's PNG, from the cache or drawn off the event loop."""
        key = (chat_id, day, tuple(evenings), today)
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
            return kept
        try:
            # Drawing takes milliseconds of CPU: a thread keeps other chats' updates moving.
            png = await asyncio.to_thread(self.renderer, evenings, today=today)
        except Exception:
            # The words go out alone; the picture is a nicety, never a reason to fail.
            log.exception("chat %s: the calendar picture could not be drawn", chat_id)
            return None
        self.rendered += 1
        self._kept[key] = png
        if len(self._kept) > self.capacity:
            self._kept.popitem(last=False)
        return png
