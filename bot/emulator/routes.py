"""The HTTP driver under /_emulator/: the Python driver API for other processes and curl."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator.server import answer

if TYPE_CHECKING:
    from bot.emulator.driver import Emulator

Body = dict[str, Any]
Route = Callable[["Emulator", web.Request, Body], Awaitable[Any]]
PREFIX = "/_emulator"


def _wrap(emu: Emulator, route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        body: Body = {}
        if request.can_read_body:
            try:
                parsed = await request.json()
            except ValueError:
                return answer(400, {"ok": False, "error": "the body must be JSON"})
            body = parsed if isinstance(parsed, dict) else {}
        try:
            result = await route(emu, request, body)
        except TimeoutError as exc:
            return answer(408, {"ok": False, "error": str(exc)})
        except (ValueError, KeyError, TypeError) as exc:
            return answer(400, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        return answer(200, {"ok": True, "result": result})

    return handler


def _chat_id(request: web.Request) -> int:
    return int(request.match_info["chat_id"])


async def _health(emu: Emulator, request: web.Request, body: Body) -> Any:
    return {
        "bot": emu.bot.to_dict(),
        "url": emu.url,
        "calls": len(emu.calls),
        "pending_updates": emu.pending_updates(),
    }


async def _create_user(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.create_user(
        body["first_name"], body.get("last_name"), body.get("username"), body.get("language_code")
    ).to_dict()


async def _create_group(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.create_group(
        body["title"],
        [int(uid) for uid in body.get("member_ids", [])],
        added_by=body.get("added_by"),
        bot_admin=bool(body.get("bot_admin", False)),
        add_bot=bool(body.get("add_bot", True)),
        supergroup=bool(body.get("supergroup", False)),
    ).to_dict()


async def _create_groups(emu: Emulator, request: web.Request, body: Body) -> Any:
    chats = emu.create_groups(
        int(body["count"]),
        [int(uid) for uid in body["member_ids"]],
        title=body.get("title", "Group"),
        bot_admin=bool(body.get("bot_admin", False)),
    )
    return [chat.id for chat in chats]


async def _bot_action(emu: Emulator, request: web.Request, body: Body) -> Any:
    chat, action, by = _chat_id(request), body["action"], int(body["by"])
    if action == "add":
        emu.add_bot(chat, by=by, admin=bool(body.get("admin", False)))
    elif action == "remove":
        emu.remove_bot(chat, by=by, banned=bool(body.get("banned", False)))
    elif action == "promote":
        emu.promote_bot(chat, by=by)
    elif action == "demote":
        emu.demote_bot(chat, by=by)
    else:
        raise ValueError(f"unknown action {action!r} (add, remove, promote, demote)")
    return True


async def _member_action(emu: Emulator, request: web.Request, body: Body) -> Any:
    chat, user, by = _chat_id(request), int(body["user_id"]), body.get("by")
    if body.get("action", "add") == "add":
        return emu.add_member(chat, user, by=by).to_dict()
    return emu.remove_member(chat, user, by=by, banned=bool(body.get("banned", False))).to_dict()


async def _migrate(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.migrate_to_supergroup(_chat_id(request), by=body.get("by")).to_dict()


async def _private_chat(emu: Emulator, request: web.Request, body: Body) -> Any:
    chat = emu.private_chat(int(body["user_id"]), started=bool(body.get("started", False)))
    return chat.to_dict()


async def _send_message(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.send_message(
        int(body["chat_id"]), int(body["user_id"]), body["text"], reply_to=body.get("reply_to")
    ).to_dict()


async def _send_media(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.send_media(
        int(body["chat_id"]),
        int(body["user_id"]),
        str(body["kind"]),
        caption=body.get("caption"),
        reply_to=body.get("reply_to"),
    ).to_dict()


async def _edit_message(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.edit_message(
        int(body["chat_id"]), int(body["user_id"]), int(body["message_id"]), body["text"]
    ).to_dict()


async def _delete_message(emu: Emulator, request: web.Request, body: Body) -> Any:
    emu.delete_message(int(body["chat_id"]), int(body["user_id"]), int(body["message_id"]))
    return True


async def _block_bot(emu: Emulator, request: web.Request, body: Body) -> Any:
    emu.block_bot(int(body["user_id"]))
    return True


async def _press_button(emu: Emulator, request: web.Request, body: Body) -> Any:
    query_id = emu.press_button(
        int(body["chat_id"]), int(body["user_id"]), int(body["message_id"]), body["data"]
    )
    return {"callback_query_id": query_id}


async def _answer_poll(emu: Emulator, request: web.Request, body: Body) -> Any:
    emu.answer_poll(request.match_info["poll_id"], int(body["user_id"]), body["option_ids"])
    return True


def _call_dict(index: int, call: Any) -> dict[str, Any]:
    return {"index": index, **dataclasses.asdict(call)}


async def _calls(emu: Emulator, request: web.Request, body: Body) -> Any:
    since = int(request.query.get("since", 0))
    method = request.query.get("method", "").lower()
    return [
        _call_dict(i, call)
        for i, call in enumerate(emu.calls)
        if i >= since and (not method or call.method.lower() == method)
    ]


async def _wait_call(emu: Emulator, request: web.Request, body: Body) -> Any:
    since = int(body.get("since", 0))
    call = await emu.wait_for_call(
        body["method"],
        since=since,
        timeout=float(body.get("timeout", 5.0)),
        **body.get("match", {}),
    )
    return _call_dict(emu.calls.index(call, since), call)


async def _chat_messages(emu: Emulator, request: web.Request, body: Body) -> Any:
    chat = _chat_id(request)
    bot_only = request.query.get("bot_only", "") in ("1", "true")
    messages = emu.bot_messages(chat) if bot_only else emu.chat_history(chat)
    return [m.to_dict() for m in messages]


async def _callbacks(emu: Emulator, request: web.Request, body: Body) -> Any:
    return emu.answered_callbacks


async def _limits(emu: Emulator, request: web.Request, body: Body) -> Any:
    if request.method == "POST":
        if body.get("enabled", True):
            emu.limits.enable(
                int(body.get("global_per_second", 30)),
                int(body.get("group_per_minute", 20)),
                int(body.get("private_per_second", 1)),
                int(body.get("paid_per_second", 1000)),
            )
        else:
            emu.limits.disable()
        if body.get("reset_stats"):
            emu.limits.reset_stats()
    stats = emu.limits.stats
    return {
        "enabled": emu.limits.enabled,
        "sends": stats.sends,
        "paid_sends": stats.paid_sends,
        "throttled": stats.throttled,
        "sends_per_chat": {str(k): v for k, v in stats.sends_per_chat.items()},
        "throttled_per_chat": {str(k): v for k, v in stats.throttled_per_chat.items()},
        "per_second": stats.per_second(),
    }


async def _faults(emu: Emulator, request: web.Request, body: Body) -> Any:
    kind = body.get("kind", "fail")
    faults = emu.faults
    times = body.get("times", 1)
    chat_id = body.get("chat_id")
    if kind == "fail":
        faults.fail(body.get("method", "sendMessage"), int(body.get("status", 500)), times, chat_id)
    elif kind == "delay":
        faults.delay(
            body.get("method", "sendMessage"),
            float(body.get("seconds", 2.0)),
            times,
            chat_id,
            bool(body.get("deliver", True)),
        )
    elif kind == "forbid":
        faults.forbid(int(body["chat_id"]))
    elif kind == "allow":
        faults.allow(int(body["chat_id"]))
    elif kind == "clear":
        faults.clear()
    else:
        raise ValueError(f"unknown fault kind {kind!r} (fail, delay, forbid, allow, clear)")
    return True


async def _settle(emu: Emulator, request: web.Request, body: Body) -> Any:
    await emu.settle(float(body.get("quiet", 0.2)), float(body.get("timeout", 10.0)))
    return True


async def _webhook(emu: Emulator, request: web.Request, body: Body) -> Any:
    return {
        "deliveries": [d._asdict() for d in emu.webhook_deliveries],
        "dropped": emu.webhook_dropped,
    }


ROUTES: list[tuple[str, str, Route]] = [
    ("GET", "/health", _health),
    ("POST", "/users", _create_user),
    ("POST", "/groups", _create_group),
    ("POST", "/groups/bulk", _create_groups),
    ("POST", "/groups/{chat_id}/bot", _bot_action),
    ("POST", "/groups/{chat_id}/members", _member_action),
    ("POST", "/groups/{chat_id}/migrate", _migrate),
    ("POST", "/private_chats", _private_chat),
    ("POST", "/messages", _send_message),
    ("POST", "/messages/media", _send_media),
    ("POST", "/messages/edit", _edit_message),
    ("POST", "/messages/delete", _delete_message),
    ("POST", "/private_chats/block", _block_bot),
    ("POST", "/buttons", _press_button),
    ("POST", "/polls/{poll_id}/answers", _answer_poll),
    ("GET", "/calls", _calls),
    ("POST", "/calls/wait", _wait_call),
    ("GET", "/chats/{chat_id}/messages", _chat_messages),
    ("GET", "/callbacks", _callbacks),
    ("GET", "/limits", _limits),
    ("POST", "/limits", _limits),
    ("POST", "/faults", _faults),
    ("POST", "/settle", _settle),
    ("GET", "/webhook", _webhook),
]


def add_driver_routes(app: web.Application, emu: Emulator) -> None:
    """Register every /_emulator/ route."""
    for verb, path, route in ROUTES:
        app.router.add_route(verb, PREFIX + path, _wrap(emu, route))
