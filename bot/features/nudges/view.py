"""The nudge in the couple's words: a mention of who is waited for, never a comparison."""

from __future__ import annotations

from html import escape

from bot.features.nudges.service import Nudge
from bot.texts import Texts


def nudge_text(texts: Texts, nudge: Nudge) -> str:
    """The gentle reminder, mentioning the partner who has not answered yet."""
    mention = f'<a href="tg://user?id={nudge.waiting_user_id}">{escape(nudge.waiting_name)}</a>'
    # Who has answered stays out of it: a nudge never compares the partners.
    return texts.render("answers.nudge_apart" if nudge.apart else "answers.nudge", mention=mention)
