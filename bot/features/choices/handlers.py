"""Handlers for /depth, /topics, /decks and /distance, and the panels' buttons."""

from __future__ import annotations

import re
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update

from bot.features.choices import rules, service, view
from bot.features.choices.rules import TENDER, ChatChoices, Choices, Toggle
from bot.kernel.actor import Actor
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words
from bot.library.schema import Category, Deck, category_name
from bot.texts import Texts

Panel = Callable[[Texts, Choices], tuple[str, InlineKeyboardMarkup]]


def _depth_panel(texts: Texts, choices: Choices) -> tuple[str, InlineKeyboardMarkup]:
    return view.depth_text(texts, choices), view.depth_keyboard(texts, choices)


def _topics_panel(texts: Texts, choices: Choices) -> tuple[str, InlineKeyboardMarkup]:
    return view.topics_text(texts, choices), view.topics_keyboard(texts, choices)


def _decks_panel(texts: Texts, choices: Choices) -> tuple[str, InlineKeyboardMarkup]:
    return view.decks_text(texts, choices), view.decks_keyboard(texts, choices)


async def _start(update: Update, ctx: Ctx) -> tuple[Message, Actor] | None:
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    return None if message is None or actor is None else (message, actor)


async def _show(update: Update, ctx: Ctx, panel: Panel) -> None:
    started = await _start(update, ctx)
    if started is None:
        return
    message, actor = started
    choices = await service.show(ctx.services, actor)
    text, keyboard = panel(await words(update, ctx), choices)
    await message.reply_text(text, reply_markup=keyboard)


def _arg(ctx: Ctx) -> str:
    return " ".join(ctx.args or []).strip()


async def on_depth(update: Update, ctx: Ctx) -> None:
    """Show the depth with buttons, or set it: /depth light | medium | deep | auto."""
    arg = _arg(ctx)
    if not arg:
        await _show(update, ctx, _depth_panel)
        return
    started = await _start(update, ctx)
    if started is None:
        return
    message, actor = started
    texts = await words(update, ctx)
    depth = rules.read_depth(arg)
    if depth is None:
        await message.reply_text(texts.render_html("settings.depth_unknown", given=arg[:40]))
        return
    changed = await service.change(ctx.services, actor, lambda chat: rules.set_depth(chat, depth))
    if not changed.allowed or changed.choices is None:
        await message.reply_text(texts.render_html("settings.not_allowed"))
        return
    await message.reply_text(
        view.depth_text(texts, changed.choices, "settings.depth_set"),
        reply_markup=view.depth_keyboard(texts, changed.choices),
    )


async def on_topics(update: Update, ctx: Ctx) -> None:
    """Show the topics with buttons, or switch one: /topics fun off, /topics tender on."""
    texts = await words(update, ctx)
    shown = {c.value: category_name(texts, c) for c in Category}
    names = rules.names_of("topic", {**shown, TENDER: texts.render("settings.tender_name")})

    def edit(chat: ChatChoices, name: str, on: bool) -> Toggle:
        if name == TENDER:
            return rules.set_tender(chat, on)
        return rules.set_topic(chat, Category(name), on)

    await _switch(update, ctx, names, edit, _topics_panel, "settings.topics_unknown")


async def on_decks(update: Update, ctx: Ctx) -> None:
    """List the decks with buttons, or switch one: /decks money on."""
    texts = await words(update, ctx)
    names = rules.names_of("deck", {d.value: view.deck_name(texts, d) for d in Deck})

    def edit(chat: ChatChoices, name: str, on: bool) -> Toggle:
        return rules.set_deck(chat, Deck(name), on)

    await _switch(update, ctx, names, edit, _decks_panel, "settings.decks_unknown")


async def _switch(
    update: Update,
    ctx: Ctx,
    names: dict[str, list[str]],
    edit: Callable[[ChatChoices, str, bool], Toggle],
    panel: Panel,
    unknown: str,
) -> None:
    """A bare command shows the panel; ``<name> on|off`` switches one thing, then shows it."""
    arg = _arg(ctx)
    if not arg:
        await _show(update, ctx, panel)
        return
    started = await _start(update, ctx)
    if started is None:
        return
    message, actor = started
    texts = await words(update, ctx)
    switch = rules.parse_switch(arg)
    name = rules.find_word(switch.name, names) if switch is not None else None
    if switch is None or name is None:
        given = switch.name if switch is not None else arg
        listed = ", ".join(spellings[0] for spellings in names.values())
        await message.reply_text(texts.render_html(unknown, given=given[:40], names=listed))
        return
    on = switch.on
    changed = await service.change(ctx.services, actor, lambda chat: edit(chat, name, on))
    if not changed.allowed or changed.choices is None or changed.result is None:
        await message.reply_text(texts.render_html("settings.not_allowed"))
        return
    if changed.result is Toggle.LAST:
        await message.reply_text(texts.render_html("settings.topics_last"))
        return
    text, keyboard = panel(texts, changed.choices)
    done = view.toggled(texts, changed.result, names[name][0], html=True)
    await message.reply_text(done + "\n\n" + text, reply_markup=keyboard)


async def on_distance(update: Update, ctx: Ctx) -> None:
    """Long-distance mode: /distance on | off (a bare /distance says where it stands)."""
    started = await _start(update, ctx)
    if started is None:
        return
    message, actor = started
    texts = await words(update, ctx)
    arg = _arg(ctx)
    if not arg:
        choices = await service.show(ctx.services, actor)
        await message.reply_text(view.distance_text(texts, choices.distance, asked=True))
        return
    on = rules.on_off(arg)
    if on is None:
        await message.reply_text(texts.render_html("settings.distance_unknown", given=arg[:40]))
        return
    changed = await service.change(ctx.services, actor, lambda chat: rules.set_distance(chat, on))
    if not changed.allowed:
        await message.reply_text(texts.render_html("settings.not_allowed"))
        return
    await message.reply_text(view.distance_text(texts, on))


async def _pressed(
    update: Update, ctx: Ctx, pattern: re.Pattern[str]
) -> tuple[CallbackQuery, Actor, str] | None:
    """The press, who pressed, and the value its button carries (refused kindly otherwise)."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or actor is None or not actor.in_group:
        return None
    value = rules.button_value(pattern, query.data)
    if value is None:
        await query.answer()
        return None
    return query, actor, value


async def _apply(
    query: CallbackQuery,
    texts: Texts,
    changed: service.Changed[Toggle],
    said: Callable[[Toggle], str],
    panel: Panel,
) -> None:
    """Answer a panel's press and show the panel again, edited in place."""
    if not changed.allowed or changed.choices is None or changed.result is None:
        await query.answer(texts.render("settings.not_allowed"), show_alert=True)
        return
    if changed.result is Toggle.LAST:
        await query.answer(texts.render("settings.topics_last"), show_alert=True)
        return
    await query.answer(said(changed.result))
    text, keyboard = panel(texts, changed.choices)
    await edit_in_place(query.edit_message_text(text, reply_markup=keyboard))


async def on_depth_button(update: Update, ctx: Ctx) -> None:
    """A /depth button: set that depth, edit the panel in place."""
    pressed = await _pressed(update, ctx, rules.DEPTH_BUTTON)
    if pressed is None:
        return
    query, actor, word = pressed
    texts = await words(update, ctx)
    changed = await service.change(
        ctx.services, actor, lambda chat: Toggle.ON if rules.set_depth(chat, word) else Toggle.OFF
    )
    said = texts.render("settings.depth_chosen", depth=view.depth_name(texts, word))
    await _apply(query, texts, changed, lambda _toggle: said, _depth_panel)


async def on_topic_button(update: Update, ctx: Ctx) -> None:
    """A /topics button: switch that topic (or tender topics), edit the panel in place."""
    pressed = await _pressed(update, ctx, rules.TOPIC_BUTTON)
    if pressed is None:
        return
    query, actor, value = pressed
    texts = await words(update, ctx)
    if value == TENDER:
        name = texts.render("settings.tender_name")
        changed = await service.change(
            ctx.services, actor, lambda chat: rules.set_tender(chat, not chat.tender)
        )
    else:
        category = Category(value)
        name = category_name(texts, category)
        changed = await service.change(
            ctx.services, actor, lambda chat: rules.toggle_topic(chat, category)
        )
    await _apply(query, texts, changed, lambda t: view.toggled(texts, t, name), _topics_panel)


async def on_deck_button(update: Update, ctx: Ctx) -> None:
    """A /decks button: switch that deck, edit the list in place."""
    pressed = await _pressed(update, ctx, rules.DECK_BUTTON)
    if pressed is None:
        return
    query, actor, value = pressed
    texts = await words(update, ctx)
    deck = Deck(value)
    name = view.deck_name(texts, deck)
    changed = await service.change(ctx.services, actor, lambda chat: rules.toggle_deck(chat, deck))
    await _apply(query, texts, changed, lambda t: view.toggled(texts, t, name), _decks_panel)
