"""One transaction per update, with the chat and the member registered on first contact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Chat as TgChat
from telegram import ChatMember, Message, Update
from telegram.error import TelegramError

from bot.kernel.db.chats import ensure_chat
from bot.kernel.db.models import Chat, Partner
from bot.kernel.db.partners import ensure_partner
from bot.kernel.services import Ctx

GROUP_TYPES = (TgChat.GROUP, TgChat.SUPERGROUP)


@dataclass
class Interaction:
    """The open transaction and what we know of the chat and the member."""

    session: AsyncSession
    chat: Chat | None
    user_id: int | None
    partner: Partner | None


@asynccontextmanager
async def interaction(update: Update, ctx: Ctx) -> AsyncIterator[Interaction]:
    """Open the update's transaction; register the group and the member who acted."""
    tg_chat, tg_user = update.effective_chat, update.effective_user
    async with ctx.services.transaction() as session:
        chat, partner = None, None
        if tg_chat is not None and tg_chat.type in GROUP_TYPES:
            # A chat we have no row for (we missed the bot's arrival, or the couple used
            # /forget) starts on the default settings, evenings included.
            chat = await ensure_chat(
                session,
                tg_chat.id,
                timezone=ctx.services.settings.default_timezone,
                now=ctx.services.clock.now(),
            )
            if tg_user is not None and not tg_user.is_bot:
                partner, _new = await ensure_partner(
                    session, tg_chat.id, tg_user.id, tg_user.first_name
                )
        yield Interaction(session, chat, tg_user.id if tg_user else None, partner)


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


async def may_change_settings(update: Update, ctx: Ctx, it: Interaction) -> bool:
    """Partners and the group's admins may change settings; guests may not."""
    if it.partner is not None:
        return True
    if it.chat is None or it.user_id is None:
        return False
    try:
        member = await ctx.bot.get_chat_member(it.chat.id, it.user_id)
    except TelegramError:
        return False
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
