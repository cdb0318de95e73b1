"""The status line under a prompt, and the prompt re-rendered with it after an answer."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.features.answers.service import AnswerState
from bot.kernel.telegram.posts import evening_keyboard, on_demand_keyboard
from bot.library.render import entry_text
from bot.library.schema import Exercise, Prompt
from bot.texts import Texts


def status_block(texts: Texts, state: AnswerState) -> str:
    """The line under a prompt: who has answered, or the warm close when both have."""
    if state.in_person:
        return texts.render_html("answers.called" if state.apart else "answers.in_person")
    marks = [
        texts.render_html("answers.done" if mark.answered else "answers.waiting", name=mark.name)
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
    """A prompt or exercise with its status, and the buttons it should still carry."""
    text = entry_text(texts, entry) + status_block(texts, state)
    if state.kind == "evening":
        return text, None if state.together else evening_keyboard(texts, apart=state.apart)
    return text, None if state.done else on_demand_keyboard(texts)
