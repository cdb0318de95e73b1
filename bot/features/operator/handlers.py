"""Commands for the person running the bot."""

from __future__ import annotations

from telegram import Update

from bot.features.operator import service
from bot.kernel.services import Ctx
from bot.library.schema import Kind

MAX_ERRORS_SHOWN = 5


async def on_reload(update: Update, ctx: Ctx) -> None:
    """Reload exercises.yaml; keep the previous library if the new one has errors."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    texts = ctx.services.texts
    result = service.reload_library(ctx.services, user.id)
    if result is None:
        await message.reply_text(texts.render_html("operator.not_operator"))
        return
    if result.ok:
        text = texts.render_html(
            "operator.reloaded",
            prompts=result.counts[Kind.PROMPT],
            exercises=result.counts[Kind.EXERCISE],
            activities=result.counts[Kind.ACTIVITY],
        )
    else:
        text = texts.render_html(
            "operator.reload_failed",
            count=len(result.errors),
            errors="\n".join(result.errors[:MAX_ERRORS_SHOWN]),
        )
    await message.reply_text(text)
