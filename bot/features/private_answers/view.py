"""Private answers' messages and buttons: the question in private, the reveal, share or keep."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.library.render import entry_text
from bot.library.schema import Exercise, Prompt
from bot.texts import Texts

SHARE, KEEP = "pshare:yes", "pshare:no"


def partner_name(texts: Texts, other: str | None) -> str:
    """The other partner's name, or "Your partner" while the bot has not met them."""
    return other if other else texts.render("private.your_partner")


def ask(texts: Texts, entry: Prompt | Exercise, other: str | None, *, again: bool) -> str:
    """The question, shown in the private chat with the promise that it stays hidden."""
    # The question is the bot's own HTML; the name is escaped.
    return texts.render(
        "private.ask_again" if again else "private.ask",
        partner=escape(partner_name(texts, other)),
        question=entry_text(texts, entry),
    )


def share_question(
    texts: Texts, entry: Prompt | Exercise | None, other: str | None, row_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Ask the partner who answered alone whether to share it anyway."""
    question = entry_text(texts, entry) if entry is not None else ""
    text = texts.render(
        "private.share_question",
        partner=escape(partner_name(texts, other)),
        question=question,
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("private.share_button"), callback_data=f"{SHARE}:{row_id}"
                ),
                InlineKeyboardButton(
                    texts.render("private.keep_button"), callback_data=f"{KEEP}:{row_id}"
                ),
            ]
        ]
    )
    return text, keyboard
