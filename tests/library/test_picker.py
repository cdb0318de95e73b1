"""The prompt picker: no repeats within a cycle, category rotation, depth progression."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.library import (
    Category,
    Exercise,
    History,
    Kind,
    Library,
    Pick,
    Preferences,
    Prompt,
    depth_ceiling,
    load_library,
    pick,
    seed_for,
)
from bot.library.schema import Deck

SHIPPED = Path(__file__).resolve().parents[2] / "exercises.yaml"


def generated_library(size: int = 100) -> Library:
    """Prompts spread over every category, half light, three in ten personal, two in ten deep."""
    categories = list(Category)
    prompts = tuple(
        Prompt(
            id=f"gen-{i:03d}",
            category=categories[i % len(categories)],
            depth=1 if i % 10 < 5 else 2 if i % 10 < 8 else 3,
            text=f"Generated question number {i}?",
        )
        for i in range(size)
    )
    return Library(prompts=prompts)


@pytest.fixture(scope="module")
def library() -> Library:
    """The shipped library when it is there, otherwise a generated one of 100 prompts."""
    return load_library(SHIPPED) if SHIPPED.exists() else generated_library()


def tiny_library() -> Library:
    prompts = tuple(
        Prompt(id=f"{c}-{d}", category=c, depth=d, text=f"{c} at depth {d}?")
        for c in ("fun", "team", "values")
        for d in (1, 2, 3)
    )
    exercises = (
        Exercise(
            id="ex-fun",
            title="A fun exercise",
            category="fun",
            depth=1,
            minutes=10,
            steps=("One.", "Two."),
        ),
    )
    return Library(prompts=prompts, exercises=exercises)


def walk(
    library: Library,
    steps: int,
    *,
    answered: int = 10,
    prefs: Preferences | None = None,
    kinds: tuple[str, ...] = ("prompt",),
    chat: int = 7,
) -> list[Pick]:
    """Pick ``steps`` times, keeping the history the way the bot's caller does."""
    used: list[str] = []
    recent: list[str] = []
    picks: list[Pick] = []
    for number in range(steps):
        history = History(tuple(used), tuple(recent[:5]), answered)
        chosen = pick(library, history, prefs, seed=seed_for(chat, number), kinds=kinds)
        assert chosen is not None
        if chosen.new_cycle:
            used = []
        used.append(chosen.entry.id)
        recent.insert(0, chosen.entry.category)
        picks.append(chosen)
    return picks


# Every deck on and tender topics allowed: the whole library is eligible.
EVERYTHING = Preferences(decks=frozenset(Deck), tender=True)


def test_no_entry_repeats_until_every_one_was_used_then_a_new_cycle_starts(
    library: Library,
) -> None:
    size = len(library.prompts)

    picks = walk(library, size + 1, prefs=EVERYTHING)

    first_cycle = [p.entry.id for p in picks[:size]]
    assert sorted(first_cycle) == sorted(p.id for p in library.prompts)
    assert not any(p.new_cycle for p in picks[:size])
    assert picks[size].new_cycle
    assert picks[size].entry.id not in first_cycle[-10:]


def test_the_second_cycle_also_uses_every_entry_once(library: Library) -> None:
    size = len(library.prompts)

    picks = walk(library, 2 * size, chat=11, prefs=EVERYTHING)

    second_cycle = [p.entry.id for p in picks[size:]]
    assert sorted(second_cycle) == sorted(p.id for p in library.prompts)
    assert [i for i, p in enumerate(picks) if p.new_cycle] == [size]


def test_consecutive_picks_avoid_the_last_two_categories(library: Library) -> None:
    picks = walk(library, 60)

    categories = [p.entry.category for p in picks]
    for index in range(2, len(categories)):
        assert categories[index] not in categories[index - 2 : index]


def test_rotation_gives_way_when_only_recent_categories_are_left() -> None:
    library = tiny_library()
    history = History(used=(), recent_categories=("fun", "team"), answered_together=10)

    only_fun_and_team = Preferences(disabled_categories=frozenset({"values"}))
    chosen = pick(library, history, only_fun_and_team, seed=3)

    assert chosen is not None
    assert chosen.entry.category == "team"


@pytest.mark.parametrize(
    ("answered", "max_depth", "ceiling"),
    [(0, 3, 1), (2, 3, 1), (3, 3, 2), (7, 3, 2), (8, 3, 3), (200, 3, 3), (200, 2, 2), (5, 1, 1)],
)
def test_depth_grows_with_evenings_answered_together_up_to_the_chats_limit(
    answered: int, max_depth: int, ceiling: int
) -> None:
    assert depth_ceiling(answered, max_depth) == ceiling


def test_a_new_couple_gets_only_light_entries(library: Library) -> None:
    picks = walk(library, 40, answered=0)

    assert {p.entry.depth for p in picks} == {1}


def test_a_couple_answering_often_goes_deeper_but_still_gets_light_ones(library: Library) -> None:
    middle: Counter[int] = Counter()
    deep: Counter[int] = Counter()
    for chat in range(10):
        middle.update(p.entry.depth for p in walk(library, 30, answered=5, chat=chat))
        deep.update(p.entry.depth for p in walk(library, 30, answered=12, chat=chat))

    assert set(middle) == {1, 2}
    assert middle[2] > middle[1] > 60
    assert set(deep) == {1, 2, 3}
    assert deep[2] > deep[1] > 60
    assert deep[3] > 60


def test_depth_bands_follow_the_documented_weights(library: Library) -> None:
    history = History(answered_together=10)
    depths = Counter(
        chosen.entry.depth
        for seed in range(3000)
        if (chosen := pick(library, history, seed=seed)) is not None
    )

    shares = {depth: depths[depth] / 3000 for depth in (1, 2, 3)}
    assert shares == pytest.approx({1: 0.3, 2: 0.4, 3: 0.3}, abs=0.04)


def test_never_deeper_than_the_chats_max_depth(library: Library) -> None:
    picks = walk(library, 60, answered=50, prefs=Preferences(max_depth=2))

    assert {p.entry.depth for p in picks} == {1, 2}


def test_disabled_categories_are_never_picked(library: Library) -> None:
    disabled = frozenset({"closeness", "values", "feelings"})

    picks = walk(library, 80, prefs=Preferences(disabled_categories=disabled))

    assert not {p.entry.category for p in picks} & disabled


def test_nothing_is_picked_only_when_nothing_is_eligible() -> None:
    library = tiny_library()
    everything_off = Preferences(disabled_categories=frozenset(Category))

    assert pick(library, History(), everything_off, seed=1) is None
    assert pick(Library(), History(), seed=1) is None
    assert pick(library, History(), Preferences(max_depth=0), seed=1) is None


def test_a_pool_without_light_entries_offers_its_lightest_depth() -> None:
    library = tiny_library()
    light_off = History(used=("fun-1", "team-1", "values-1"))
    new_couple = History(used=(), answered_together=0)

    chosen = pick(library, new_couple, seed=5, category="team")
    assert chosen is not None
    assert chosen.entry.id == "team-1"
    deep_only = Library(prompts=tuple(p for p in library.prompts if p.depth == 3))
    chosen = pick(deep_only, light_off, seed=5)
    assert chosen is not None
    assert chosen.entry.depth == 3


def test_a_category_narrows_the_pick(library: Library) -> None:
    for seed in range(30):
        chosen = pick(library, History(answered_together=10), seed=seed, category="fun")
        assert chosen is not None
        assert chosen.entry.category == "fun"


def test_an_asked_for_category_wins_over_it_being_disabled() -> None:
    prefs = Preferences(disabled_categories=frozenset({"fun"}))

    chosen = pick(tiny_library(), History(), prefs, seed=2, category=Category.FUN)

    assert chosen is not None
    assert chosen.entry.category == "fun"


def test_a_used_up_category_reuses_the_entry_used_longest_ago() -> None:
    history = History(used=("team-2", "fun-1", "team-1", "fun-2", "team-3"), answered_together=10)

    chosen = pick(tiny_library(), history, seed=9, category="team")

    assert chosen == Pick(
        entry=tiny_library().get("team-2"),  # type: ignore[arg-type]
        new_cycle=False,
        reused=True,
    )


def test_kinds_select_prompts_exercises_or_both() -> None:
    library = tiny_library()
    every_prompt_used = History(used=tuple(p.id for p in library.prompts), answered_together=10)

    exercise = pick(library, History(), seed=1, kinds=("exercise",))
    both = pick(library, every_prompt_used, seed=1, kinds=(Kind.PROMPT, Kind.EXERCISE))

    assert exercise is not None
    assert exercise.entry.id == "ex-fun"
    assert both is not None
    assert both.entry.id == "ex-fun"
    assert not both.new_cycle
    with pytest.raises(ValueError, match="pick_activities"):
        pick(library, History(), seed=1, kinds=("activity",))


def test_the_same_seed_gives_the_same_sequence() -> None:
    library = tiny_library()

    picks = walk(library, 10, chat=42)

    assert [p.entry.id for p in picks] == [p.entry.id for p in walk(library, 10, chat=42)]
    assert [p.entry.id for p in picks] == [
        "values-2",
        "fun-2",
        "team-2",
        "values-3",
        "fun-1",
        "team-3",
        "values-1",
        "fun-3",
        "team-1",
        "values-2",
    ]
    assert [p.new_cycle for p in picks] == [False] * 9 + [True]


def test_the_order_of_the_file_does_not_change_the_pick(library: Library) -> None:
    reversed_library = Library(prompts=library.prompts[::-1])

    assert [p.entry.id for p in walk(library, 20)] == [
        p.entry.id for p in walk(reversed_library, 20)
    ]


def test_seeds_are_stable_and_differ_between_chats_and_picks() -> None:
    assert seed_for(1, 0) == seed_for(1, 0)
    assert len({seed_for(chat, n) for chat in range(-5, 5) for n in range(20)}) == 200
