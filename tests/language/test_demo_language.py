"""`quality-time demo --language`: the couple's week in another language, or a kind no."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import StartupError
from bot.cli import main
from bot.demo import run_demo
from tests.language.conftest import marker

RU = marker("ru")


async def test_the_demo_in_russian_plays_to_the_end_in_russian(marked_prompts: Path) -> None:
    transcript = await run_demo("ru", prompts_dir=marked_prompts)

    lines = [line for line in transcript.splitlines() if line.strip()]
    # The transcript's own words, and what the bot says in the group and in private.
    assert lines[0].startswith(RU)
    assert any(line.strip().startswith(f"{RU} ──") for line in lines)  # each day's header
    assert any(f"Quality Time: {RU}" in line for line in lines)
    assert sum(RU in line for line in lines) > len(lines) / 2
    assert RU in lines[-1] and "11" in lines[-1]  # "11 days in ... s": to the end


async def test_the_demo_in_a_language_it_does_not_speak_lists_the_ones_it_does() -> None:
    with pytest.raises(StartupError) as refused:
        await run_demo("tlh")

    assert "tlh" in str(refused.value)
    assert "es (Español)" in str(refused.value) and "ru (Русский)" in str(refused.value)


def test_the_demo_command_refuses_an_unknown_language_with_a_friendly_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--language", "tlh"]) == 2
    assert "quality-time demo --language es" in capsys.readouterr().err
