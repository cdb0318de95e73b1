"""Every handler, registered in one place, in the order PTB should try them."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.services import BotApp, Services
from bot.telegram import onboarding
from bot.telegram.errors import on_error

# Shown in Telegram's command menu, in this order; descriptions live in prompts/<lang>/commands.yaml.
MENU = ("help", "exercise", "time", "timezone", "days", "pause", "resume", "skip", "settings")


def register(app: BotApp) -> None:
    """Attach all handlers to the application."""
    # Membership and migration first: they change which chat id later handlers should use.
    app.add_handler(ChatMemberHandler(onboarding.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, onboarding.on_migrate))
    # Commands.
    app.add_handler(CommandHandler("start", onboarding.on_start))
    app.add_handler(CommandHandler("help", onboarding.on_help))
    app.add_error_handler(on_error)


def menu(services: Services) -> list[BotCommand]:
    """Build the command menu from the templates."""
    texts = services.texts
    return [BotCommand(name, texts.render(f"commands.{name}")) for name in MENU]
