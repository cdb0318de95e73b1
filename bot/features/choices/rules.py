"""What a couple chooses about their evenings, as pure rules: depth, topics, decks, distance.

The picker (``bot.library.picker``) applies these choices; here they are read from what people
type or press, checked, and written to the chat's row (through the ``ChatChoices`` protocol).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.library.picker import AUTO, DEPTH_CHOICES, TENDER_AFTER
from bot.library.schema import Category, Deck
from bot.schedule.reading import fold, vocabulary

# In the order the /depth buttons show them, lightest first.
DEPTH_WORDS: tuple[str, ...] = ("light", "medium", "deep", AUTO)
assert set(DEPTH_WORDS) == set(DEPTH_CHOICES)
TENDER = "tender"  # the /topics button (and word) for sensitive entries


class ChatChoices(Protocol):
    """The chat's columns these rules read and write."""

    depth: str
    disabled_categories: str
    decks: str
    tender: bool
    distance: bool
    created_at: datetime
    timezone: str


@dataclass(frozen=True)
class Choices:
    """A chat's choices as plain values: what the /depth, /topics and /decks panels show."""

    depth: str
    topics_off: frozenset[str]
    decks_on: frozenset[str]
    tender: bool
    # Opted in to tender topics, but still in the first two weeks: they start at this moment.
    tender_from: datetime | None
    distance: bool
    zone: str


def ids(stored: str) -> frozenset[str]:
    """A comma-separated column as a set of ids."""
    return frozenset(filter(None, stored.split(",")))


def _store(values: Iterable[str], order: Iterable[str]) -> str:
    """A set of ids as the column stores it, in a stable order."""
    chosen = set(values)
    return ",".join(v for v in order if v in chosen)


def choices_of(chat: ChatChoices, now: datetime) -> Choices:
    """Summarise the chat's choices."""
    starts = chat.created_at + TENDER_AFTER
    return Choices(
        depth=chat.depth if chat.depth in DEPTH_CHOICES else AUTO,
        topics_off=ids(chat.disabled_categories),
        decks_on=ids(chat.decks),
        tender=chat.tender,
        tender_from=starts if chat.tender and now < starts else None,
        distance=chat.distance,
        zone=chat.timezone,
    )


def plain(text: str) -> str:
    """A typed word as it is compared: folded (bot.schedule.reading), letters only, "&" as "and"."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text.replace("&", " and "))).split())


def names_of(kind: str, shown: Mapping[str, str]) -> dict[str, list[str]]:
    """Each topic's or deck's id with the words that name it: the name the chat sees first,
    then every shipped language's words for it (``topic`` or ``deck`` in reading.yaml)."""
    words = vocabulary()
    return {key: [name, *words.spellings(kind, key)] for key, name in shown.items()}


def find_word(typed: str, names: Mapping[str, Iterable[str]]) -> str | None:
    """The id whose id or display name matches what was typed (a 3-letter start is enough)."""
    wanted = plain(typed)
    if not wanted:
        return None
    for key, spellings in names.items():
        options = {plain(key), *(plain(s) for s in spellings)}
        if wanted in options:
            return key
    if len(wanted) < 3:
        return None
    starts = [
        k
        for k, spellings in names.items()
        if any(o.startswith(wanted) for o in {plain(k), *(plain(s) for s in spellings)})
    ]
    return starts[0] if len(starts) == 1 else None


def on_off(word: str) -> bool | None:
    """``on`` / ``off`` (yes / no, sí, não, вкл...) as a bool; None for anything else."""
    said = vocabulary().meaning("switch", word)
    return True if said == "on" else False if said == "off" else None


@dataclass(frozen=True)
class Switch:
    """A typed ``<name> on|off`` (in either order): the name as typed, and on or off."""

    name: str
    on: bool


def parse_switch(arg: str) -> Switch | None:
    """Read ``money on``, ``on money`` or ``Family & in-laws off``; None when it is neither."""
    words = arg.split()
    if len(words) < 2:
        return None
    last, first = on_off(words[-1]), on_off(words[0])
    if last is not None:
        return Switch(" ".join(words[:-1]), last)
    if first is not None:
        return Switch(" ".join(words[1:]), first)
    return None


def read_depth(typed: str) -> str | None:
    """The depth a typed word means (light, ligero, leve, лёгкие...), or None."""
    depth = vocabulary().meaning("depth", typed)
    return depth if depth in DEPTH_CHOICES else None


def set_depth(chat: ChatChoices, word: str) -> str | None:
    """Apply ``/depth <word>``; the depth stored, or None when it is no depth word."""
    depth = read_depth(word)
    if depth is None:
        return None
    chat.depth = depth
    return depth


class Toggle(StrEnum):
    """What switching a topic or deck did."""

    ON = "on"
    OFF = "off"
    LAST = "last"  # refused: the last topic that was on stays on


def set_topic(chat: ChatChoices, category: Category, on: bool) -> Toggle:
    """Turn a topic on or off; at least one topic always stays on."""
    off = set(ids(chat.disabled_categories))
    if on:
        off.discard(category.value)
    else:
        off.add(category.value)
        if all(c.value in off for c in Category):
            return Toggle.LAST
    chat.disabled_categories = _store(off, (c.value for c in Category))
    return Toggle.ON if on else Toggle.OFF


def toggle_topic(chat: ChatChoices, category: Category) -> Toggle:
    """A topic's button: on becomes off (unless it is the last one on), off becomes on."""
    return set_topic(chat, category, category.value in ids(chat.disabled_categories))


def set_tender(chat: ChatChoices, on: bool) -> Toggle:
    """Opt in to tender topics, or out again."""
    chat.tender = on
    return Toggle.ON if on else Toggle.OFF


def set_deck(chat: ChatChoices, deck: Deck, on: bool) -> Toggle:
    """Turn an opt-in deck on or off."""
    decks = set(ids(chat.decks))
    if on:
        decks.add(deck.value)
    else:
        decks.discard(deck.value)
    chat.decks = _store(decks, (d.value for d in Deck))
    return Toggle.ON if on else Toggle.OFF


def toggle_deck(chat: ChatChoices, deck: Deck) -> Toggle:
    """A deck's button: off becomes on, on becomes off."""
    return set_deck(chat, deck, deck.value not in ids(chat.decks))


def set_distance(chat: ChatChoices, on: bool) -> bool:
    """Turn long-distance mode on or off; True when that changed something."""
    changed = chat.distance != on
    chat.distance = on
    return changed


# Callback data of the panels' buttons, matched whole (the registry uses the same patterns).
DEPTH_BUTTON = re.compile(r"^depth:(light|medium|deep|auto)$")
TOPIC_BUTTON = re.compile(rf"^topic:({'|'.join([*(c.value for c in Category), TENDER])})$")
DECK_BUTTON = re.compile(rf"^deck:({'|'.join(d.value for d in Deck)})$")


def button_value(pattern: re.Pattern[str], data: str | None) -> str | None:
    """The value a panel's button carries, or None when the data is not one of its buttons."""
    match = pattern.match(data or "")
    return match.group(1) if match else None
