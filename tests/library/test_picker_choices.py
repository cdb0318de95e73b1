"""The couple's choices in the picker: depth words, decks, tender topics, and activities apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.library import Activity, History, Library, Preferences, Prompt, pick, pick_activities
from bot.library.picker import depth_setting, tender_allowed

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def prompts(*specs: tuple[str, str, int], **extra: object) -> tuple[Prompt, ...]:
    return tuple(
        Prompt(id=entry_id, category=category, depth=depth, text=f"{entry_id}?", **extra)  # type: ignore[arg-type]
        for entry_id, category, depth in specs
    )


EVERYDAY = prompts(("fun-one", "fun", 1), ("team-two", "team", 2), ("values-three", "values", 3))


def picked(library: Library, prefs: Preferences, *, answered: int = 0, times: int = 30) -> set[str]:
    """Every entry id a chat would see over ``times`` picks (its history kept as the bot does)."""
    seen: set[str] = set()
    used: list[str] = []
    for number in range(times):
        chosen = pick(
            library,
            History(used=tuple(used), answered_together=answered),
            prefs,
            seed=number,
            kinds=("prompt", "exercise"),
        )
        assert chosen is not None
        used = [] if chosen.new_cycle else used
        used.append(chosen.entry.id)
        seen.add(chosen.entry.id)
    return seen


def prefs_for(word: str, **kwargs: object) -> Preferences:
    max_depth, ramp = depth_setting(word)
    return Preferences(max_depth=max_depth, ramp=ramp, **kwargs)  # type: ignore[arg-type]


def test_light_never_offers_anything_deeper_than_depth_one_however_long_they_answered() -> None:
    assert picked(Library(prompts=EVERYDAY), prefs_for("light"), answered=50) == {"fun-one"}


def test_medium_offers_depth_two_from_the_first_evening_but_never_depth_three() -> None:
    assert picked(Library(prompts=EVERYDAY), prefs_for("medium")) == {"fun-one", "team-two"}


def test_deep_does_not_ramp_it_offers_every_depth_from_the_first_evening() -> None:
    assert picked(Library(prompts=EVERYDAY), prefs_for("deep")) == {
        "fun-one",
        "team-two",
        "values-three",
    }


def test_auto_starts_light_and_ramps_with_the_evenings_answered_together() -> None:
    library = Library(prompts=EVERYDAY)

    assert picked(library, prefs_for("auto")) == {"fun-one"}
    assert picked(library, prefs_for("auto"), answered=8) == {"fun-one", "team-two", "values-three"}


def test_an_unknown_stored_depth_word_counts_as_auto() -> None:
    assert depth_setting("bottomless") == depth_setting("auto") == (3, True)


def test_a_disabled_topic_never_comes() -> None:
    prefs = prefs_for("deep", disabled_categories=frozenset({"team"}))

    assert "team-two" not in picked(Library(prompts=EVERYDAY), prefs)


def test_deck_entries_come_only_from_decks_that_are_on() -> None:
    money = prompts(("money-talk", "values", 1), deck="money")
    parenting = prompts(("parent-talk", "team", 1), deck="parenting")
    library = Library(prompts=EVERYDAY + money + parenting)

    off = picked(library, prefs_for("light"))
    on = picked(library, prefs_for("light", decks=frozenset({"money"})))

    assert off == {"fun-one"}
    assert on == {"fun-one", "money-talk"}


def test_a_deck_entry_is_not_offered_even_for_an_explicit_topic_while_its_deck_is_off() -> None:
    library = Library(prompts=EVERYDAY + prompts(("money-talk", "values", 1), deck="money"))

    chosen = pick(library, History(), prefs_for("light"), seed=1, category="values")

    assert chosen is None


def test_sensitive_entries_come_only_when_tender_topics_may() -> None:
    tender = prompts(("exes-talk", "feelings", 1), sensitive=True)
    library = Library(prompts=EVERYDAY + tender)

    assert "exes-talk" not in picked(library, prefs_for("light"))
    assert "exes-talk" in picked(library, prefs_for("light", tender=True))


def test_tender_topics_wait_for_the_opt_in_and_the_end_of_the_first_two_weeks() -> None:
    assert not tender_allowed(False, START, START + timedelta(days=100))
    assert not tender_allowed(True, START, START + timedelta(days=13, hours=23))
    assert not tender_allowed(True, None, START)
    assert tender_allowed(True, START, START + timedelta(days=14))


def activity(activity_id: str, *, apart: str | None = None) -> Activity:
    return Activity(
        id=activity_id,
        title=f"Title {activity_id}",
        invitation="Fancy it?",
        description="Something to do.",
        apart=apart,
        minutes=30,
        cost="free",
        place="home",
        energy="calm",
    )


def test_a_couple_apart_is_offered_the_activities_that_can_be_done_apart_first() -> None:
    together = tuple(activity(f"near-{i}") for i in range(6))
    apart = tuple(activity(f"far-{i}", apart="On a video call.") for i in range(4))
    library = Library(activities=together + apart)

    for seed in range(10):
        chosen = pick_activities(library, count=3, prefer_apart=True, seed=seed)
        assert chosen.apart
        assert all(a.apart is not None for a in chosen.activities)


def test_with_too_few_apart_activities_they_lead_and_others_fill_the_offer() -> None:
    library = Library(
        activities=(activity("near-1"), activity("near-2"), activity("far-1", apart="By letter."))
    )

    chosen = pick_activities(library, count=3, prefer_apart=True, seed=3)

    assert chosen.activities[0].id == "far-1"
    assert len(chosen.activities) == 3


def test_without_distance_activities_are_offered_as_before() -> None:
    library = Library(activities=(activity("near-1"), activity("far-1", apart="By letter.")))

    chosen = pick_activities(library, count=2, seed=3)

    assert not chosen.apart
    assert {a.id for a in chosen.activities} == {"near-1", "far-1"}
