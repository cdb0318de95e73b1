"""/forget's confirmation buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Texts

YES, NO = "forget:yes", "forget:no"


def confirm_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """ "Yes, delete everything" / "Keep it"."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.render("privacy.button_forget"), callback_data=YES),
                InlineKeyboardButton(texts.render("privacy.button_keep"), callback_data=NO),
            ]
        ]
    )
