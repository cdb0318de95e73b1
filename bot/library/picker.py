"""Choose a chat's next prompt or exercise: pure, deterministic given a seed.

Rules, in the order they apply:

1. **Pool.** Entries of the requested kinds, no deeper than the chat's ``max_depth``, outside
   its disabled categories. An explicit ``category`` (someone typed ``/exercise fun``) narrows
   the pool to that category and wins over the category being disabled: the person asked.
   Whatever was asked, an entry of an opt-in deck comes only when its deck is on
   (``Preferences.decks``), and a sensitive entry only when ``Preferences.tender`` (the couple
   opted in and their first two weeks are over: :func:`tender_allowed`).
2. **Depth.** With ``/depth auto`` (``Preferences.ramp``, the default) the couple starts light
   and goes deeper as they keep answering together. A depth they chose themselves (light,
   medium, deep) does not ramp: it is offered from the first evening, because they asked.
   ``History.answered_together`` counts the evenings in the last :data:`ANSWERED_WINDOW_DAYS`
   days on which *both* partners answered (a reply or "we talked in person"). A recent count
   rather than a lifetime one means a couple back after a long silence starts light again.
   Below 3 such evenings only depth 1 is offered; from 3, depth up to 2; from 8, up to 3
   (see :func:`depth_ceiling`). Lighter entries stay in the mix: a depth *band* is drawn with
   the weights in :data:`DEPTH_WEIGHTS`, then an entry within it. When the pool has nothing that
   light (a category holding only deep entries), the lightest depth it has is used instead.
3. **No repeats.** An entry is not picked again until every eligible entry was used in the
   current cycle. Then the pick says ``new_cycle=True``: the caller empties its used list before
   recording the pick. The last few entries of the old cycle are still avoided, so yesterday's
   prompt does not come straight back. With an explicit category whose entries were all used
   this cycle, the one used longest ago comes back (``reused=True``) and no new cycle starts.
4. **Rotation.** Without an explicit category, the categories of the last two picks are avoided
   when anything else is left (then only the last one, then none).

Candidates are sorted by id before drawing, so the result depends only on the inputs and the
seed, not on the order of the file.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.library.schema import DEPTHS, Category, Kind, Library, Talk

ANSWERED_WINDOW_DAYS = 28
# (evenings answered together in the window, deepest depth offered), checked top down.
DEPTH_STEPS: tuple[tuple[int, int], ...] = ((8, 3), (3, 2), (0, 1))
# Chance of each depth band, by the deepest depth offered.
DEPTH_WEIGHTS: dict[int, dict[int, float]] = {
    1: {1: 1.0},
    2: {1: 0.4, 2: 0.6},
    3: {1: 0.3, 2: 0.4, 3: 0.3},
}
ROTATE_CATEGORIES = 2
# At a new cycle, this many of the last used entries (at most half the pool) are held back.
HOLD_BACK = 10
# /depth: the deepest depth offered, and whether it is earned evening by evening (auto) or
# offered from the first evening (a depth the couple chose).
AUTO = "auto"
DEPTH_CHOICES: dict[str, tuple[int, bool]] = {
    AUTO: (3, True),
    "light": (1, False),
    "medium": (2, False),
    "deep": (3, False),
}
# Sensitive entries never come in a couple's first two weeks, even when they opted in.
TENDER_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class History:
    """What a chat has had: ``used`` oldest first, ``recent_categories`` newest first."""

    used: tuple[str, ...] = ()
    recent_categories: tuple[str, ...] = ()
    answered_together: int = 0


@dataclass(frozen=True)
class Preferences:
    """A chat's settings that limit what it is offered."""

    max_depth: int = 3
    disabled_categories: frozenset[str] = frozenset()
    # /depth auto: the ceiling grows with the evenings answered together (up to ``max_depth``).
    ramp: bool = True
    decks: frozenset[str] = frozenset()  # the opt-in decks turned on
    tender: bool = False  # sensitive entries may come (see tender_allowed)


@dataclass(frozen=True)
class Pick:
    """The chosen entry and what the caller must do with its used list."""

    entry: Talk
    new_cycle: bool = False  # empty the used list, then record this entry
    reused: bool = False  # an explicit category ran out; this entry was already used


def seed_for(chat_id: int, number: int) -> int:
    """A stable seed for a chat's ``number``-th pick (``hash()`` of a str is not stable)."""
    return zlib.crc32(f"{chat_id}:{number}".encode())


def depth_ceiling(answered_together: int, max_depth: int = 3) -> int:
    """The deepest depth offered to a couple with this many recent evenings answered together."""
    earned = next(depth for needed, depth in DEPTH_STEPS if answered_together >= needed)
    return max(min(earned, max_depth, max(DEPTHS)), min(DEPTHS))


def depth_setting(word: str) -> tuple[int, bool]:
    """A /depth word as (deepest depth offered, whether it ramps); anything unknown is auto."""
    return DEPTH_CHOICES.get(word, DEPTH_CHOICES[AUTO])


def tender_allowed(opted_in: bool, started_at: datetime | None, now: datetime) -> bool:
    """Whether sensitive entries may come: opted in, and the couple's first two weeks are over.

    ``started_at`` is when the chat began with the bot; unknown counts as just now.
    """
    return opted_in and started_at is not None and now - started_at >= TENDER_AFTER


def pick(
    library: Library,
    history: History,
    prefs: Preferences | None = None,
    *,
    seed: int,
    kinds: Iterable[Kind | str] = (Kind.PROMPT,),
    category: Category | str | None = None,
) -> Pick | None:
    """Choose the next entry; None only when nothing at all is eligible.

    ``seed`` should differ per chat and per pick, e.g. ``seed_for(chat_id, picks_so_far)``.
    An unknown ``category`` or the activity kind raises ``ValueError``.
    """
    prefs = prefs or Preferences()
    key = (_talk_kinds(kinds), prefs, category)
    pool = _pool(library, *key)
    if not pool:
        return None
    chosen = depth_ceiling(history.answered_together, prefs.max_depth) if prefs.ramp else None
    ceiling = max(
        chosen if chosen is not None else min(prefs.max_depth, max(DEPTHS)),
        library.memo(("floor", *key), lambda: min(e.depth for e in pool)),
    )
    # Like the pool, the entries up to a depth are the same for every chat with these choices.
    eligible: list[Talk] = library.memo(
        ("eligible", *key, ceiling), lambda: [e for e in pool if e.depth <= ceiling]
    )
    used = set(history.used)
    unused = [e for e in eligible if e.id not in used]
    rng = random.Random(seed)
    if unused:
        candidates = unused if category is not None else _rotate(unused, history)
        return Pick(_draw(candidates, ceiling, rng))
    if category is not None:
        return Pick(_used_longest_ago(eligible, history.used), reused=True)
    hold = min(HOLD_BACK, len(eligible) // 2)
    held = set(history.used[-hold:]) if hold else set()
    fresh = [e for e in eligible if e.id not in held]
    return Pick(_draw(_rotate(fresh, history), ceiling, rng), new_cycle=True)


def _talk_kinds(kinds: Iterable[Kind | str]) -> frozenset[Kind]:
    chosen = frozenset(Kind(k) for k in kinds)
    if Kind.ACTIVITY in chosen:
        raise ValueError("activities are chosen with pick_activities")
    return chosen


def _pool(
    library: Library, kinds: frozenset[Kind], prefs: Preferences, category: str | None
) -> list[Talk]:
    """The entries these choices allow, sorted by id; worked out once per library and choices
    (at a crowd's 10,000 picks, filtering the library each time was most of the planner's CPU)."""
    key = ("pool", kinds, prefs, category)
    return library.memo(key, lambda: _filtered(library, kinds, prefs, category))


def _filtered(
    library: Library, kinds: frozenset[Kind], prefs: Preferences, category: str | None
) -> list[Talk]:
    entries: list[Talk] = []
    if Kind.PROMPT in kinds:
        entries.extend(library.prompts)
    if Kind.EXERCISE in kinds:
        entries.extend(library.exercises)
    if category is not None:
        wanted = Category(category)
        entries = [e for e in entries if e.category == wanted]
    else:
        entries = [e for e in entries if e.category not in prefs.disabled_categories]
    return sorted((e for e in entries if allowed(e, prefs)), key=lambda e: e.id)


def allowed(entry: Talk, prefs: Preferences) -> bool:
    """Whether the chat's choices let this entry come at all (depth, deck, tender topics)."""
    if entry.depth > prefs.max_depth:
        return False
    if entry.deck is not None and entry.deck not in prefs.decks:
        return False
    return prefs.tender or not entry.sensitive


def _rotate(entries: Sequence[Talk], history: History) -> Sequence[Talk]:
    for size in range(ROTATE_CATEGORIES, 0, -1):
        avoid = set(history.recent_categories[:size])
        kept = [e for e in entries if e.category not in avoid]
        if kept:
            return kept
    return entries


def _draw(candidates: Sequence[Talk], ceiling: int, rng: random.Random) -> Talk:
    depths = sorted({e.depth for e in candidates})
    weights = DEPTH_WEIGHTS[ceiling]
    depth = rng.choices(depths, weights=[weights.get(d, 1.0) for d in depths])[0]
    return rng.choice([e for e in candidates if e.depth == depth])


def _used_longest_ago(entries: Sequence[Talk], used: Sequence[str]) -> Talk:
    last_use = {entry_id: index for index, entry_id in enumerate(used)}
    return min(entries, key=lambda e: (last_use.get(e.id, -1), e.id))
