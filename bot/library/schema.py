"""The shape of ``exercises.yaml``: prompts, guided exercises and joint activities.

The models are strict about what a content writer can get wrong (types, enum values, lengths,
ids) and forbid unknown fields, so a typo fails ``quality-time validate`` instead of silently
dropping a field. Error messages are not produced here: the loader maps pydantic's error types
to the templates in ``prompts/en/validator.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, ClassVar, NamedTuple, TypeVar, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator
from pydantic_core import PydanticCustomError

from bot.texts import Texts


class Kind(StrEnum):
    PROMPT = "prompt"
    EXERCISE = "exercise"
    ACTIVITY = "activity"


class Category(StrEnum):
    APPRECIATION = "appreciation"
    MEMORIES = "memories"
    DREAMS = "dreams"
    DAILY_LIFE = "daily-life"
    FEELINGS = "feelings"
    FUN = "fun"
    VALUES = "values"
    CLOSENESS = "closeness"
    TEAM = "team"


class Deck(StrEnum):
    """Opt-in decks: off until a couple turns them on with /decks. No deck = the everyday library."""

    INTIMACY = "intimacy"
    PARENTING = "parenting"
    FAMILY = "family"
    FAITH = "faith"
    HEALTH = "health"
    MONEY = "money"


class Mode(StrEnum):
    TALK = "talk"
    WRITE = "write"
    DO = "do"


class Cost(StrEnum):
    """How much an activity costs; declared cheapest first, so the order is meaningful."""

    FREE = "free"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Place(StrEnum):
    HOME = "home"
    OUT = "out"
    EITHER = "either"


class Energy(StrEnum):
    CALM = "calm"
    ACTIVE = "active"


class Season(StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"
    WINTER = "winter"


DEPTHS = (1, 2, 3)
MAX_ACTIVITY_MINUTES = 7 * 24 * 60
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,23}$"


class MinuteRange(NamedTuple):
    """How long an activity takes; a single number is stored as ``(n, n)``."""

    low: int
    high: int


def _parse_minutes(value: object) -> MinuteRange:
    if isinstance(value, int) and not isinstance(value, bool):
        low = high = value
    elif (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        low, high = value
    else:
        raise PydanticCustomError("qt_minutes", "minutes must be an integer or [min, max]")
    if not (1 <= low <= MAX_ACTIVITY_MINUTES and 1 <= high <= MAX_ACTIVITY_MINUTES):
        raise PydanticCustomError(
            "qt_minutes_bounds", "minutes out of range", {"low": 1, "high": MAX_ACTIVITY_MINUTES}
        )
    if low > high:
        raise PydanticCustomError("qt_minutes_order", "min > max", {"low": low, "high": high})
    return MinuteRange(low, high)


T = TypeVar("T")


def _unique(items: tuple[T, ...]) -> tuple[T, ...]:
    seen: set[T] = set()
    for item in items:
        if item in seen:
            raise PydanticCustomError("qt_duplicate_item", "repeated item", {"item": str(item)})
        seen.add(item)
    return items


def _text(limit: int) -> Any:
    return Field(strict=True, max_length=limit)


Slug = Annotated[str, Field(strict=True, pattern=ID_PATTERN)]
Depth = Annotated[int, Field(strict=True, ge=1, le=3)]
Tag = Annotated[str, Field(strict=True, pattern=TAG_PATTERN)]
Step = Annotated[str, _text(220)]
Minutes = Annotated[MinuteRange, PlainValidator(_parse_minutes)]


class _Entry(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, str_min_length=1
    )
    kind: ClassVar[Kind]

    id: Slug


class _Talk(_Entry):
    """What prompts and exercises share: where they belong and how charged they are."""

    category: Category
    depth: Depth
    # An opt-in deck (None = the everyday library).
    deck: Deck | None = None
    # Charged ground (exes, money conflict, desire, family of origin, loss, an unfair share):
    # never before the couple opts in, never in their first two weeks.
    sensitive: Annotated[bool, Field(strict=True)] = False


class Prompt(_Talk):
    """One question or invitation for both partners."""

    kind: ClassVar[Kind] = Kind.PROMPT

    mode: Mode | None = None
    text: Annotated[str, _text(200)]
    follow_up: Annotated[str, _text(140)] | None = None


class Exercise(_Talk):
    """A guided communication exercise in ordered steps."""

    kind: ClassVar[Kind] = Kind.EXERCISE

    title: Annotated[str, _text(60)]
    minutes: Annotated[int, Field(strict=True, ge=3, le=120)]
    why: Annotated[str, _text(200)] | None = None
    steps: Annotated[tuple[Step, ...], Field(min_length=2, max_length=8)]
    # Timed turns: each partner speaks this many minutes while the other listens.
    turn_minutes: Annotated[int, Field(strict=True, ge=1, le=30)] | None = None
    # A series spread over several evenings (e.g. the 36 questions): its name and this part.
    series: Slug | None = None
    part: Annotated[int, Field(strict=True, ge=1, le=10)] | None = None


class Activity(_Entry):
    """A joint activity, suggested when the chat has gone quiet."""

    kind: ClassVar[Kind] = Kind.ACTIVITY

    title: Annotated[str, _text(60)]  # a noun phrase: "A swim together", "Stargazing"
    # A whole sentence offering it: "Fancy a swim together?" (templates never build one).
    invitation: Annotated[str, _text(140)]
    description: Annotated[str, _text(280)]
    # How to do it apart (a video call, a watch party, letters): preferred with /distance on.
    apart: Annotated[str, _text(280)] | None = None
    minutes: Minutes
    cost: Cost
    place: Place
    energy: Energy
    season: Annotated[tuple[Season, ...], Field(min_length=1), AfterValidator(_unique)] | None = (
        None
    )
    tags: Annotated[tuple[Tag, ...], Field(max_length=5), AfterValidator(_unique)] = ()


Talk = Prompt | Exercise


def mode_of(entry: Talk) -> Mode | None:
    """How a prompt asks to be answered; a guided exercise has no mode."""
    return entry.mode if isinstance(entry, Prompt) else None


def done_together(entry: Talk) -> bool:
    """Whether the entry is done rather than talked about: a ``do`` prompt, a guided exercise.
    It is closed with "Done", and has nothing to answer privately."""
    return isinstance(entry, Exercise) or entry.mode == Mode.DO


Entry = Prompt | Exercise | Activity
MODELS: dict[Kind, type[Prompt] | type[Exercise] | type[Activity]] = {
    Kind.PROMPT: Prompt,
    Kind.EXERCISE: Exercise,
    Kind.ACTIVITY: Activity,
}

# Values a field may take, in the order the error message lists them.
CHOICES: dict[str, tuple[str, ...]] = {
    "category": tuple(Category),
    "depth": tuple(str(d) for d in DEPTHS),
    "mode": tuple(Mode),
    "deck": tuple(Deck),
    "cost": tuple(Cost),
    "place": tuple(Place),
    "energy": tuple(Energy),
    "season": tuple(Season),
}


@dataclass(frozen=True)
class Library:
    """A validated exercise library, in file order."""

    prompts: tuple[Prompt, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    activities: tuple[Activity, ...] = ()
    _index: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _memo: dict[Hashable, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {e.id: e for e in (*self.prompts, *self.exercises, *self.activities)}
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_memo", {})

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from this library alone, built once per ``key``.

        A library never changes once loaded (a reload makes a new one), so whatever is worked
        out from it, such as the candidates for one set of a couple's choices, can be kept.
        The keys are few (a few hundred at most: kinds x choices), so nothing is ever evicted.
        """
        if key not in self._memo:
            self._memo[key] = build()
        return cast(T, self._memo[key])

    def get(self, entry_id: str) -> Entry | None:
        """Find an entry of any kind by its id."""
        return self._index.get(entry_id)

    def __contains__(self, entry_id: object) -> bool:
        return isinstance(entry_id, str) and self.get(entry_id) is not None

    def entries(self, kind: Kind | str) -> Sequence[Entry]:
        """All entries of one kind."""
        match Kind(kind):
            case Kind.PROMPT:
                return self.prompts
            case Kind.EXERCISE:
                return self.exercises
            case Kind.ACTIVITY:
                return self.activities

    def categories(self) -> tuple[Category, ...]:
        """Categories with at least one prompt or exercise, in their canonical order."""
        talk: tuple[Talk, ...] = (*self.prompts, *self.exercises)
        present = {e.category for e in talk}
        return tuple(c for c in Category if c in present)

    def counts(self) -> dict[Kind, int]:
        """How many entries of each kind."""
        return {kind: len(self.entries(kind)) for kind in Kind}


def category_name(texts: Texts, category: Category | str) -> str:
    """The display name of a category, e.g. "Dreams & future"."""
    return texts.render(f"library.categories.{Category(category).value}")
