"""A small exercises.yaml written for one test, so what the bot may pick is known exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PROMPT = {"id": "talk-about-today", "category": "daily-life", "depth": 1, "text": "How was today?"}
EXERCISE = {
    "id": "ex-listening-turns",
    "title": "Listening turns",
    "category": "feelings",
    "depth": 1,
    "minutes": 15,
    "turn_minutes": 3,
    "why": "Being heard without interruption is rare; this makes room for it.",
    "steps": [
        "Sit somewhere comfortable and put your phones away.",
        "One of you talks about the week while the other only listens.",
        "Swap, and listen the same way.",
    ],
}
ACTIVITY = {
    "id": "act-board-game",
    "title": "A board game night",
    "description": "Dust off a game you both like and play a round or two.",
    "minutes": 90,
    "cost": "free",
    "place": "home",
    "energy": "calm",
}


def write_library(
    folder: Path,
    *,
    prompts: list[dict[str, Any]] | None = None,
    exercises: list[dict[str, Any]] | None = None,
    activities: list[dict[str, Any]] | None = None,
) -> Path:
    """Write a valid library of these entries (one of each kind by default); return its path."""
    path = folder / "exercises.yaml"
    data = {
        "version": 1,
        "prompts": prompts if prompts is not None else [PROMPT],
        "exercises": exercises if exercises is not None else [EXERCISE],
        "activities": activities if activities is not None else [ACTIVITY],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
