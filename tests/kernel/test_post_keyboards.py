"""The buttons under prompts follow the prompt's mode; the follow-up is not part of the prompt."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup

from bot.kernel.telegram.posts import (
    evening_keyboard,
    exercise_evening_keyboard,
    on_demand_keyboard,
    step_keyboard,
    step_of,
)
from bot.library.render import entry_text, follow_up_text
from bot.library.schema import Mode, Prompt
from tests.conftest import ROOT, shipped_content
from tests.small_library import PROMPT

TEXTS = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml").texts


def data(markup: InlineKeyboardMarkup) -> list[str]:
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


@pytest.mark.parametrize(
    ("mode", "evening", "on_demand"),
    [
        (None, ["inperson"], ["ex:another", "ex:done"]),
        (Mode.WRITE, ["inperson"], ["ex:another", "ex:done"]),
        (Mode.TALK, ["inperson"], ["ex:done", "ex:another"]),
        (Mode.DO, ["did"], ["ex:done", "ex:another"]),
    ],
)
def test_a_prompts_buttons_follow_its_mode(
    mode: Mode | None, evening: list[str], on_demand: list[str]
) -> None:
    assert data(evening_keyboard(TEXTS, mode)) == evening
    assert data(on_demand_keyboard(TEXTS, mode)) == on_demand


def test_an_exercise_evening_walks_from_start_to_done() -> None:
    assert data(exercise_evening_keyboard(TEXTS)) == ["exev:step:1"]
    assert data(step_keyboard(TEXTS, 1, 3)) == ["exev:step:2"]
    assert data(step_keyboard(TEXTS, 3, 3)) == ["did"]


@pytest.mark.parametrize(
    ("text", "step"),
    [("exev:step:1", 1), ("exev:step:8", 8), ("exev:step:0", None), ("exev:step:10", None),
     ("exev:step:1 ", None), ("exev:step:x", None), ("did", None)],
)  # fmt: skip
def test_only_well_formed_step_data_names_a_step(text: str, step: int | None) -> None:
    assert step_of(text) == step


def test_the_follow_up_is_not_in_the_prompt_but_comes_separately() -> None:
    prompt = Prompt.model_validate({**PROMPT, "follow_up": "Did it help to say it?"})

    assert "Did it help" not in entry_text(TEXTS, prompt)
    assert "Did it help to say it?" in follow_up_text(TEXTS, prompt)
    assert follow_up_text(TEXTS, Prompt.model_validate(PROMPT)) == ""
