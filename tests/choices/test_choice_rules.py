"""The pure rules behind /depth, /topics, /decks and /distance, and whose night a nudge keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.features.choices.rules import (
    DECK_BUTTON,
    TOPIC_BUTTON,
    Toggle,
    button_value,
    choices_of,
    find_word,
    parse_switch,
    set_deck,
    set_depth,
    set_topic,
    toggle_deck,
    toggle_topic,
)
from bot.features.nudges.rules import Member, at_night
from bot.library.schema import Category, Deck

NOW = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


@dataclass
class FakeChat:
    depth: str = "auto"
    disabled_categories: str = ""
    decks: str = ""
    tender: bool = False
    distance: bool = False
    created_at: datetime = NOW
    timezone: str = "Europe/Berlin"


def test_a_depth_word_is_stored_and_anything_else_changes_nothing() -> None:
    chat = FakeChat()

    assert set_depth(chat, "Light") == "light"
    assert set_depth(chat, "bottomless") is None
    assert chat.depth == "light"


def test_the_last_topic_that_is_on_stays_on() -> None:
    chat = FakeChat()
    for category in list(Category)[:-1]:
        assert set_topic(chat, category, False) is Toggle.OFF

    assert toggle_topic(chat, list(Category)[-1]) is Toggle.LAST
    assert list(Category)[-1].value not in chat.disabled_categories
    assert toggle_topic(chat, Category.FUN) is Toggle.ON
    assert "fun" not in chat.disabled_categories.split(",")


def test_decks_are_off_until_turned_on_and_switch_back_off() -> None:
    chat = FakeChat()

    assert choices_of(chat, NOW).decks_on == frozenset()
    assert toggle_deck(chat, Deck.MONEY) is Toggle.ON
    assert set_deck(chat, Deck.FAITH, True) is Toggle.ON
    assert chat.decks == "faith,money"
    assert toggle_deck(chat, Deck.MONEY) is Toggle.OFF
    assert choices_of(chat, NOW).decks_on == {"faith"}


def test_tender_topics_opted_in_early_say_when_they_start() -> None:
    chat = FakeChat(tender=True, created_at=NOW - timedelta(days=3))

    assert choices_of(chat, NOW).tender_from == NOW + timedelta(days=11)
    assert choices_of(chat, NOW + timedelta(days=12)).tender_from is None


def test_a_switch_reads_either_order_and_refuses_anything_else() -> None:
    money = parse_switch("money on")
    family = parse_switch("off Family & in-laws")

    assert money is not None and money.name == "money" and money.on
    assert family is not None and family.name == "Family & in-laws" and not family.on
    assert parse_switch("money") is None
    assert parse_switch("money maybe") is None


def test_names_match_by_id_display_name_or_an_unambiguous_start() -> None:
    names = {"family": ["Family & in-laws"], "faith": ["Faith & meaning"], "money": ["Money"]}

    assert find_word("family and in-laws", names) == "family"
    assert find_word("MONEY", names) == "money"
    assert find_word("fai", names) == "faith"
    assert find_word("fa", names) is None
    assert find_word("astrology", names) is None


def test_button_data_is_matched_whole() -> None:
    assert button_value(TOPIC_BUTTON, "topic:tender") == "tender"
    assert button_value(TOPIC_BUTTON, "topic:fun ") is None
    assert button_value(DECK_BUTTON, "deck:money") == "money"
    assert button_value(DECK_BUTTON, "deck:astrology") is None
    assert button_value(DECK_BUTTON, None) is None


def test_a_partners_own_zone_decides_whose_night_it_is() -> None:
    evening_in_berlin = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)  # 21:00 Berlin, 05:00 Tokyo
    at_home = Member(1, "Sam", answered=False)
    in_tokyo = Member(1, "Sam", answered=False, timezone="Asia/Tokyo")

    assert not at_night(at_home, "Europe/Berlin", evening_in_berlin, 22 * 60 + 30, 8 * 60)
    assert at_night(in_tokyo, "Europe/Berlin", evening_in_berlin, 22 * 60 + 30, 8 * 60)


def test_a_zone_tzdata_no_longer_knows_falls_back_to_the_chats() -> None:
    lost = Member(1, "Sam", answered=False, timezone="Mars/Olympus_Mons")
    night_in_berlin = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)

    assert at_night(lost, "Europe/Berlin", night_in_berlin, 22 * 60 + 30, 8 * 60)
