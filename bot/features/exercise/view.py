"""Exercise evenings in the couple's words: the answer to /exercises, and the steps' edits."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.features.exercise.service import Evenings
from bot.kernel.telegram.posts import step_keyboard
from bot.library.render import exercise_step_text
from bot.library.schema import Exercise
from bot.schedule.words import WEEKDAY_KEYS
from bot.texts import Texts


def evenings_answer(texts: Texts, state: Evenings) -> str:
    """What /exercises says: on (which day) or off, and a word if that day has no evening post."""
    if not state.allowed:
        return texts.render_html("settings.not_allowed")
    day = texts.render(f"stats.day.{WEEKDAY_KEYS[state.weekday]}")
    if not state.enabled:
        return texts.render_html("exercise.evenings_off", day=day)
    answer = texts.render_html("exercise.evenings_on", day=day)
    if state.day_off:
        answer += "\n\n" + texts.render_html("exercise.evenings_day_off", day=day)
    return answer


def step_post(texts: Texts, entry: Exercise, number: int) -> tuple[str, InlineKeyboardMarkup]:
    """The exercise evening's post showing step ``number``, with "Next step" or "Done"."""
    return exercise_step_text(texts, entry, number), step_keyboard(texts, number, len(entry.steps))
