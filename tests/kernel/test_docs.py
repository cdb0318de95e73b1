"""The README's instructions match what the bot does."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.registry import MENU

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_gives_botfather_the_same_command_menu_the_bot_sets_itself() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("/setcommands", 1)[1].split("```", 2)[1]
    listed = re.findall(r"^\s*(\w+) - (.+)$", block, flags=re.MULTILINE)
    descriptions = yaml.safe_load((ROOT / "prompts/en/commands.yaml").read_text(encoding="utf-8"))

    assert listed == [(name, descriptions[name]) for name in MENU]
