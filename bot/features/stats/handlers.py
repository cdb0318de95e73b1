"""Handler for /stats."""

from __future__ import annotations

from telegram import Update

from bot.features.stats import service
from bot.features.stats.view import stats_text
from bot.kernel.services import Ctx
from bot.kernel.telegram.interaction import actor_of, group_message


async def on_stats(update: Update, ctx: Ctx) -> None:
    """Show this week's and all-time figures."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    figures = await service.figures(ctx.services, actor)
    await message.reply_text(stats_text(ctx.services.texts, figures))
