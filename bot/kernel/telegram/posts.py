"""The buttons under the bot's prompts, shared by the features that post them and edit them.

A prompt's buttons follow its ``mode``: a ``do`` prompt carries "Done", the others "We talked in
person" (both handled by answers, both recorded as answered together); ``talk`` puts the
in-person button first. An /exercise post also carries "Another one", and its own "We did this"
(handled by exercise). An exercise evening's post carries "Start", then "Next step" and, on the
last step, "Done". Answers edits these posts when it updates their status line, so the keyboards
live here rather than in any one feature. With /distance on, "We talked in person" reads "We
called" (``apart``): the same button, the same data.

Each keyboard is built from a list of buttons in the order the mode wants, so a new way of
answering (a button of its own) is one more entry in :func:`_answer_buttons`.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.library.schema import Mode
from bot.texts import Texts

IN_PERSON = "inperson"
DONE = "did"  # a ``do`` prompt or an exercise evening done together: recorded like in person
ANOTHER, DID_THIS = "ex:another", "ex:done"
STEP_PREFIX = "exev:step:"
STEP = re.compile(r"^exev:step:([1-9])$")  # an exercise has at most 8 steps
# "Answer privately": the press opens the partner's private chat with the bot through a deep
# link made for them and this post (see bot.features.private_answers).
PRIVATELY = "privately"


def _button(texts: Texts, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.render(key), callback_data=data)


def _answer_buttons(
    texts: Texts, mode: Mode | None, *, on_demand: bool, apart: bool = False
) -> list[InlineKeyboardButton]:
    """The buttons by which the couple says they answered together, in the mode's order."""
    if on_demand:
        # An /exercise post's own "done" marks it done (and answered together).
        key = {Mode.DO: "posts.button_done", Mode.TALK: "posts.button_in_person"}.get(
            mode or Mode.WRITE, "posts.button_did_this"
        )
        return [_button(texts, key, DID_THIS)]
    if mode == Mode.DO:
        return [_button(texts, "posts.button_done", DONE)]
    together = "posts.button_called" if apart else "posts.button_in_person"
    return [_button(texts, together, IN_PERSON)]


def evening_keyboard(
    texts: Texts, mode: Mode | None = None, *, apart: bool = False
) -> InlineKeyboardMarkup:
    """The evening prompt's buttons: time together off-screen counts (a call, when ``apart``)."""
    return InlineKeyboardMarkup([_answer_buttons(texts, mode, on_demand=False, apart=apart)])


def on_demand_keyboard(texts: Texts, mode: Mode | None = None) -> InlineKeyboardMarkup:
    """Buttons under an /exercise post: "Another one" and the done button (first for talk/do)."""
    another = _button(texts, "posts.button_another", ANOTHER)
    answer = _answer_buttons(texts, mode, on_demand=True)
    row = [*answer, another] if mode in (Mode.TALK, Mode.DO) else [another, *answer]
    return InlineKeyboardMarkup([row])


def exercise_evening_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """An exercise evening's post before it starts: "Start" shows the first step."""
    return InlineKeyboardMarkup([[_button(texts, "posts.button_start", f"{STEP_PREFIX}1")]])


def step_keyboard(texts: Texts, number: int, total: int) -> InlineKeyboardMarkup:
    """Under step ``number`` of ``total``: "Next step", or "Done" on the last one."""
    if number < total:
        return InlineKeyboardMarkup(
            [[_button(texts, "posts.button_next", f"{STEP_PREFIX}{number + 1}")]]
        )
    return InlineKeyboardMarkup([[_button(texts, "posts.button_done", DONE)]])


def step_of(data: str) -> int | None:
    """The step a "Start"/"Next step" button asks for, or None for any other data."""
    found = STEP.match(data)
    return int(found.group(1)) if found else None


def with_private_button(
    markup: InlineKeyboardMarkup, texts: Texts, mode: str, *, done_together: bool = False
) -> InlineKeyboardMarkup:
    """A prompt's keyboard with the "Answer privately" row the chat's /private setting asks for.

    ``on``: below the other buttons; ``only``: first (the way to answer there); ``off``: none.
    The button is the same for every chat and both partners: the press tells who and where,
    and the answer to it carries the deep link made for that partner and post. Something the
    couple does together (a ``do`` prompt, a guided exercise) has nothing to answer privately.
    """
    if mode not in ("on", "only") or done_together:
        return markup
    row = [InlineKeyboardButton(texts.render("posts.button_privately"), callback_data=PRIVATELY)]
    rows = [list(r) for r in markup.inline_keyboard]
    return InlineKeyboardMarkup([row, *rows] if mode == "only" else [*rows, row])
