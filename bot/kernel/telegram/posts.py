"""The buttons under the bot's prompts, shared by the features that post them and edit them.

The evening prompt carries "We talked in person" ("We called" with /distance on; handled by
answers); an /exercise post carries
"Another one" and "We did this" (handled by exercise). Answers edits both kinds of post when it
updates their status line, so the keyboards live here rather than in either feature.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Texts

IN_PERSON = "inperson"
ANOTHER, DID_THIS = "ex:another", "ex:done"


def evening_keyboard(texts: Texts, *, apart: bool = False) -> InlineKeyboardMarkup:
    """The evening prompt's button: time together off-screen counts (a call, when ``apart``)."""
    label = texts.render("posts.button_called" if apart else "posts.button_in_person")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=IN_PERSON)]])


def on_demand_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """Buttons under an /exercise post."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.render("posts.button_another"), callback_data=ANOTHER),
                InlineKeyboardButton(texts.render("posts.button_did_this"), callback_data=DID_THIS),
            ]
        ]
    )
