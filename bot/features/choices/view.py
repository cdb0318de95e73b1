"""The choices in the couple's words: the /depth, /topics and /decks panels and the answers."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.features.choices.rules import DEPTH_WORDS, TENDER, Choices, Toggle
from bot.library.schema import Category, Deck, category_name
from bot.schedule.words import short_date
from bot.texts import Texts


def depth_name(texts: Texts, word: str) -> str:
    """ "Light", "Medium", "Deep" or "Auto"."""
    return texts.render(f"settings.depth_names.{word}")


def depth_text(texts: Texts, choices: Choices, key: str = "settings.depth_now") -> str:
    """The current depth and what it means."""
    return texts.render_html(
        key,
        depth=depth_name(texts, choices.depth),
        about=texts.render(f"settings.depth_about.{choices.depth}"),
    )


def _mark(texts: Texts, on: bool, name: str) -> str:
    return texts.render("settings.button_on" if on else "settings.button_off", name=name)


def depth_keyboard(texts: Texts, choices: Choices) -> InlineKeyboardMarkup:
    """One button a depth, the current one marked."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _mark(texts, word == choices.depth, depth_name(texts, word)),
                    callback_data=f"depth:{word}",
                )
                for word in DEPTH_WORDS
            ]
        ]
    )


def tender_line(texts: Texts, choices: Choices) -> str:
    """Tender topics: off, on, or on from the end of the couple's first two weeks."""
    if not choices.tender:
        return texts.render_html("settings.tender_off")
    if choices.tender_from is not None:
        day = choices.tender_from.astimezone(ZoneInfo(choices.zone)).date()
        return texts.render_html("settings.tender_waiting", date=short_date(texts, day))
    return texts.render_html("settings.tender_on")


def topics_text(texts: Texts, choices: Choices) -> str:
    """The /topics panel: which topics are off, and tender topics."""
    off = [category_name(texts, c) for c in Category if c.value in choices.topics_off]
    state = (
        texts.render_html("settings.topics_all_on")
        if not off
        else texts.render_html("settings.topics_some_off", topics=", ".join(off))
    )
    # The parts are HTML already (escaped as they were rendered).
    return texts.render("settings.topics_panel", state=state, tender=tender_line(texts, choices))


def topics_keyboard(texts: Texts, choices: Choices) -> InlineKeyboardMarkup:
    """Two topics a row, then the tender topics' switch."""
    buttons = [
        InlineKeyboardButton(
            _mark(texts, c.value not in choices.topics_off, category_name(texts, c)),
            callback_data=f"topic:{c.value}",
        )
        for c in Category
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            InlineKeyboardButton(
                _mark(texts, choices.tender, texts.render("settings.tender_name")),
                callback_data=f"topic:{TENDER}",
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


def deck_name(texts: Texts, deck: Deck) -> str:
    """ "Money", "Faith & meaning", …"""
    return texts.render(f"settings.deck_names.{deck.value}")


def decks_text(texts: Texts, choices: Choices) -> str:
    """The /decks list: one line a deck, its name, what it holds, and on or off."""
    lines = [
        texts.render_html(
            "settings.deck_line",
            state=texts.render(
                "settings.deck_on" if d.value in choices.decks_on else "settings.deck_off"
            ),
            name=deck_name(texts, d),
            about=texts.render(f"settings.deck_about.{d.value}"),
        )
        for d in Deck
    ]
    return texts.render("settings.decks_panel", decks="\n".join(lines))  # lines are HTML


def decks_keyboard(texts: Texts, choices: Choices) -> InlineKeyboardMarkup:
    """One button a deck, two a row."""
    buttons = [
        InlineKeyboardButton(
            _mark(texts, d.value in choices.decks_on, deck_name(texts, d)),
            callback_data=f"deck:{d.value}",
        )
        for d in Deck
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def toggled(texts: Texts, toggle: Toggle, name: str, *, html: bool = False) -> str:
    """What switching did: "Money: on." (plain for a button's answer, HTML for a message)."""
    key = f"settings.toggled_{toggle.value}"
    return texts.render_html(key, name=name) if html else texts.render(key, name=name)


def distance_text(texts: Texts, on: bool, *, asked: bool = False) -> str:
    """/distance: what it did, or (``asked``: a bare /distance) where it stands."""
    if asked:
        return texts.render_html("settings.distance_is_on" if on else "settings.distance_is_off")
    return texts.render_html("settings.distance_on" if on else "settings.distance_off")
