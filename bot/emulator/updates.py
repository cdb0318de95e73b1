"""The bot's update queue: allowed_updates filtering, long-poll wake-ups and webhook settings."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from telegram import TelegramObject, Update

# Telegram's default when allowed_updates is not given or empty.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
ALL_TYPES = frozenset(Update.ALL_TYPES)
DEFAULT_ALLOWED = ALL_TYPES - DEFAULT_EXCLUDED

PollEnd = Literal["update", "conflict", "stop"]


class WebhookDelivery(NamedTuple):
    """One attempt to POST an update to the webhook."""

    update_id: int
    status: int | None
    error: str | None


@dataclass(slots=True)
class Webhook:
    """The webhook set by setWebhook."""

    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateQueue:
    """Pending updates in order, kept until confirmed (polling) or delivered (webhook)."""

    def __init__(self) -> None:
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self.next_id = 1
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.allowed_explicit: list[str] | None = None
        self.webhook: Webhook | None = None
        self.deliveries: list[WebhookDelivery] = []
        self.dropped: list[int] = []
        self.wake = asyncio.Event()  # webhook worker: something to deliver
        self._poll: asyncio.Future[PollEnd] | None = None
        self.last_taken = 0.0

    def allows(self, kind: str) -> bool:
        """Whether the bot asked for updates of this kind."""
        return kind in self.allowed

    def set_allowed(self, kinds: list[str] | None) -> None:
        """Apply allowed_updates; like Telegram it affects updates created from now on."""
        if kinds is None:
            return
        self.allowed_explicit = list(kinds)
        self.allowed = frozenset(kinds) & ALL_TYPES if kinds else DEFAULT_ALLOWED

    def push(
        self,
        kind: str,
        obj: TelegramObject,
        as_dict: Callable[[], dict[str, Any]] | None = None,
    ) -> int | None:
        """Queue an update of this kind unless allowed_updates filters it out.

        ``as_dict``: a quicker way to ``obj.to_dict()``, called only if the update is queued.
        """
        if kind not in self.allowed:
            return None
        update_id = self.next_id
        self.next_id += 1
        if as_dict is not None:
            payload = {"update_id": update_id, kind: as_dict()}
        else:
            fields: dict[str, Any] = {kind: obj}
            payload = Update(update_id, **fields).to_dict()
        self.pending.append((update_id, payload))
        self._resolve_poll("update")
        self.wake.set()
        return update_id

    def confirm(self, offset: int | None) -> None:
        """getUpdates offset: forget updates below it; negative keeps only the last -offset."""
        if not offset:
            return
        if offset < 0:
            while len(self.pending) > -offset:
                self.pending.popleft()
            return
        while self.pending and self.pending[0][0] < offset:
            self.pending.popleft()

    def take(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` pending updates (they stay queued until confirmed)."""
        if not self.pending:
            return []
        self.last_taken = time.monotonic()
        if limit >= len(self.pending):
            return [payload for _, payload in self.pending]
        return [self.pending[i][1] for i in range(limit)]

    def drop_all(self) -> None:
        """drop_pending_updates."""
        self.pending.clear()

    def begin_poll(self) -> asyncio.Future[PollEnd]:
        """Register a getUpdates call; an earlier one still waiting is terminated (409)."""
        self._resolve_poll("conflict")
        self._poll = asyncio.get_running_loop().create_future()
        return self._poll

    def end_poll(self, future: asyncio.Future[PollEnd]) -> None:
        """Forget a finished getUpdates call."""
        if self._poll is future:
            self._poll = None

    def release(self) -> None:
        """Answer a hanging long poll now with whatever there is (used on stop and setWebhook)."""
        self._resolve_poll("stop")

    def _resolve_poll(self, reason: PollEnd) -> None:
        if self._poll is not None and not self._poll.done():
            self._poll.set_result(reason)
