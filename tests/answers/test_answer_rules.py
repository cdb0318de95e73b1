"""What a message answers and what it changes: the answers' pure rules, on plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.features.answers.rules import (
    ANSWER_WINDOW,
    ChatRows,
    Member,
    Outcome,
    PartnerMark,
    Pending,
    PostFacts,
    Seen,
    answers_what,
    decide,
    settle,
    state_of,
    together,
)

NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
ALEX = Member(id=1, user_id=101, display_name="Alex", active=True)
SAM = Member(id=2, user_id=102, display_name="Sam", active=True)


def post(post_id: int, message_id: int, kind: str = "evening", *, ago: int = 10) -> PostFacts:
    return PostFacts(
        id=post_id,
        chat_id=-1,
        message_id=message_id,
        kind=kind,
        entry_id="p-1",
        posted_at=NOW - timedelta(minutes=ago),
        done_at=None,
        first_answer_at=None,
        together_at=None,
        in_person=False,
    )


def seen(who: Member, to: int | None, *, at: datetime = NOW, name: str = "") -> Seen:
    return Seen(-1, who.user_id, name or who.display_name, 900 + who.id, at, reply_to=to)


def test_a_reply_answers_the_prompt_it_replies_to() -> None:
    posts = [post(1, 5), post(2, 7, "exercise")]

    assert answers_what(seen(ALEX, 7), posts) == posts[1]


def test_a_reply_to_a_post_that_takes_no_answers_answers_nothing() -> None:
    posts = [post(1, 5, "activity")]

    assert answers_what(seen(ALEX, 5), posts) is None
    assert answers_what(seen(ALEX, 404), posts) is None


def test_a_plain_message_answers_the_latest_evening_prompt() -> None:
    older, newer, exercise = post(1, 30, ago=30), post(2, 10, ago=10), post(3, 5, "exercise", ago=1)

    assert answers_what(seen(SAM, None), [older, newer, exercise]) == newer


def test_a_plain_message_after_the_answer_window_answers_nothing() -> None:
    evening = post(1, 5, ago=0)

    assert answers_what(seen(SAM, None, at=NOW + ANSWER_WINDOW), [evening]) == evening
    late = NOW + ANSWER_WINDOW + timedelta(seconds=1)
    assert answers_what(seen(SAM, None, at=late), [evening]) is None


def test_strangers_renamed_and_former_partners_are_unknown() -> None:
    chat = ChatRows(partners=[ALEX, replace(SAM, active=False)], posts=[post(1, 5)])
    stranger = Seen(-1, 999, "Kim", 1, NOW, reply_to=5)

    for message in (stranger, seen(ALEX, 5, name="Alexandra"), seen(SAM, 5)):
        assert decide(message, chat, Pending(answered=set())).outcome is Outcome.UNKNOWN


def test_the_first_answer_is_recorded_and_stamps_the_post() -> None:
    chat = ChatRows(partners=[ALEX, SAM], posts=[post(1, 5)])
    pending = Pending(answered=set())

    result = decide(seen(ALEX, 5), chat, pending)

    assert result.outcome is Outcome.RECORDED and result.state is not None
    assert result.state.partners == (PartnerMark("Alex", True), PartnerMark("Sam", False))
    assert not result.state.together
    assert pending.answers == [
        {"post_id": 1, "partner_id": 1, "answered_at": NOW, "message_id": 901, "how": "reply"}
    ]
    assert (pending.posts[1].first_answer_at, pending.posts[1].together_at) == (NOW, None)


def test_the_second_partner_in_the_same_batch_makes_the_couple_together() -> None:
    chat = ChatRows(partners=[ALEX, SAM], posts=[post(1, 5)])
    pending = Pending(answered=set())
    later = NOW + timedelta(minutes=3)

    decide(seen(ALEX, 5), chat, pending)
    result = decide(seen(SAM, None, at=later), chat, pending)

    assert result.state is not None and result.state.together
    assert (pending.posts[1].first_answer_at, pending.posts[1].together_at) == (NOW, later)


def test_answering_again_changes_nothing() -> None:
    chat = ChatRows(partners=[ALEX, SAM], posts=[post(1, 5)])
    pending = Pending(answered={(1, ALEX.id)})

    assert decide(seen(ALEX, 5), chat, pending).outcome is Outcome.UNCHANGED
    assert pending.answers == [] and pending.posts == {}


def test_settling_stamps_the_first_answer_and_together_only_once() -> None:
    both = (PartnerMark("Alex", True), PartnerMark("Sam", True))
    stamped = settle(post(1, 5), both, NOW)

    assert (stamped.first_answer_at, stamped.together_at) == (NOW, NOW)
    assert settle(stamped, both, NOW + timedelta(hours=1)) is stamped


def test_one_partner_alone_is_never_together_but_the_in_person_button_is() -> None:
    alone = (PartnerMark("Alex", True),)
    evening = post(1, 5)

    assert not together(evening, alone)
    assert together(replace(evening, in_person=True), ())


def test_the_status_carries_plain_values_of_the_post() -> None:
    exercise = replace(post(4, 8, "exercise"), done_at=NOW)

    state = state_of(exercise, (PartnerMark("Alex", False),), changed=False)

    assert (state.post_id, state.message_id, state.kind, state.entry_id) == (
        4,
        8,
        "exercise",
        "p-1",
    )
    assert state.done and not state.in_person and not state.together and not state.changed


def test_a_reply_to_an_evening_prompt_is_stale_once_the_next_evening_prompt_came() -> None:
    monday = post(1, 5, ago=24 * 60)
    chat = ChatRows([ALEX, SAM], [monday], newest_evening_at=NOW - timedelta(minutes=10))

    assert decide(seen(ALEX, 5), chat, Pending(set())).outcome is Outcome.STALE


def test_an_exercise_stays_answerable_through_that_evenings_prompt() -> None:
    exercise = post(1, 7, "exercise", ago=60)
    chat = ChatRows([ALEX, SAM], [exercise], newest_evening_at=NOW - timedelta(minutes=10))

    assert decide(seen(ALEX, 7), chat, Pending(set())).outcome is Outcome.RECORDED


def test_a_plain_message_the_bot_sees_only_as_a_mention_answers_nothing() -> None:
    chat = ChatRows([ALEX, SAM], [post(1, 5)])
    mention = replace(seen(ALEX, None), sees_all=False)

    assert decide(mention, chat, Pending(set())).outcome is Outcome.IGNORED
    assert decide(mention, replace(chat, bot_is_admin=True), Pending(set())).outcome is (
        Outcome.RECORDED
    )
