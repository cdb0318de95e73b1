"""Handlers for joint activities: /activity, the offers' buttons, and the follow-ups' buttons."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update

from bot.features.activities import rules, service
from bot.features.activities.view import plain, single_offer
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words

log = logging.getLogger(__name__)

FOLLOW_UP_PREFIX = "fu:"
_FOLLOW_UP_ANSWERS = {"done": "activities.done", "not_yet": "activities.not_yet"}


async def on_activity(update: Update, ctx: Ctx) -> None:
    """Suggest one activity now, optionally narrowed: /activity free | home | out | ..."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    read = rules.read_filters(" ".join(ctx.args or []))
    if read is None:
        await message.reply_text(texts.render_html("activities.unknown_filter"))
        return
    asked = [typed for typed, _meaning in read]
    clash = rules.conflicting(asked)
    if clash is not None:
        first, second = clash
        await message.reply_text(
            texts.render_html("activities.filters_conflict", first=first, second=second)
        )
        return
    offered = await service.suggest(ctx.services, actor, rules.filters_from(asked))
    if not offered.activities:
        await message.reply_text(texts.render_html("activities.none_fit"))
        return
    idea = ctx.services.in_language(offered.activities[0], texts.language)
    text, keyboard = single_offer(texts, idea, apart=offered.apart)
    posted = await ctx.bot.send_message(message.chat.id, text, reply_markup=keyboard)
    ctx.services.metrics.activity_offered("command")
    meanings = [meaning for _typed, meaning in read]  # "Another idea" reads them in any chat
    await service.suggested(ctx.services, message.chat.id, offered, meanings, posted.message_id)


async def on_offer_button(update: Update, ctx: Ctx) -> None:
    """A choice (or "Not now") on a quiet-evening offer, or "Let's do this" / "Another idea"."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or query.message is None or actor is None:
        return
    if not rules.is_offer_button(query.data):
        await query.answer()
        return
    texts = await words(update, ctx)
    pressed = await service.press_offer(ctx.services, actor, query.message.message_id, query.data)
    if pressed.key is not None:
        await query.answer(texts.render(pressed.key), show_alert=True)
        return
    chosen = pressed.chosen
    title = ctx.services.in_language(chosen, texts.language).title if chosen is not None else ""
    if pressed.answer == "activities.chosen":
        await query.answer(plain(texts.render("activities.chosen", title=title)))
    elif pressed.answer is not None:
        await query.answer(plain(texts.render(pressed.answer)))
    else:
        await query.answer()
    if pressed.another is not None:
        ctx.services.metrics.activity_chosen("another")
        idea = ctx.services.in_language(pressed.another, texts.language)
        text, keyboard = single_offer(texts, idea, apart=pressed.apart)
        await edit_in_place(query.edit_message_text(text, reply_markup=keyboard))
    elif pressed.edit == "activities.chosen":
        ctx.services.metrics.activity_chosen("chosen")
        await _settle(query, texts.render_html("activities.chosen", title=title))
    elif pressed.edit is not None:
        ctx.services.metrics.activity_chosen("declined")
        await _settle(query, texts.render_html("activities.declined"))


async def _settle(query: CallbackQuery, text: str) -> None:
    """Put the outcome in the offer's place. An offer under a picture (the weekly recap
    carries one on its evening) keeps its caption, the recap's words: its buttons go and the
    outcome comes as a reply."""
    message = query.message
    if isinstance(message, Message) and message.photo:
        await edit_in_place(query.edit_message_reply_markup(reply_markup=None))
        await message.reply_text(text)
        return
    await edit_in_place(query.edit_message_text(text, reply_markup=None))


async def on_follow_up_button(update: Update, ctx: Ctx) -> None:
    """Done / not yet / skip on a follow-up."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or query.message is None or actor is None:
        return
    outcome = query.data.removeprefix(FOLLOW_UP_PREFIX)
    if outcome not in rules.FOLLOW_UP_OUTCOMES:
        await query.answer()
        return
    texts = await words(update, ctx)
    said = await service.answer_follow_up(ctx.services, actor, query.message.message_id, outcome)
    if said == "only_couple":
        await query.answer(texts.render("activities.only_couple"), show_alert=True)
        return
    if said == "already":
        await query.answer(texts.render("activities.already_answered"))
        return
    ctx.services.metrics.follow_up(outcome)
    key = _FOLLOW_UP_ANSWERS.get(outcome, "activities.skipped")
    await query.answer(plain(texts.render(key)))
    await edit_in_place(query.edit_message_text(texts.render_html(key), reply_markup=None))
