"""Onboarding in the couple's words: the greeting, /help, and /start in a private chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.onboarding.service import Consent, Evening, Joined, Question
from bot.schedule.times import format_minute
from bot.schedule.zones import zone_label
from bot.texts import Texts


def greeting(texts: Texts, joined: Joined) -> str:
    """Hello to a new group, or welcome back to one the bot was in before."""
    key = "onboarding.greeting" if joined.new else "onboarding.welcome_back"
    text = texts.render_html(key, time=format_minute(joined.minute), zone=zone_label(joined.zone))
    if joined.crowded:
        text += "\n\n" + texts.render_html("onboarding.crowded_group")
    return text


def help_text(texts: Texts, evening: Evening) -> str:
    """The commands and how to answer, with the chat's evening time."""
    return texts.render_html(
        "onboarding.help", time=format_minute(evening.minute), zone=zone_label(evening.zone)
    )


def private_start(texts: Texts, name: str, bot_username: str) -> tuple[str, InlineKeyboardMarkup]:
    """/start in a private chat: what the bot is for, and a button that adds it to a group."""
    link = f"https://t.me/{bot_username}?startgroup=quality-time"
    button = InlineKeyboardButton(texts.render("onboarding.private_start_button"), url=link)
    text = texts.render_html("onboarding.private_start", name=name)
    return text, InlineKeyboardMarkup([[button]])


def partner_question(texts: Texts, question: Question) -> tuple[str, InlineKeyboardMarkup]:
    """Ask the person who added the bot whether a member is their partner."""
    text = texts.render_html(
        "onboarding.partner_question", name=question.name, adder=question.adder
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.render("onboarding.partner_yes"),
                    callback_data=f"partner:yes:{question.token}",
                ),
                InlineKeyboardButton(
                    texts.render("onboarding.partner_no"),
                    callback_data=f"partner:no:{question.token}",
                ),
            ]
        ]
    )
    return text, keyboard


def consent_text(texts: Texts, consent: Consent) -> str:
    """The question, settled: what it now says in place of the buttons."""
    if consent.state == "yes":
        return texts.render_html("onboarding.partner_confirmed", name=consent.name)
    if consent.state == "full":
        return texts.render_html("onboarding.partner_full", name=consent.name)
    return texts.render_html("onboarding.partner_guest", name=consent.name)


def consent_alert(texts: Texts, consent: Consent) -> str:
    """A press that settles nothing: someone else's question, expired, or answered already."""
    if consent.state == "not_yours":
        return texts.render("onboarding.partner_not_yours")
    if consent.state == "expired":
        return texts.render("errors.question_expired")
    if consent.state == "answered":
        return texts.render("errors.question_answered")
    return texts.render("errors.unknown_button")
