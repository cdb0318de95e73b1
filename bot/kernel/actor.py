"""Who acted, and where: the plain values a feature's service needs from an update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


async def _never() -> bool:
    return False


async def _unknown() -> int | None:
    return None


@dataclass(frozen=True)
class Actor:
    """A member acting in a chat (a command, a button, a message); no Telegram types."""

    chat_id: int
    user_id: int | None
    name: str
    in_group: bool
    is_bot: bool = False
    # The member's Telegram ``language_code`` ("es", "pt-br"), as their app reports it (None
    # when Telegram does not say): a new group starts in its adder's language, a private chat
    # follows its person's.
    language_code: str | None = None
    # Asks Telegram whether the member is one of the group's admins; called only when a
    # service needs to know (a guest trying to change settings), since it costs a round trip.
    is_admin: Callable[[], Awaitable[bool]] = field(default=_never, compare=False, repr=False)
    # Asks Telegram how many are in the chat (the bot included); only for a member the bot has
    # not met, to tell a couple's group from a bigger one. None when it cannot tell.
    member_count: Callable[[], Awaitable[int | None]] = field(
        default=_unknown, compare=False, repr=False
    )
    # Asks Telegram whether the bot itself is in the chat; called only for a chat the bot has
    # no row for (a join it missed, or after /forget), before anything is stored for it.
    bot_is_member: Callable[[], Awaitable[bool]] = field(default=_never, compare=False, repr=False)
