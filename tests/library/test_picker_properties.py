"""Properties of the prompt picker over random histories and preferences."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library import Category, Exercise, History, Library, Preferences, Prompt, pick
from bot.library.picker import depth_ceiling


def _library() -> Library:
    categories = list(Category)
    prompts = tuple(
        Prompt(id=f"p-{i:02d}", category=categories[i % 9], depth=1 + i % 3, text=f"Q {i}?")
        for i in range(40)
    )
    exercises = tuple(
        Exercise(
            id=f"e-{i:02d}",
            title=f"Exercise {i}",
            category=categories[(i * 4) % 9],
            depth=1 + (i * 2) % 3,
            minutes=10,
            steps=("One.", "Two."),
        )
        for i in range(8)
    )
    return Library(prompts=prompts, exercises=exercises)


LIBRARY = _library()
IDS = [e.id for e in (*LIBRARY.prompts, *LIBRARY.exercises)]
CATEGORY_IDS = [c.value for c in Category]


histories = st.builds(
    History,
    used=st.lists(st.sampled_from([*IDS, "gone-entry"]), max_size=60).map(tuple),
    recent_categories=st.lists(st.sampled_from(CATEGORY_IDS), max_size=4).map(tuple),
    answered_together=st.integers(min_value=0, max_value=30),
)
preferences = st.builds(
    Preferences,
    max_depth=st.integers(min_value=0, max_value=4),
    disabled_categories=st.frozensets(st.sampled_from(CATEGORY_IDS)),
)
kinds = st.sampled_from([("prompt",), ("exercise",), ("prompt", "exercise")])
categories = st.none() | st.sampled_from(CATEGORY_IDS)


def _eligible(
    prefs: Preferences, kinds: tuple[str, ...], category: str | None, answered: int
) -> list[Prompt | Exercise]:
    """The rule as documented, written out independently of the picker."""
    pool = [
        e
        for e in (*LIBRARY.prompts, *LIBRARY.exercises)
        if e.kind.value in kinds
        and e.depth <= prefs.max_depth
        and (e.category == category if category else e.category not in prefs.disabled_categories)
    ]
    if not pool:
        return []
    ceiling = max(depth_ceiling(answered, prefs.max_depth), min(e.depth for e in pool))
    return [e for e in pool if e.depth <= ceiling]


@settings(max_examples=400, deadline=None)
@given(histories, preferences, kinds, categories, st.integers())
def test_a_pick_is_eligible_and_unused_while_unused_entries_remain(
    history: History,
    prefs: Preferences,
    kinds: tuple[str, ...],
    category: str | None,
    seed: int,
) -> None:
    eligible = _eligible(prefs, kinds, category, history.answered_together)

    chosen = pick(LIBRARY, history, prefs, seed=seed, kinds=kinds, category=category)

    if not eligible:
        assert chosen is None
        return
    assert chosen is not None
    assert chosen.entry in eligible
    unused = [e for e in eligible if e.id not in history.used]
    if unused:
        assert chosen.entry in unused
        assert not chosen.new_cycle
        assert not chosen.reused
    else:
        assert chosen.new_cycle == (category is None)
        assert chosen.reused == (category is not None)


@settings(max_examples=200, deadline=None)
@given(histories, preferences, kinds, categories, st.integers())
def test_the_same_inputs_always_give_the_same_pick(
    history: History,
    prefs: Preferences,
    kinds: tuple[str, ...],
    category: str | None,
    seed: int,
) -> None:
    first = pick(LIBRARY, history, prefs, seed=seed, kinds=kinds, category=category)
    again = pick(LIBRARY, history, prefs, seed=seed, kinds=kinds, category=category)

    assert first == again
