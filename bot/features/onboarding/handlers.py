"""Handlers for joining, leaving and migrating groups, /start and /help."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import ChatMember, Message, Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.features.onboarding import service as onboarding
from bot.features.onboarding import view
from bot.kernel.actor import Actor
from bot.kernel.services import Ctx, Services
from bot.kernel.telegram.buttons import refuse
from bot.kernel.telegram.editing import edit_in_place
from bot.kernel.telegram.interaction import GROUP_TYPES, actor_of, in_group, words

log = logging.getLogger(__name__)

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED}


async def on_my_chat_member(update: Update, ctx: Ctx) -> None:
    """Greet a group the bot was added to; go quiet in one it was removed from."""
    change = update.my_chat_member
    if change is None or change.chat.type not in GROUP_TYPES:
        return
    before, after = change.old_chat_member.status, change.new_chat_member.status
    was_in, is_in = before in _PRESENT, after in _PRESENT
    is_admin = after in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    chat_id = change.chat.id
    if was_in and not is_in:
        await onboarding.bot_left(ctx.services, chat_id)
        log.info("removed from chat %s", chat_id)
        return
    if was_in and is_in:
        await onboarding.bot_role_changed(ctx.services, chat_id, is_admin=is_admin)
        return
    if not is_in:
        return
    member_count = await _member_count(ctx, chat_id)
    adder = change.from_user
    added_by = (
        Actor(
            chat_id,
            adder.id,
            adder.first_name,
            in_group=True,
            is_bot=adder.is_bot,
            language_code=adder.language_code,
        )
        if adder is not None
        else None
    )
    joined = await onboarding.bot_joined(
        ctx.services, chat_id, member_count=member_count, is_admin=is_admin, added_by=added_by
    )
    await ctx.bot.send_message(
        chat_id, view.greeting(ctx.services.words_for(joined.language), joined)
    )
    log.info("joined chat %s (new=%s, members=%s)", chat_id, joined.new, member_count)


async def _member_count(ctx: Ctx, chat_id: int) -> int | None:
    try:
        return await ctx.bot.get_chat_member_count(chat_id)
    except TelegramError as exc:
        # Not worth failing the greeting over: the couples note is a nicety.
        log.warning("could not count members of %s: %s", chat_id, exc)
        return None


async def on_start(update: Update, ctx: Ctx) -> None:
    """Explain the bot: in a group like /help, in private with the add-to-group link."""
    if in_group(update):
        await on_help(update, ctx)
        return
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    texts = await words(update, ctx)
    text, keyboard = view.private_start(texts, user.first_name, ctx.bot.username)
    await message.reply_text(text, reply_markup=keyboard)


async def on_help(update: Update, ctx: Ctx) -> None:
    """List the commands and how to answer."""
    message = update.effective_message
    if message is None:
        return
    if not in_group(update):
        await message.reply_text((await words(update, ctx)).render_html("onboarding.private_other"))
        return
    actor = actor_of(update, ctx)
    if actor is None:
        return
    evening = await onboarding.evening(ctx.services, actor)
    await message.reply_text(view.help_text(await words(update, ctx), evening))


async def on_migrate(update: Update, ctx: Ctx) -> None:
    """Move a group's data when Telegram upgrades it to a supergroup."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    moved = await onboarding.group_migrated(ctx.services, old_id, new_id)
    if moved:
        log.info("chat %s migrated to %s", old_id, new_id)


def asker(services: Services, bot: ExtBot[Any]) -> Callable[[Actor], Awaitable[None]]:
    """What the services call for a member nobody vouched for: ask the adder about them."""

    async def ask(actor: Actor) -> None:
        question = await onboarding.ask_about(services, actor)
        if question is None:
            return
        texts = services.words_for(question.language)
        text, keyboard = view.partner_question(texts, question)
        try:
            sent = await bot.send_message(actor.chat_id, text, reply_markup=keyboard)
        except TelegramError as exc:
            log.warning("could not ask about a member in %s: %s", actor.chat_id, exc)
            return
        await onboarding.question_posted(services, question.asked_id, sent.message_id)
        log.info("asked who the couple is in chat %s", actor.chat_id)

    return ask


async def on_partner_button(update: Update, ctx: Ctx) -> None:
    """The adder's Yes or No to "is this your partner?"; anyone else gets a short alert."""
    query = update.callback_query
    actor = actor_of(update, ctx)
    if query is None or query.data is None or actor is None or not actor.in_group:
        return
    if not isinstance(query.message, Message):
        await refuse(update, ctx)
        return
    _prefix, answer, token = query.data.split(":", 2)
    texts = await words(update, ctx)
    consent = await onboarding.consent(
        ctx.services, actor, query.message.message_id, token, yes=answer == "yes"
    )
    if consent.state not in ("yes", "no", "full"):
        await query.answer(view.consent_alert(texts, consent), show_alert=True)
        return
    await query.answer()
    await edit_in_place(
        query.edit_message_text(view.consent_text(texts, consent), reply_markup=None)
    )
