"""Private answers' pure decisions: deep-link payloads, who may use them, when to reveal.

The payload of ``https://t.me/<bot>?start=<payload>`` names one post and one partner and is
signed with a key derived from a secret every replica shares (the bot token), so nobody can
make one up, and nothing needs storing before a partner taps the button.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.schedule.reading import vocabulary

# The stored private message id is cleared this long after the answer, revealed or not.
KEEP_FOR = timedelta(hours=48)
MODES = ("on", "off", "only")
# Telegram allows 64 characters of A-Z a-z 0-9 _ - in a /start payload; ours take at most 56.
_PAYLOAD = re.compile(r"^([0-9a-f]{1,16})x([0-9a-f]{1,16})x([A-Za-z0-9_-]{22})$")
_SIGNATURE_LENGTH = 22  # 132 bits of HMAC-SHA256
# Telegram can copy these (a poll, a dice or a service message it cannot).
COPYABLE = frozenset(
    {"text", "voice", "photo", "video_note", "sticker", "video", "audio", "document", "animation"}
)


def link_key(secret: str) -> bytes:
    """The signing key, derived from a secret the replicas share (never the secret itself)."""
    return hmac.new(b"quality-time/private-answers/v1", secret.encode(), hashlib.sha256).digest()


def _signature(key: bytes, post_id: int, partner_id: int) -> str:
    digest = hmac.new(key, f"{post_id}:{partner_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_SIGNATURE_LENGTH]


def payload_for(key: bytes, post_id: int, partner_id: int) -> str:
    """The deep link's payload for one partner answering one post."""
    return f"{post_id:x}x{partner_id:x}x{_signature(key, post_id, partner_id)}"


def read_payload(key: bytes, payload: str) -> tuple[int, int] | None:
    """(post id, partner id) of a payload we made; None for anything else."""
    found = _PAYLOAD.match(payload)
    if found is None:
        return None
    post_id, partner_id = int(found[1], 16), int(found[2], 16)
    if not hmac.compare_digest(found[3], _signature(key, post_id, partner_id)):
        return None
    return post_id, partner_id


def parse_mode(typed: str) -> str | None:
    """The /private argument (on, off, only; sí, só, только...) as a mode, or None."""
    mode = vocabulary().meaning("switch", typed)
    return mode if mode in MODES else None


@dataclass(frozen=True)
class Hidden:
    """A private answer waiting for the reveal: whose, where, since when."""

    id: int
    partner_id: int
    name: str
    user_id: int
    message_id: int | None
    answered_at: datetime | None


def reveal_order(hidden: Sequence[Hidden]) -> list[Hidden]:
    """The answers to copy into the group, in the order they were given."""
    given = [h for h in hidden if h.answered_at is not None]
    return sorted(given, key=lambda h: (h.answered_at, h.id))


def all_answered(partner_ids: Sequence[int], answered: Sequence[int]) -> bool:
    """Whether both partners (a couple is two) have answered, privately or in the group."""
    return len(partner_ids) >= 2 and set(partner_ids) <= set(answered)


def window_closed(posted_at: datetime, window: timedelta, now: datetime) -> bool:
    """Whether the time to answer a post is over (its partner won't be answering now)."""
    return now - posted_at > window


def expired(answered_at: datetime, now: datetime) -> bool:
    """Whether a stored private message id must go (48 hours after the answer)."""
    return now - answered_at >= KEEP_FOR
