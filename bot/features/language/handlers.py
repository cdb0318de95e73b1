"""Handlers for /language and its buttons."""

from __future__ import annotations

from telegram import Update

from bot.features.language import rules, service, view
from bot.kernel.services import Ctx, Services
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words
from bot.translations.languages import display_name


def _languages(services: Services) -> list[tuple[str, str]]:
    """Every language the bot speaks, as (code, its own name)."""
    return [(code, services.languages.name(code)) for code in services.languages.codes]


def _spellings(services: Services) -> dict[str, tuple[str, ...]]:
    """Each language's names a couple may type: its own ("Español"), and in English."""
    return {
        code: (
            services.languages.name(code),
            display_name(code, "en"),
            display_name(code.split("-")[0]),
            display_name(code.split("-")[0], "en"),
        )
        for code in services.languages.codes
    }


async def on_language(update: Update, ctx: Ctx) -> None:
    """Show the languages as buttons (/language), or switch to one: /language es."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    services = ctx.services
    typed = " ".join(ctx.args or []).strip()
    if not typed:
        current = await service.current(services, actor)
        texts = services.words_for(current)
        await message.reply_text(
            view.panel_text(texts, services.languages.name(current)),
            reply_markup=view.keyboard(texts, _languages(services), current),
        )
        return
    code = rules.find_language(typed, _spellings(services), services.languages.match)
    if code is None:
        texts = await words(update, ctx)
        names = [name for _code, name in _languages(services)]
        await message.reply_text(view.unknown(texts, typed, names))
        return
    done = await service.switch(services, actor, code)
    texts = services.words_for(done.language)
    if not done.allowed:
        await message.reply_text(texts.render_html("settings.not_allowed"))
        return
    name = services.languages.name(done.language)
    await message.reply_text(view.switched(texts, name, changed=done.changed))


async def on_language_button(update: Update, ctx: Ctx) -> None:
    """A /language button: switch to that language, and show the panel again in it."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or actor is None or not actor.in_group:
        return
    services = ctx.services
    code = rules.button_code(query.data)
    if code is None or code not in services.languages:
        await query.answer()
        return
    done = await service.switch(services, actor, code)
    texts = services.words_for(done.language)
    if not done.allowed:
        await query.answer(texts.render("settings.not_allowed"), show_alert=True)
        return
    name = services.languages.name(done.language)
    await query.answer(view.switched(texts, name, changed=done.changed, html=False))
    if done.changed:
        said = view.switched(texts, name, changed=True)
        await edit_in_place(
            query.edit_message_text(
                said, reply_markup=view.keyboard(texts, _languages(services), done.language)
            )
        )
