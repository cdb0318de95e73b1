"""/nudges, /timezone me, /private, /recap and /exercises in Spanish, Portuguese and Russian."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.features.exercise.rules import EveningsChoice, find_category, parse_evenings
from bot.features.looking_back.rules import RecapChoice, parse_recap
from bot.features.private_answers.rules import parse_mode
from bot.features.settings.rules import clears, my_zone_argument, set_nudges
from bot.library.schema import Category
from bot.texts import Texts

TEXTS = Texts.load()


@dataclass
class Nudges:
    nudges_enabled: bool = True
    nudge_delay_minutes: int = 120


@pytest.mark.parametrize(
    ("typed", "outcome", "enabled", "delay"),
    [
        ("no", "off", False, 120),
        ("não", "off", False, 120),
        ("выкл", "off", False, 120),
        ("sí", "on", True, 120),
        ("вкл", "on", True, 120),
        ("90 мин", "on", True, 90),
        ("3 horas", "on", True, 180),
    ],
)
def test_nudges_read_on_off_and_delays_in_any_language(
    typed: str, outcome: str, enabled: bool, delay: int
) -> None:
    chat = Nudges()

    assert set_nudges(chat, typed) == outcome  # type: ignore[arg-type]
    assert (chat.nudges_enabled, chat.nudge_delay_minutes) == (enabled, delay)


@pytest.mark.parametrize(
    ("args", "rest"),
    [
        (["me", "Lisbon"], "Lisbon"),
        (["yo", "Madrid"], "Madrid"),
        (["eu", "São", "Paulo"], "São Paulo"),
        (["я", "Москва"], "Москва"),
        (["Я"], ""),
        (["Madrid"], None),
        ([], None),
    ],
)
def test_timezone_me_is_read_in_any_language(args: list[str], rest: str | None) -> None:
    assert my_zone_argument(args) == rest


@pytest.mark.parametrize(
    ("typed", "cleared"),
    [("off", True), ("borrar", True), ("limpar", True), ("сброс", True), ("нет", True)],
)
def test_an_own_zone_is_cleared_with_the_words_of_any_language(typed: str, cleared: bool) -> None:
    assert clears(typed) is cleared


@pytest.mark.parametrize(
    ("typed", "mode"),
    [
        ("sí", "on"),
        ("вкл", "on"),
        ("não", "off"),
        ("solo", "only"),
        ("só", "only"),
        ("только", "only"),
        ("quizás", None),
    ],
)
def test_private_modes_are_read_in_any_language(typed: str, mode: str | None) -> None:
    assert parse_mode(typed) == mode


@pytest.mark.parametrize(
    ("typed", "recap"),
    [
        ("domingo", RecapChoice(enabled=True, weekday=6)),
        ("вс", RecapChoice(enabled=True, weekday=6)),
        ("по воскресеньям", RecapChoice(enabled=True, weekday=6)),
        ("sábado", RecapChoice(enabled=True, weekday=5)),
        ("выкл", RecapChoice(enabled=False)),
        ("sí", RecapChoice(enabled=True)),
    ],
)
def test_the_recap_day_and_switch_are_read_in_any_language(typed: str, recap: RecapChoice) -> None:
    assert parse_recap(typed) == recap


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("miércoles", EveningsChoice(enabled=True, weekday=2)),
        ("quarta-feira", EveningsChoice(enabled=True, weekday=2)),
        ("среду", EveningsChoice(enabled=True, weekday=2)),
        ("não", EveningsChoice(enabled=False)),
    ],
)
def test_exercise_evenings_are_read_in_any_language(typed: str, choice: EveningsChoice) -> None:
    assert parse_evenings(typed) == choice


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("sueños", Category.DREAMS),
        ("sonhos", Category.DREAMS),
        ("мечты", Category.DREAMS),
        ("диверсия", None),
        ("diversão", Category.FUN),
        ("sentim", Category.FEELINGS),
        ("быт", Category.DAILY_LIFE),
    ],
)
def test_an_exercise_topic_is_found_in_any_language(typed: str, category: Category | None) -> None:
    assert find_category(typed, TEXTS) == category
