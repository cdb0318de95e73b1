"""A library entry as the message the couple reads (HTML text; the buttons are the features').

An entry's ``mode`` decides how a prompt asks to be answered: by a reply (no mode, ``write``),
by talking it over (``talk``), or by doing it together and tapping Done (``do``). A prompt's
``follow_up`` is not part of the prompt: it comes once both have answered
(:func:`follow_up_text`, under the status line).
"""

from __future__ import annotations

from html import escape

from bot.library.schema import Exercise, Mode, Prompt, category_name
from bot.texts import Texts

# How each kind of prompt asks to be answered (``reply``: no mode given).
HOW_KEYS = {
    None: "posts.how.reply",
    Mode.WRITE: "posts.how.write",
    Mode.TALK: "posts.how.talk",
    Mode.DO: "posts.how.do",
}


def entry_text(texts: Texts, entry: Prompt | Exercise) -> str:
    """Render a prompt or a guided exercise as an HTML message."""
    category = escape(category_name(texts, entry.category))
    if isinstance(entry, Prompt):
        # Parts rendered above are HTML already; plain values are escaped here, once.
        return texts.render(
            "posts.prompt",
            category=category,
            text=escape(entry.text),
            how=texts.render(HOW_KEYS[entry.mode]),
        )
    steps = "\n".join(
        texts.render_html("posts.step", number=i, text=step)
        for i, step in enumerate(entry.steps, 1)
    )
    return texts.render(
        "posts.exercise",
        title=escape(entry.title),
        category=category,
        minutes=entry.minutes,
        why=_why(texts, entry),
        turns=turns_text(texts, entry),
        steps=steps,
    )


def follow_up_text(texts: Texts, entry: Prompt | Exercise) -> str:
    """The prompt's follow-up question, for under the status line once both have answered."""
    if not isinstance(entry, Prompt) or not entry.follow_up:
        return ""
    return texts.render_html("posts.follow_up", text=entry.follow_up)


def turns_text(texts: Texts, entry: Exercise) -> str:
    """The timing note of an exercise with timed turns ("Take turns: 3 minutes each"), or ""."""
    if entry.turn_minutes is None:
        return ""
    return texts.render("posts.turns", minutes=entry.turn_minutes)


def _why(texts: Texts, entry: Exercise) -> str:
    return texts.render_html("posts.why", text=entry.why) if entry.why else ""


def exercise_evening_text(texts: Texts, entry: Exercise, *, closed: bool = False) -> str:
    """An exercise evening's post: what tonight's exercise is, before the couple taps Start.

    ``closed`` (done together): the invitation to start is left out.
    """
    return texts.render(
        "posts.exercise_evening",
        title=escape(entry.title),
        category=escape(category_name(texts, entry.category)),
        minutes=entry.minutes,
        why=_why(texts, entry),
        turns=turns_text(texts, entry),
        start="" if closed else texts.render("posts.exercise_evening_start"),
    )


def exercise_step_text(texts: Texts, entry: Exercise, number: int) -> str:
    """Step ``number`` (from 1) of an exercise evening, as the post shows it while walking."""
    return texts.render(
        "posts.walk_step",
        title=escape(entry.title),
        number=number,
        total=len(entry.steps),
        turns=turns_text(texts, entry),
        text=escape(entry.steps[number - 1]),
    )
