"""Onboarding in the couple's words: the greeting, /help, and /start in a private chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.onboarding.service import Evening, Joined
from bot.schedule.times import format_minute
from bot.texts import Texts


def greeting(texts: Texts, joined: Joined) -> str:
    """Hello to a new group, or welcome back to one the bot was in before."""
    key = "onboarding.greeting" if joined.new else "onboarding.welcome_back"
    text = texts.render_html(key, time=format_minute(joined.minute), zone=joined.zone)
    if joined.crowded:
        text += "\n\n" + texts.render_html("onboarding.crowded_group")
    return text


def help_text(texts: Texts, evening: Evening) -> str:
    """The commands and how to answer, with the chat's evening time."""
    return texts.render_html(
        "onboarding.help", time=format_minute(evening.minute), zone=evening.zone
    )


def private_start(texts: Texts, name: str, bot_username: str) -> tuple[str, InlineKeyboardMarkup]:
    """/start in a private chat: what the bot is for, and a button that adds it to a group."""
    link = f"https://t.me/{bot_username}?startgroup=quality-time"
    button = InlineKeyboardButton(texts.render("onboarding.private_start_button"), url=link)
    text = texts.render_html("onboarding.private_start", name=name)
    return text, InlineKeyboardMarkup([[button]])
