"""The buttons under the bot's prompts, shared by the features that post them and edit them.

The evening prompt carries "We talked in person" (handled by answers); an /exercise post carries
"Another one" and "We did this" (handled by exercise). Answers edits both kinds of post when it
updates their status line, so the keyboards live here rather than in either feature.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import Texts

IN_PERSON = "inperson"
ANOTHER, DID_THIS = "ex:another", "ex:done"
# "Answer privately": the press opens the partner's private chat with the bot through a deep
# link made for them and this post (see bot.features.private_answers).
PRIVATELY = "privately"
PRIVATE_MODES = ("on", "off", "only")


def evening_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    """The evening prompt's button: time together off-screen counts."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.render("posts.button_in_person"), callback_data=IN_PERSON)]]
    )


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


def with_private_button(
    markup: InlineKeyboardMarkup | None, texts: Texts, mode: str
) -> InlineKeyboardMarkup | None:
    """A prompt's keyboard with the "Answer privately" row the chat's /private setting asks for.

    ``on``: below the other buttons; ``only``: first (the way to answer there); ``off``: none.
    The button is the same for every chat and both partners: the press tells who and where,
    and the answer to it carries the deep link made for that partner and post.
    """
    if mode not in ("on", "only"):
        return markup
    row = [InlineKeyboardButton(texts.render("posts.button_privately"), callback_data=PRIVATELY)]
    rows = [list(r) for r in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup([row, *rows] if mode == "only" else [*rows, row])
