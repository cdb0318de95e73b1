"""/forget's confirmation buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Texts

YES, NO = "forget:yes", "forget:no"


def confirm_keyboard(texts: Texts, token: str) -> InlineKeyboardMarkup:
    """ "Yes, delete everything" / "Keep it", for this one question (its token)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("privacy.button_forget"), callback_data=f"{YES}:{token}"
                ),
                InlineKeyboardButton(
                    texts.render("privacy.button_keep"), callback_data=f"{NO}:{token}"
                ),
            ]
        ]
    )


def refusal(texts: Texts, state: str) -> str:
    """The alert for a press that deletes nothing: not allowed, expired, used, or not ours."""
    if state == "not_allowed":
        return texts.render("privacy.not_allowed")
    if state == "expired":
        return texts.render("privacy.forget_expired")
    if state == "answered":
        return texts.render("errors.question_answered")
    return texts.render("errors.unknown_button")
