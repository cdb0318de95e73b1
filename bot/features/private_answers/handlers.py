"""Private answers' handlers: the group button, /start <payload>, the private answer, /private,
and "Share anyway" / "Keep it private"."""

from __future__ import annotations

import logging
import re
from typing import Protocol

from telegram import Message, Update
from telegram.error import TelegramError

from bot.features.answers.service import Outcome, Result, Seen
from bot.features.private_answers import service
from bot.features.private_answers.jobs import reveal
from bot.features.private_answers.view import KEEP, SHARE, ask, partner_name
from bot.kernel.services import Ctx
from bot.kernel.telegram.interaction import actor_of, group_message, in_group, words
from bot.library.schema import Exercise, Prompt

log = logging.getLogger(__name__)

_SHARE_DATA = re.compile(rf"^({SHARE}|{KEEP}):(\d{{1,18}})$")


# The chat's /private setting in its own words.
MODE_NAMES = {
    "on": "private.mode_names.on",
    "off": "private.mode_names.off",
    "only": "private.mode_names.only",
}


class Recording(Protocol):
    """The answers' one recording path (the batcher), which also updates the status line."""

    async def record(self, ctx: Ctx, seen: Seen) -> Result:
        """Record an answer and show it under the prompt."""
        ...


def kind_of(message: Message) -> str:
    """What kind of message a private answer is (never what it says)."""
    for kind in ("text", "voice", "photo", "video_note", "sticker", "video", "audio"):
        if getattr(message, kind):
            return kind
    if message.animation:
        return "animation"
    if message.document:
        return "document"
    return "other"


class PrivateHandlers:
    """The handlers, around the answers' recorder (made by the registry)."""

    def __init__(self, answers: Recording) -> None:
        self.answers = answers

    async def on_button(self, update: Update, ctx: Ctx) -> None:
        """ "Answer privately" in the group: open this partner's private chat on this post."""
        query, actor = update.callback_query, actor_of(update, ctx)
        if query is None or query.message is None or actor is None:
            return
        texts = await words(update, ctx)
        if not actor.in_group:
            await query.answer(texts.render("private.too_late"), show_alert=True)
            return
        link = await service.link_for(ctx.services, actor, query.message.message_id)
        if link.payload is None:
            await query.answer(texts.render(link.key or "private.too_late"), show_alert=True)
            return
        # A URL button cannot differ per partner, and this one is the same in every chat: the
        # press says who and where, and Telegram opens the link made for them.
        await query.answer(url=f"https://t.me/{ctx.bot.username}?start={link.payload}")

    async def on_start(self, update: Update, ctx: Ctx) -> None:
        """/start <payload> in a private chat: show the question, or kindly say why not."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or in_group(update):
            return
        texts = await words(update, ctx)
        started = await service.start(ctx.services, user.id, (ctx.args or [""])[0])
        entry = ctx.services.library_for(texts.language).get(started.entry_id or "")
        if started.key is not None or not isinstance(entry, Prompt | Exercise):
            await message.reply_text(texts.render_html(started.key or "private.link_used"))
            return
        await message.reply_text(ask(texts, entry, started.other, again=started.answered))

    async def on_message(self, update: Update, ctx: Ctx) -> None:
        """A message in the private chat: keep its id as the answer, hidden until the reveal."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or user.is_bot:
            return
        texts = await words(update, ctx)
        saved = await service.save(ctx.services, user.id, message.message_id, kind_of(message))
        if saved.seen is None or saved.post is None:
            await message.reply_text(texts.render_html(saved.key))
            return
        values = (
            {}
            if saved.key == "private.saved_both"
            else {"partner": partner_name(texts, saved.other)}
        )
        await message.reply_text(texts.render_html(saved.key, **values))
        # Recorded like a reply: counts, nudges, stats and the status line (with a lock). The
        # answer that completes the pair calls ``after_together``, which reveals.
        result = await self.answers.record(ctx, saved.seen)
        if result.outcome is Outcome.STALE:
            log.info("a private answer came after its prompt was replaced")

    async def on_command(self, update: Update, ctx: Ctx) -> None:
        """/private on | off | only."""
        message = await group_message(update, ctx)
        actor = actor_of(update, ctx)
        if message is None or actor is None:
            return
        key, mode = await service.set_mode(ctx.services, actor, " ".join(ctx.args or []))
        texts = await words(update, ctx)
        values = {"mode": texts.render(MODE_NAMES[mode])} if key == "private.usage" else {}
        await message.reply_text(texts.render_html(key, **values))

    async def on_share(self, update: Update, ctx: Ctx) -> None:
        """ "Share anyway" or "Keep it private", under the question sent when time ran out."""
        query = update.callback_query
        if query is None or query.message is None or query.from_user is None:
            return
        texts = await words(update, ctx)
        found = _SHARE_DATA.match(query.data or "")
        if found is None or in_group(update):
            await query.answer(texts.render("private.question_gone"), show_alert=True)
            return
        decision = await service.decide(
            ctx.services,
            query.from_user.id,
            int(found[2]),
            query.message.message_id,
            share=found[1] == SHARE,
        )
        await query.answer(texts.render(decision.key))
        if decision.key in ("private.shared", "private.kept"):
            try:
                await query.edit_message_reply_markup(None)
            except TelegramError as exc:
                log.info("could not remove the share buttons: %s", exc)
        if decision.reveal is not None:
            await reveal(ctx.services, ctx.bot, decision.reveal)

    async def after_together(self, ctx: Ctx, post_id: int) -> None:
        """Both partners have answered a post (any way): reveal its private answers, once."""
        claimed = await service.reveal_if_due(ctx.services, post_id)
        if claimed is not None:
            await reveal(ctx.services, ctx.bot, claimed)
