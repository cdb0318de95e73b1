"""Handlers for joint activities: quiet-evening offers, /activity, and follow-ups."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot.features.activities import service as activities
from bot.features.activities.view import single_offer
from bot.kernel.db.models import Chat
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import group_message, interaction

log = logging.getLogger(__name__)


async def on_activity(update: Update, ctx: Ctx) -> None:
    """Suggest one activity now, optionally narrowed: /activity free | home | out | ..."""
    message = await group_message(update, ctx)
    if message is None:
        return
    texts = ctx.services.texts
    words = [w.lower() for w in (ctx.args or [])]
    unknown = [w for w in words if w not in activities.FILTER_WORDS]
    if unknown:
        await message.reply_text(texts.render_html("activities.unknown_filter"))
        return
    filters = activities.filters_from(words)
    now = ctx.services.clock.now()
    library = ctx.services.library.current
    async with interaction(update, ctx) as it:
        assert it.chat is not None
        used = await activities.used_ids(it.session, it.chat)
        offered = activities.choose(library, it.chat, used, now, count=1, filters=filters)
    if not offered.activities:
        await message.reply_text(texts.render_html("activities.none_fit"))
        return
    text, keyboard = single_offer(texts, offered.activities[0])
    posted = await ctx.bot.send_message(message.chat.id, text, reply_markup=keyboard)
    async with ctx.services.transaction() as session:
        chat = await session.get(Chat, message.chat.id)
        if chat is not None:
            # The filter words ride along in the source, so "Another idea" keeps to them.
            source = ":".join(["on_demand", *words])[:16]
            activities.record_offer(
                session, chat, offered, message_id=posted.message_id, source=source, now=now
            )


async def on_offer_button(update: Update, ctx: Ctx) -> None:
    """A choice (or "Not now") on a quiet-evening offer, or "Let's do this" / "Another idea"."""
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    texts = ctx.services.texts
    now = ctx.services.clock.now()
    library = ctx.services.library.current
    data = query.data
    reply: str | None = None
    edit: tuple[str, InlineKeyboardMarkup | None] | None = None
    async with interaction(update, ctx) as it:
        if it.chat is None or it.partner is None:
            await query.answer(texts.render("activities.only_couple"), show_alert=True)
            return
        offer = await activities.offer_in(it.session, it.chat.id, query.message.message_id)
        if offer is None:
            await query.answer()
            return
        options = offer.options.split(",")
        if data == "act1:another":
            used = await activities.used_ids(it.session, it.chat)
            filters = activities.filters_from(offer.source.split(":")[1:])
            offered = activities.choose(library, it.chat, used, now, count=1, filters=filters)
            if offered.activities:
                offer.options = ",".join(a.id for a in offered.activities)
                edit = single_offer(texts, offered.activities[0])
        elif data == "act:no":
            done = activities.decline(offer, it.chat, now)
            reply = texts.render("activities.declined" if done else "activities.already_answered")
            if done:
                edit = (texts.render_html("activities.declined"), None)
        else:
            index = 0 if data == "act1:yes" else int(data.removeprefix("act:"))
            chosen = activities.activity_of(
                library, options[index] if index < len(options) else None
            )
            if chosen is not None and activities.choose_option(offer, it.chat, chosen.id, now):
                reply = texts.render("activities.chosen", title=chosen.title)
                edit = (texts.render_html("activities.chosen", title=chosen.title), None)
            else:
                reply = texts.render("activities.already_answered")
    await query.answer(_plain(reply))
    if edit is not None:
        await edit_in_place(query.edit_message_text(edit[0], reply_markup=edit[1]))


async def on_follow_up_button(update: Update, ctx: Ctx) -> None:
    """Done / not yet / skip on a follow-up."""
    query = update.callback_query
    if query is None or query.data is None or query.message is None:
        return
    texts = ctx.services.texts
    outcome = query.data.removeprefix("fu:")
    now = ctx.services.clock.now()
    async with interaction(update, ctx) as it:
        if it.chat is None or it.partner is None:
            await query.answer(texts.render("activities.only_couple"), show_alert=True)
            return
        offer = await activities.follow_up_in(it.session, it.chat.id, query.message.message_id)
        changed = offer is not None and activities.answer_follow_up(offer, outcome, now)
    key = {"done": "activities.done", "not_yet": "activities.not_yet"}.get(
        outcome, "activities.skipped"
    )
    if not changed:
        await query.answer(texts.render("activities.already_answered"))
        return
    await query.answer(_plain(texts.render(key)))
    await edit_in_place(query.edit_message_text(texts.render_html(key), reply_markup=None))


def _plain(text: str | None) -> str | None:
    """Callback answers are plain text: drop the HTML tags our templates use."""
    if text is None:
        return None
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return text
