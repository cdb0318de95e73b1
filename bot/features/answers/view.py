"""The status line under a prompt, and the prompt re-rendered with it after an answer."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.features.answers.service import AnswerState
from bot.kernel.telegram.posts import (
    evening_keyboard,
    exercise_evening_keyboard,
    on_demand_keyboard,
    with_private_button,
)
from bot.library.render import entry_text, exercise_evening_text, follow_up_text
from bot.library.schema import Exercise, Prompt, done_together, mode_of
from bot.texts import Texts


def status_block(texts: Texts, state: AnswerState, entry: Prompt | Exercise) -> str:
    """The line under a prompt: who has answered, or the warm close when both have."""
    if state.in_person:
        if done_together(entry):
            return texts.render_html("answers.done_together")
        return texts.render_html("answers.called" if state.apart else "answers.in_person")
    marks = [
        texts.render_html(_mark_key(mark.answered, mark.private), name=mark.name)
        for mark in state.partners
    ]
    if len(marks) < 2 and not state.together:
        marks.append(texts.render_html("answers.someone"))
    joined = texts.render("answers.separator").join(marks)
    if state.together:
        line = texts.render(f"answers.together_line.l{state.post_id % 3}")
        return texts.render("answers.together", marks=joined, line=escape(line))
    return texts.render("answers.status", marks=joined)


def answered_post(
    texts: Texts, entry: Prompt | Exercise, state: AnswerState
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A prompt or exercise with its status, and the buttons it should still carry.

    Once both have answered, the prompt's follow-up question comes under the status line.
    """
    closed = state.together if state.kind == "evening" else state.done
    status = status_block(texts, state, entry)
    after = follow_up_text(texts, entry) if state.together else ""
    mode = mode_of(entry)
    if state.kind == "evening" and isinstance(entry, Exercise):
        text = exercise_evening_text(texts, entry, closed=closed)
        return text + status, None if closed else exercise_evening_keyboard(texts)
    text = entry_text(texts, entry) + status + after
    if state.kind == "evening":
        markup = None if closed else evening_keyboard(texts, mode, apart=state.apart)
    else:
        markup = None if closed else on_demand_keyboard(texts, mode)
    if markup is None or state.together:
        return text, markup
    together = done_together(entry)
    return text, with_private_button(markup, texts, state.private_mode, done_together=together)


def _mark_key(answered: bool, private: bool) -> str:
    if not answered:
        return "answers.waiting"
    return "answers.done_private" if private else "answers.done"
