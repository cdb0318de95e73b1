"""The house's shape: each feature folder holds the same rooms, and every feature is fenced in."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "bot" / "features"
ROOMS = {"__init__", "handlers", "service", "queries", "rules", "view", "jobs"}


def features() -> list[Path]:
    return sorted(p for p in FEATURES.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def test_every_feature_folder_holds_only_the_houses_rooms() -> None:
    odd = {
        f"{folder.name}/{module.name}"
        for folder in features()
        for module in folder.iterdir()
        if module.name != "__pycache__" and module.stem not in ROOMS
    }

    assert odd == set()


def test_every_feature_has_a_service_and_is_in_the_independence_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    fenced = {
        module
        for contract in contracts
        if contract["type"] == "independence"
        for module in contract["modules"]
    }

    for folder in features():
        assert (folder / "service.py").exists(), folder.name
        assert f"bot.features.{folder.name}" in fenced, folder.name
