"""Connect /stats, /recap, /forget and /export to a test bot, and tick with the weekly recap.

Temporary: once bot/telegram/registry.py registers these handlers and the tick calls
``send_recaps``, ``wire`` finds them registered and does nothing, and the extra
``send_recaps`` in ``tick`` finds nothing left to send.
"""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.evening.recap import send_recaps
from bot.telegram import privacy, stats
from tests.conftest import RunningBot


def wire(bot: RunningBot) -> None:
    """Register the handlers unless registry.py already does."""
    app = bot.runner.app
    known = {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    if "stats" in known:
        return
    added: list[BaseHandler[object, object, object]] = [
        CommandHandler("stats", stats.on_stats),
        CommandHandler("recap", stats.on_recap),
        CommandHandler("forget", privacy.on_forget),
        CommandHandler("export", privacy.on_export),
        CallbackQueryHandler(stats.on_recap_button, pattern=r"^recap:"),
        CallbackQueryHandler(privacy.on_forget_button, pattern=r"^forget:"),
    ]
    for handler in added:
        app.add_handler(handler)


async def tick(bot: RunningBot) -> None:
    """One tick of the job, and the weekly recaps after it."""
    await bot.runner.evening.tick()
    await send_recaps(bot.services, bot.runner.app.bot)
