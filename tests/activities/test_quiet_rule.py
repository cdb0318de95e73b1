"""The quiet rule on plain values: when evenings bring an activity, a question, or a rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.features.activities.rules import (
    COOLDOWN,
    MAX_REST,
    QUIET_DAYS,
    ChatPulse,
    Evening,
    is_quiet,
    plan_evening,
)

NOW = datetime(2026, 11, 28, 19, 30, tzinfo=UTC)
START = NOW - timedelta(days=30)


def evenings(*together: bool) -> tuple[tuple[datetime, bool], ...]:
    """Recent evening prompts, newest first, one a day before now."""
    return tuple((NOW - timedelta(days=i + 1), both) for i, both in enumerate(together))


def test_a_new_chat_with_no_prompt_yet_is_not_quiet() -> None:
    assert not is_quiet(ChatPulse(started_at=NOW - timedelta(days=10)), NOW)


def test_three_evenings_not_answered_together_make_a_chat_quiet() -> None:
    pulse = ChatPulse(START, evenings(False, False, False), 3, last_answer_at=NOW)
    assert is_quiet(pulse, NOW)
    assert plan_evening(pulse, NOW) == Evening.ACTIVITY


def test_one_evening_answered_together_among_the_last_three_keeps_questions_coming() -> None:
    pulse = ChatPulse(START, evenings(False, True, False), 3, last_answer_at=NOW)
    assert not is_quiet(pulse, NOW)
    assert plan_evening(pulse, NOW) == Evening.PROMPT


def test_days_without_any_answer_make_a_chat_quiet_even_with_few_prompts() -> None:
    last = NOW - timedelta(days=QUIET_DAYS)
    pulse = ChatPulse(START, evenings(True), 1, last_answer_at=last)
    assert is_quiet(pulse, NOW)
    assert not is_quiet(pulse, NOW - timedelta(seconds=1))


def test_only_evenings_after_the_last_offer_count() -> None:
    offer = NOW - timedelta(days=1, hours=12)
    pulse = ChatPulse(
        START, evenings(False, False, False), 3, last_answer_at=NOW, last_offer_at=offer
    )
    assert not is_quiet(pulse, NOW)


def test_not_now_keeps_questions_coming_while_the_cooldown_runs() -> None:
    pulse = ChatPulse(
        START, evenings(False, False, False), 3, last_answer_at=NOW, cooldown_until=NOW + COOLDOWN
    )
    assert plan_evening(pulse, NOW) == Evening.PROMPT
    assert plan_evening(pulse, NOW + COOLDOWN) == Evening.ACTIVITY


def test_an_offer_waiting_for_a_choice_rests_the_evenings_until_an_answer_comes() -> None:
    offered = NOW - timedelta(days=1)
    pulse = ChatPulse(
        START, (), 5, last_answer_at=offered - timedelta(days=2), open_suggestion_at=offered
    )
    assert plan_evening(pulse, NOW) == Evening.REST
    answered = ChatPulse(START, (), 5, last_answer_at=NOW, open_suggestion_at=offered)
    assert plan_evening(answered, NOW) == Evening.PROMPT


def test_a_chosen_activity_rests_the_evenings_for_a_week_at_most() -> None:
    chosen = NOW - timedelta(days=2)
    pulse = ChatPulse(START, (), 5, last_answer_at=chosen - timedelta(days=1), chosen_at=chosen)
    assert plan_evening(pulse, NOW) == Evening.REST
    assert plan_evening(pulse, chosen + MAX_REST) != Evening.REST
