"""Handlers that notice answers: replies to a prompt, plain messages, "We talked in person" and
"Done" (a ``do`` prompt or an exercise evening done together, recorded the same way)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.features.answers import service
from bot.features.answers.service import AnswerState, Outcome, Result, Seen
from bot.features.answers.view import answered_post
from bot.kernel.services import Ctx, Services
from bot.kernel.telegram.editing import edit_text
from bot.kernel.telegram.interaction import actor_of, in_group, words
from bot.kernel.telegram.posts import DONE
from bot.library.schema import Exercise, Prompt

log = logging.getLogger(__name__)


class AnswerHandlers:
    """The answers' handlers, around the one recorder that batches every reply of the process.

    Made by the registry with the services; the recorder is closed with them.
    """

    def __init__(self, services: Services) -> None:
        self.recorder = service.Recorder(services.engine)
        services.on_close.append(self.recorder.close)
        # Called with the post's id when an answer completes the pair (private answers reveal
        # theirs then); set by the registry.
        self.on_together: list[Callable[[Ctx, int], Awaitable[None]]] = []

    async def record(self, ctx: Ctx, seen: Seen) -> Result:
        """Record an answer given elsewhere (in a private chat) and update the status line."""
        result = await self.recorder.submit(seen)
        if result.state is not None:
            await self._show(ctx, seen.chat_id, result.state)
        return result

    async def _show(self, ctx: Ctx, chat_id: int, state: AnswerState) -> None:
        """Edit the prompt's status line; tell who listens when the couple is now together."""
        rendered = _render(ctx, state)
        if rendered is not None:
            await _edit_status(ctx, chat_id, state.message_id, *rendered)
        if state.together:
            for listener in self.on_together:
                await listener(ctx, state.post_id)

    async def on_group_message(self, update: Update, ctx: Ctx) -> None:
        """Count a partner's reply to a prompt (or, when the bot sees all messages, any message)."""
        seen = _seen(update, ctx)
        if seen is None:
            return
        result = await self.recorder.submit(seen)
        if result.outcome is Outcome.UNKNOWN:
            result = await self._register_then_record(update, ctx, seen)
        if result.outcome is Outcome.STALE:
            await _kind_word(update, ctx, "answers.too_old")
            return
        if result.outcome is Outcome.PRIVATE_ONLY:
            await _kind_word(update, ctx, "answers.private_only")
            return
        if result.state is None:
            return  # nothing new: the status line stands
        state = result.state
        ctx.services.metrics.answered(seen.how)
        log.debug("answer recorded in chat %s (post %s, %s)", seen.chat_id, state.post_id, seen.how)
        await self._show(ctx, seen.chat_id, state)

    async def _register_then_record(self, update: Update, ctx: Ctx, seen: Seen) -> Result:
        """A member the batch did not know (new, or renamed): register them, then try again."""
        actor = actor_of(update, ctx)
        if actor is None or not await service.meet(ctx.services, actor):
            return Result(Outcome.IGNORED)  # a guest, or a partner who left
        result = await self.recorder.submit(seen)
        # Still unknown: they left or were replaced in between; nothing to record.
        return Result(Outcome.IGNORED) if result.outcome is Outcome.UNKNOWN else result

    async def on_in_person(self, update: Update, ctx: Ctx) -> None:
        """Both partners talked it over face to face (or did it together, "Done"): mark the
        prompt answered by both."""
        query = update.callback_query
        actor = actor_of(update, ctx)
        if query is None or query.message is None or actor is None or not actor.in_group:
            return
        texts = await words(update, ctx)
        chat_id, message_id = query.message.chat.id, query.message.message_id
        pressed = await service.talked_in_person(ctx.services, actor, message_id)
        state = pressed.state
        if pressed.key is not None or state is None:
            await query.answer(texts.render(pressed.key or "answers.gone"), show_alert=True)
            return
        done = query.data == DONE
        if state.changed:
            thanks = "answers.done_thanks" if done else "answers.in_person_thanks"
            thanks = "answers.called_thanks" if state.apart and not done else thanks
        else:
            thanks = "answers.already_done" if done else "answers.already_in_person"
            thanks = "answers.already_called" if state.apart and not done else thanks
        await query.answer(texts.render(thanks))
        if state.changed:
            ctx.services.metrics.answered("done" if done else "in_person")
        if state.changed:
            await self._show(ctx, chat_id, state)


def _seen(update: Update, ctx: Ctx) -> Seen | None:
    """The update as a possible answer: who wrote, when, and to which of the bot's messages."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or user.is_bot or not in_group(update):
        return None
    reply_to = message.reply_to_message
    to_bot = (
        reply_to is not None
        and reply_to.from_user is not None
        and reply_to.from_user.id == ctx.bot.id
    )
    return Seen(
        chat_id=message.chat.id,
        user_id=user.id,
        name=user.first_name,
        message_id=message.message_id,
        at=ctx.services.clock.now(),
        # A reply to anyone but the bot is a plain message of the conversation: we only get
        # those when privacy mode is off or we are an admin.
        reply_to=reply_to.message_id if to_bot and reply_to is not None else None,
        sees_all=bool(ctx.bot.can_read_all_group_messages),
    )


async def _kind_word(update: Update, ctx: Ctx, key: str) -> None:
    """A reply that does not count (an earlier evening's prompt; private answers only here):
    a kind word instead of a count."""
    message = update.effective_message
    if message is None:
        return
    try:
        await message.reply_text((await words(update, ctx)).render_html(key))
    except TelegramError as exc:
        log.warning("could not answer an uncounted reply in chat %s: %s", message.chat_id, exc)


def _render(ctx: Ctx, state: AnswerState) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """The prompt with its status line, in the chat's language."""
    entry = ctx.services.library_for(state.language).get(state.entry_id or "")
    if not isinstance(entry, Prompt | Exercise):
        return None  # the entry left the library since; the status can wait for tomorrow
    return answered_post(ctx.services.words_for(state.language), entry, state)


async def _edit_status(
    ctx: Ctx, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await edit_text(ctx.bot, chat_id, message_id, text, markup)
    except TelegramError as exc:
        log.warning("could not update the prompt's status in chat %s: %s", chat_id, exc)
