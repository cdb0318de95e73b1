"""From an update to plain values: who acted and where; answering a command outside a group."""

from __future__ import annotations

from telegram import Chat as TgChat
from telegram import ChatMember, Message, Update
from telegram.error import TelegramError

from bot.kernel.actor import Actor
from bot.kernel.services import Ctx

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
        await message.reply_text(ctx.services.texts.render_html("errors.not_a_group"))
        return None
    return message


def in_group(update: Update) -> bool:
    """Tell whether the update comes from a group or supergroup."""
    return update.effective_chat is not None and update.effective_chat.type in GROUP_TYPES
