"""From an update to plain values: who acted and where; answering a command outside a group."""

from __future__ import annotations

from telegram import Chat as TgChat
from telegram import ChatMember, Message, Update
from telegram.error import TelegramError

from bot.kernel.actor import Actor
from bot.kernel.services import Ctx
from bot.texts import Texts

GROUP_TYPES = (TgChat.GROUP, TgChat.SUPERGROUP)
PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


def actor_of(update: Update, ctx: Ctx) -> Actor | None:
    """The member who acted and the chat they acted in; None when the update has no chat."""
    tg_chat, tg_user = update.effective_chat, update.effective_user
    if tg_chat is None:
        return None
    user_id = tg_user.id if tg_user is not None else None

    async def is_admin() -> bool:
        if user_id is None:
            return False
        try:
            member = await ctx.bot.get_chat_member(tg_chat.id, user_id)
        except TelegramError:
            return False
        return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)

    async def member_count() -> int | None:
        try:
            return await ctx.bot.get_chat_member_count(tg_chat.id)
        except TelegramError:
            return None

    async def bot_is_member() -> bool:
        try:
            member = await ctx.bot.get_chat_member(tg_chat.id, ctx.bot.id)
        except TelegramError:
            return False  # no such chat, or not one the bot may look into
        return member.status in PRESENT or (
            member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))
        )

    return Actor(
        chat_id=tg_chat.id,
        user_id=user_id,
        name=tg_user.first_name if tg_user is not None else "",
        in_group=tg_chat.type in GROUP_TYPES,
        is_bot=bool(tg_user and tg_user.is_bot),
        language_code=tg_user.language_code if tg_user is not None else None,
        is_admin=is_admin,
        member_count=member_count,
        bot_is_member=bot_is_member,
    )


async def group_message(update: Update, ctx: Ctx) -> Message | None:
    """The command's message when it comes from a group; elsewhere explain, and return None."""
    message = update.effective_message
    if message is None:
        return None
    if not in_group(update):
        await message.reply_text(quick_words(update, ctx).render_html("errors.not_a_group"))
        return None
    return message


def in_group(update: Update) -> bool:
    """Tell whether the update comes from a group or supergroup."""
    return update.effective_chat is not None and update.effective_chat.type in GROUP_TYPES


async def language_of(update: Update, ctx: Ctx) -> str:
    """The language to answer an update in: a group's own (stored), a person's in private
    (their Telegram language, when the bot speaks it), else the default."""
    tg_chat, tg_user = update.effective_chat, update.effective_user
    if tg_chat is not None and tg_chat.type in GROUP_TYPES:
        stored = await ctx.services.chat_language(tg_chat.id)
        if stored is not None:
            return stored
    return ctx.services.language_of_person(tg_user.language_code if tg_user else None)


async def words(update: Update, ctx: Ctx) -> Texts:
    """The words to answer an update with (see :func:`language_of`)."""
    return ctx.services.words_for(await language_of(update, ctx))


def quick_words(update: Update, ctx: Ctx) -> Texts:
    """The words to answer with when asking the database is not worth it (a flood notice, an
    error, a refused button): the group's language if this process knows it, else the
    person's own, else the default."""
    tg_chat, tg_user = update.effective_chat, update.effective_user
    if tg_chat is not None and tg_chat.type in GROUP_TYPES:
        known = ctx.services.chat_languages.get(tg_chat.id)
        if known is not None:
            return ctx.services.words_for(known)
    code = tg_user.language_code if tg_user is not None else None
    return ctx.services.words_for(ctx.services.language_of_person(code))
