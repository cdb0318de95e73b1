"""Bot API methods about the bot, chats and members, commands and the webhook."""

from __future__ import annotations

import datetime as dtm
import re
from typing import Any

from telegram import BotCommand, BotDescription, BotName, BotShortDescription, WebhookInfo

from bot.emulator.errors import bad_request
from bot.emulator.objects import full_info, member, member_updated
from bot.emulator.params import opt_bool, opt_int, opt_json, opt_str
from bot.emulator.registry import method
from bot.emulator.state import BOT_PRESENT, PRESENT, World
from bot.emulator.updates import Webhook

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@method("getMe")
def get_me(world: World, p: dict[str, Any]) -> Any:
    """The bot's own User, with the flags only getMe carries."""
    data = world.bot.to_dict()
    data.update(
        can_join_groups=True,
        can_read_all_group_messages=not world.privacy_mode,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return data


@method("getChat")
def get_chat(world: World, p: dict[str, Any]) -> Any:
    """ChatFullInfo of a chat the bot is in."""
    return full_info(world.chat(p.get("chat_id"), sending=False)).to_dict()


@method("getChatMember")
def get_chat_member(world: World, p: dict[str, Any]) -> Any:
    """One member's status (left for known users who are not in the chat)."""
    state = world.chat(p.get("chat_id"), sending=False)
    user_id = opt_int(p, "user_id")
    user = world.bot if user_id == world.bot.id else world.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    return member(user, state.members.get(user.id, "left")).to_dict()


@method("getChatAdministrators")
def get_chat_administrators(world: World, p: dict[str, Any]) -> Any:
    """The owner and administrators (the bot too when promoted)."""
    state = world.chat(p.get("chat_id"), sending=False)
    if state.is_private:
        raise bad_request("there are no administrators in the private chat")
    admins = []
    for user_id, status in state.members.items():
        if status in ("creator", "administrator"):
            user = world.bot if user_id == world.bot.id else world.users[user_id]
            admins.append(member(user, status).to_dict())
    return admins


@method("getChatMemberCount")
def get_chat_member_count(world: World, p: dict[str, Any]) -> Any:
    """How many are in the chat, the bot included."""
    state = world.chat(p.get("chat_id"), sending=False)
    return sum(1 for status in state.members.values() if status in PRESENT)


@method("leaveChat")
def leave_chat(world: World, p: dict[str, Any]) -> Any:
    """The bot leaves a group; it gets the my_chat_member update as in Telegram."""
    state = world.chat(p.get("chat_id"), sending=False)
    if state.is_private:
        raise bad_request("chat member status can't be changed in private chats")
    old = state.members.get(world.bot.id, "left")
    if old in BOT_PRESENT:
        state.members[world.bot.id] = "left"
        state.bot_left_itself = True
        update = member_updated(world, state, world.bot, old, "left", world.bot)
        world.updates.push("my_chat_member", update)
    return True


def scope_key(scope: Any) -> str:
    """A stable key for a BotCommandScope: "default", "chat:ID", "chat_member:ID:USER"..."""
    if scope is None or scope == "":
        return "default"
    if isinstance(scope, str):
        return scope
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    parts = [str(scope["type"])]
    for key in ("chat_id", "user_id"):
        if key in scope:
            parts.append(str(scope[key]))
    return ":".join(parts)


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    return scope_key(opt_json(p, "scope")), opt_str(p, "language_code") or ""


@method("setMyCommands")
def set_my_commands(world: World, p: dict[str, Any]) -> Any:
    """Store the command list for a scope and language."""
    raw = opt_json(p, "commands")
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad_request("can't parse commands JSON object")
    commands: list[dict[str, str]] = []
    for item in raw:
        command = str(item.get("command", "")) if isinstance(item, dict) else ""
        description = str(item.get("description", "")) if isinstance(item, dict) else ""
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request(
                "command description is empty"
                if not description
                else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
        commands.append(BotCommand(command, description).to_dict())
    world.commands[_commands_key(p)] = commands
    return True


@method("getMyCommands")
def get_my_commands(world: World, p: dict[str, Any]) -> Any:
    """The command list for exactly this scope and language."""
    return world.commands.get(_commands_key(p), [])


@method("deleteMyCommands")
def delete_my_commands(world: World, p: dict[str, Any]) -> Any:
    """Forget the command list for a scope and language."""
    world.commands.pop(_commands_key(p), None)
    return True


def _bot_text(kind: str, setter: bool) -> None:
    field = {
        "name": "name",
        "description": "description",
        "short_description": "short_description",
    }[kind]
    camel = "".join(part.title() for part in kind.split("_"))
    wrapper = {
        "name": BotName,
        "description": BotDescription,
        "short_description": BotShortDescription,
    }[kind]

    if setter:

        def set_text(world: World, p: dict[str, Any]) -> Any:
            world.bot_texts[kind, opt_str(p, "language_code") or ""] = opt_str(p, field) or ""
            return True

        method(f"setMy{camel}")(set_text)
    else:

        def get_text(world: World, p: dict[str, Any]) -> Any:
            text = world.bot_texts.get((kind, opt_str(p, "language_code") or ""), "")
            if kind == "name" and not text:
                text = world.bot.first_name
            return wrapper(text).to_dict()

        method(f"getMy{camel}")(get_text)


for _kind in ("name", "description", "short_description"):
    _bot_text(_kind, setter=True)
    _bot_text(_kind, setter=False)


@method("setWebhook")
def set_webhook(world: World, p: dict[str, Any]) -> Any:
    """Switch to webhook delivery (an empty url removes the webhook, as in Telegram)."""
    url = opt_str(p, "url") or ""
    if not url:
        return delete_webhook(world, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = opt_str(p, "secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("bad webhook: secret token contains unallowed characters")
    max_connections = opt_int(p, "max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    updates = world.updates
    if opt_bool(p, "drop_pending_updates"):
        updates.drop_all()
    allowed = opt_json(p, "allowed_updates")
    updates.set_allowed(allowed if isinstance(allowed, list) else None)
    updates.webhook = Webhook(url=url, secret_token=secret, max_connections=max_connections)
    updates.release()  # a hanging getUpdates ends: the bot switched to webhooks
    updates.wake.set()
    return True


@method("deleteWebhook")
def delete_webhook(world: World, p: dict[str, Any]) -> Any:
    """Back to getUpdates."""
    updates = world.updates
    updates.webhook = None
    if opt_bool(p, "drop_pending_updates"):
        updates.drop_all()
    return True


def _date(timestamp: int | None) -> dtm.datetime | None:
    return dtm.datetime.fromtimestamp(timestamp, dtm.UTC) if timestamp else None


@method("getWebhookInfo")
def get_webhook_info(world: World, p: dict[str, Any]) -> Any:
    """The webhook, queue length and last delivery error."""
    updates = world.updates
    hook = updates.webhook
    return WebhookInfo(
        url=hook.url if hook else "",
        has_custom_certificate=False,
        pending_update_count=len(updates.pending),
        last_error_date=_date(hook.last_error_date) if hook else None,
        last_error_message=hook.last_error_message if hook else None,
        max_connections=hook.max_connections if hook else None,
        allowed_updates=updates.allowed_explicit if hook else None,
    ).to_dict()
