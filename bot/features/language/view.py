"""The language panel and its answers, in the couple's words."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.language.rules import button_data
from bot.texts import Texts


def panel_text(texts: Texts, name: str) -> str:
    """What /language says: the chat's language, and that a button switches."""
    return texts.render_html("language.current", language=name)


def keyboard(
    texts: Texts, languages: Sequence[tuple[str, str]], current: str
) -> InlineKeyboardMarkup:
    """One button per language, each in its own name; the current one marked."""

    def button(code: str, name: str) -> InlineKeyboardButton:
        label = texts.render("language.button_current", language=name) if code == current else name
        return InlineKeyboardButton(label, callback_data=button_data(code))

    return InlineKeyboardMarkup([[button(code, name)] for code, name in languages])


def switched(texts: Texts, name: str, *, changed: bool, html: bool = True) -> str:
    """The confirmation, written in the language the chat now speaks (plain for a toast)."""
    key = "language.switched" if changed else "language.unchanged"
    return texts.render_html(key, language=name) if html else texts.render(key, language=name)


def unknown(texts: Texts, given: str, names: Sequence[str]) -> str:
    """A language the bot does not speak: the ones it does."""
    return texts.render_html("language.unknown", given=given[:40], languages=", ".join(names))
