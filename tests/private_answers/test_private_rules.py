"""Private answers' pure rules: links nobody can make up, the reveal's order, the 48 hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.features.private_answers.rules import (
    Hidden,
    all_answered,
    expired,
    link_key,
    parse_mode,
    payload_for,
    read_payload,
    reveal_order,
)

KEY = link_key("123456:TEST-TOKEN")
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def test_a_payload_names_one_post_and_one_partner_and_fits_telegrams_limits() -> None:
    payload = payload_for(KEY, 2**63 - 1, 2**63 - 1)

    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    assert read_payload(KEY, payload) == (2**63 - 1, 2**63 - 1)
    assert read_payload(KEY, payload_for(KEY, 7, 3)) == (7, 3)


def test_a_changed_forged_or_foreign_payload_reads_as_nothing() -> None:
    payload = payload_for(KEY, 7, 3)
    post, partner, signature = payload.split("x", 2)

    assert read_payload(KEY, f"{post}x4x{signature}") is None  # another partner
    assert read_payload(KEY, f"8x{partner}x{signature}") is None  # another post
    assert read_payload(KEY, f"{post}x{partner}x{'A' * 22}") is None
    assert read_payload(link_key("another-token"), payload) is None
    for junk in ("", "x", "7x3", payload + "A", "7x3x" + "é" * 22, "../../etc"):
        assert read_payload(KEY, junk) is None


def test_the_reveal_copies_answers_in_the_order_they_were_given() -> None:
    later = Hidden(1, 10, "Alex", 100, 5, NOW + timedelta(minutes=3))
    sooner = Hidden(2, 11, "Sam", 101, 9, NOW)
    opened_only = Hidden(3, 12, "Kim", 102, None, None)

    assert reveal_order([later, sooner, opened_only]) == [sooner, later]


def test_both_must_have_answered_and_a_couple_is_two() -> None:
    assert all_answered([1, 2], [2, 1])
    assert not all_answered([1, 2], [1])
    assert not all_answered([1], [1])


def test_ids_go_after_48_hours_and_modes_are_on_off_only() -> None:
    assert not expired(NOW, NOW + timedelta(hours=47, minutes=59))
    assert expired(NOW, NOW + timedelta(hours=48))
    assert [parse_mode(w) for w in ("on", " OFF ", "only", "maybe", "")] == [
        "on",
        "off",
        "only",
        None,
        None,
    ]
