"""Handlers for /exercise and its "Another one" / "We did this" buttons, and for exercise
evenings: /exercises and the "Start" / "Next step" buttons of tonight's exercise."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.features.exercise import rules, service
from bot.features.exercise.view import evenings_answer, step_post
from bot.features.private_answers import service as private_answers
from bot.kernel.services import Ctx
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import actor_of, group_message, words
from bot.kernel.telegram.posts import (
    ANOTHER,
    DID_THIS,
    on_demand_keyboard,
    step_of,
    with_private_button,
)
from bot.library.render import entry_text, follow_up_text
from bot.library.schema import Exercise, Mode, Prompt, done_together, mode_of
from bot.schedule.parse import Problem
from bot.schedule.words import problem_text
from bot.texts import Texts


async def _keyboard(
    ctx: Ctx, texts: Texts, chat_id: int, entry: Prompt | Exercise
) -> InlineKeyboardMarkup:
    """An /exercise post's buttons: by the entry's mode, with the chat's /private row."""
    private_mode = await private_answers.mode_of(ctx.services, chat_id)
    plain = on_demand_keyboard(texts, mode_of(entry))
    return with_private_button(plain, texts, private_mode, done_together=done_together(entry))


async def on_exercise(update: Update, ctx: Ctx) -> None:
    """Post a prompt or guided exercise now, optionally on one topic."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    typed = " ".join(ctx.args or [])
    category = rules.find_category(typed, texts) if typed else None
    if typed and category is None:
        await message.reply_text(
            texts.render_html(
                "exercise.unknown_category",
                given=typed[:40],
                categories=rules.category_list(texts.language),
            )
        )
        return
    chosen = await service.choose(ctx.services, actor, category)
    if isinstance(chosen, service.Limited):
        await message.reply_text(texts.render_html(chosen.key))
        return
    entry = chosen.entry
    assert isinstance(entry, Prompt | Exercise)
    texts = await words(update, ctx)  # the chat may be new: met by the choice
    shown = ctx.services.in_language(entry, texts.language)
    posted = await ctx.bot.send_message(
        message.chat.id,
        entry_text(texts, shown),
        reply_markup=await _keyboard(ctx, texts, message.chat.id, entry),
    )
    await service.record(ctx.services, message.chat.id, chosen, posted.message_id, category)


async def on_exercise_button(update: Update, ctx: Ctx) -> None:
    """Handle "Another one" (edit in place) and "We did this" (record it)."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or query.message is None or actor is None:
        return
    if query.data not in (ANOTHER, DID_THIS):
        await query.answer()
        return
    texts = await words(update, ctx)
    action = "done" if query.data == DID_THIS else "another"
    pressed = await service.press(ctx.services, actor, query.message.message_id, action)
    if pressed.key is not None:
        await query.answer(texts.render(pressed.key), show_alert=True)
    elif pressed.done:
        await query.answer(
            texts.render("exercise.did_this_thanks" if pressed.first else "exercise.already_done")
        )
        if pressed.first and pressed.entry is not None:
            entry = ctx.services.in_language(pressed.entry, texts.language)
            line = "exercise.talked_line" if mode_of(entry) == Mode.TALK else "exercise.done_line"
            done = (
                entry_text(texts, entry)
                + "\n\n"
                + texts.render_html(line)
                + follow_up_text(texts, entry)
            )
            await edit_in_place(query.edit_message_text(done, reply_markup=None))
    elif pressed.limited is not None:
        await query.answer(texts.render(pressed.limited.key))
    elif pressed.entry is not None:
        await query.answer()
        keyboard = await _keyboard(ctx, texts, query.message.chat.id, pressed.entry)
        shown = ctx.services.in_language(pressed.entry, texts.language)
        await edit_in_place(
            query.edit_message_text(entry_text(texts, shown), reply_markup=keyboard)
        )


async def on_exercises(update: Update, ctx: Ctx) -> None:
    """Show exercise evenings, turn them on or off, or move them: /exercises sunday."""
    message = await group_message(update, ctx)
    actor = actor_of(update, ctx)
    if message is None or actor is None:
        return
    texts = await words(update, ctx)
    choice = rules.parse_evenings(" ".join(ctx.args or []))
    if isinstance(choice, Problem):
        await message.reply_text(problem_text(texts, choice))
        return
    state = await service.evenings(ctx.services, actor, choice)
    await message.reply_text(evenings_answer(texts, state))


async def on_step_button(update: Update, ctx: Ctx) -> None:
    """ "Start" / "Next step" on an exercise evening: show that step in place."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or query.message is None or actor is None:
        return
    number = step_of(query.data)
    if number is None:
        await query.answer()
        return
    texts = await words(update, ctx)
    step = await service.walk(ctx.services, actor, query.message.message_id, number)
    if step.key is not None or step.entry is None:
        await query.answer(texts.render(step.key or "exercise.evening_gone"), show_alert=True)
        return
    await query.answer()
    entry = ctx.services.in_language(step.entry, texts.language)
    text, keyboard = step_post(texts, entry, step.number)
    await edit_in_place(query.edit_message_text(text, reply_markup=keyboard))
