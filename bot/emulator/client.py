"""EmulatorClient: drive a running emulator from another process over its /_emulator/ routes."""

# Mirrors the driver API, which takes plain `timeout=` arguments.
# ruff: noqa: ASYNC109

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import aiohttp


class EmulatorClientError(RuntimeError):
    """The emulator refused a driver request."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error


class EmulatorClient:
    """Async client mirroring the Emulator driver; results are plain JSON dicts."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/") + "/_emulator"
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(
        self, verb: str, path: str, body: dict[str, Any] | None = None, **query: Any
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        params = {k: str(v) for k, v in query.items() if v is not None}
        async with self._session.request(
            verb, self.url + path, json=body, params=params
        ) as response:
            data = await response.json()
        if not data.get("ok"):
            raise EmulatorClientError(response.status, str(data.get("error")))
        return data["result"]

    async def health(self) -> dict[str, Any]:
        """Bot user, URL, call and pending-update counts."""
        result: dict[str, Any] = await self._request("GET", "/health")
        return result

    async def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A new user (User JSON)."""
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        result: dict[str, Any] = await self._request("POST", "/users", body)
        return result

    async def create_group(
        self,
        title: str,
        member_ids: Sequence[int],
        added_by: int | None = None,
        bot_admin: bool = False,
        add_bot: bool = True,
        supergroup: bool = False,
    ) -> dict[str, Any]:
        """A new group (Chat JSON), with the bot added unless add_bot=False."""
        body = {
            "title": title,
            "member_ids": list(member_ids),
            "added_by": added_by,
            "bot_admin": bot_admin,
            "add_bot": add_bot,
            "supergroup": supergroup,
        }
        result: dict[str, Any] = await self._request("POST", "/groups", body)
        return result

    async def create_groups(
        self, count: int, member_ids: Sequence[int], title: str = "Group", bot_admin: bool = False
    ) -> list[int]:
        """Many groups with the bot already in them, no updates queued; returns their ids."""
        body = {
            "count": count,
            "member_ids": list(member_ids),
            "title": title,
            "bot_admin": bot_admin,
        }
        result: list[int] = await self._request("POST", "/groups/bulk", body)
        return result

    async def bot_action(
        self, chat_id: int, action: str, by: int, admin: bool = False, banned: bool = False
    ) -> None:
        """add, remove, promote or demote the bot in a group."""
        body = {"action": action, "by": by, "admin": admin, "banned": banned}
        await self._request("POST", f"/groups/{chat_id}/bot", body)

    async def add_member(self, chat_id: int, user_id: int, by: int | None = None) -> dict[str, Any]:
        """A user joins or is added; returns the service message."""
        body = {"action": "add", "user_id": user_id, "by": by}
        result: dict[str, Any] = await self._request("POST", f"/groups/{chat_id}/members", body)
        return result

    async def remove_member(
        self, chat_id: int, user_id: int, by: int | None = None, banned: bool = False
    ) -> dict[str, Any]:
        """A user leaves or is removed; returns the service message."""
        body = {"action": "remove", "user_id": user_id, "by": by, "banned": banned}
        result: dict[str, Any] = await self._request("POST", f"/groups/{chat_id}/members", body)
        return result

    async def migrate_to_supergroup(self, chat_id: int, by: int | None = None) -> dict[str, Any]:
        """Upgrade a group; returns the new supergroup (Chat JSON)."""
        result: dict[str, Any] = await self._request(
            "POST", f"/groups/{chat_id}/migrate", {"by": by}
        )
        return result

    async def private_chat(self, user_id: int, started: bool = False) -> dict[str, Any]:
        """The private chat between a user and the bot."""
        body = {"user_id": user_id, "started": started}
        result: dict[str, Any] = await self._request("POST", "/private_chats", body)
        return result

    async def send_message(
        self, chat_id: int, user_id: int, text: str, reply_to: int | None = None
    ) -> dict[str, Any]:
        """A user writes (commands too); returns the Message JSON."""
        body = {"chat_id": chat_id, "user_id": user_id, "text": text, "reply_to": reply_to}
        result: dict[str, Any] = await self._request("POST", "/messages", body)
        return result

    async def press_button(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        """Press an inline button; returns the callback query id."""
        body = {"chat_id": chat_id, "user_id": user_id, "message_id": message_id, "data": data}
        result = await self._request("POST", "/buttons", body)
        return str(result["callback_query_id"])

    async def answer_poll(self, poll_id: str, user_id: int, option_ids: Sequence[int]) -> None:
        """Vote in a poll the bot sent."""
        body = {"user_id": user_id, "option_ids": list(option_ids)}
        await self._request("POST", f"/polls/{poll_id}/answers", body)

    async def calls(self, since: int = 0, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded bot calls (each with its index), optionally one method only."""
        result: list[dict[str, Any]] = await self._request(
            "GET", "/calls", since=since, method=method
        )
        return result

    async def wait_for_call(
        self, method: str, since: int = 0, timeout: float = 5.0, **match: Any
    ) -> dict[str, Any]:
        """Wait server-side for a matching call (EmulatorClientError 408 on timeout)."""
        body = {"method": method, "since": since, "timeout": timeout, "match": match}
        result: dict[str, Any] = await self._request("POST", "/calls/wait", body)
        return result

    async def chat_messages(self, chat_id: int, bot_only: bool = False) -> list[dict[str, Any]]:
        """The chat's messages as they are now (or only the bot's)."""
        result: list[dict[str, Any]] = await self._request(
            "GET", f"/chats/{chat_id}/messages", bot_only=int(bot_only)
        )
        return result

    async def answered_callbacks(self) -> dict[str, dict[str, Any]]:
        """Callback query id -> answerCallbackQuery params."""
        result: dict[str, dict[str, Any]] = await self._request("GET", "/callbacks")
        return result

    async def set_limits(
        self,
        enabled: bool = True,
        global_per_second: int = 30,
        group_per_minute: int = 20,
        private_per_second: int = 1,
        reset_stats: bool = False,
        paid_per_second: int = 1000,
    ) -> dict[str, Any]:
        """Enable or disable rate limits; returns the stats."""
        body = {
            "enabled": enabled,
            "global_per_second": global_per_second,
            "group_per_minute": group_per_minute,
            "private_per_second": private_per_second,
            "paid_per_second": paid_per_second,
            "reset_stats": reset_stats,
        }
        result: dict[str, Any] = await self._request("POST", "/limits", body)
        return result

    async def limit_stats(self) -> dict[str, Any]:
        """Sends, 429s and achieved messages per second."""
        result: dict[str, Any] = await self._request("GET", "/limits")
        return result

    async def fault(self, kind: str = "fail", **options: Any) -> None:
        """Inject a fault: kind fail/delay/forbid/allow/clear with Faults' keyword arguments."""
        await self._request("POST", "/faults", {"kind": kind, **options})

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:
        """Wait until the bot took every update and went quiet."""
        await self._request("POST", "/settle", {"quiet": quiet, "timeout": timeout})

    async def webhook(self) -> dict[str, Any]:
        """Webhook delivery attempts and dropped update ids."""
        result: dict[str, Any] = await self._request("GET", "/webhook")
        return result
