"""A couple on a small library of their own, so what the choices let through is plain to see."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import RunningBot, StartBot
from tests.couple_evening import couple

__all__ = ["couple"]

LIBRARY = """\
prompts:
  - id: light-fun
    category: fun
    depth: 1
    text: "A light question about play?"
  - id: light-team
    category: team
    depth: 1
    text: "A light question about teamwork?"
  - id: deep-values
    category: values
    depth: 3
    text: "A deep question about values?"
  - id: money-deck
    category: values
    depth: 1
    deck: money
    text: "A question from the money deck?"
  - id: tender-exes
    category: feelings
    depth: 1
    sensitive: true
    text: "A tender question about the past?"
activities:
  - id: near-picnic
    title: "An indoor picnic"
    invitation: "Fancy an indoor picnic?"
    description: "Spread a blanket on the floor and eat there."
    minutes: 60
    cost: free
    place: home
    energy: calm
  - id: near-walk
    title: "A walk"
    invitation: "Fancy a walk?"
    description: "Walk around the block together."
    minutes: 30
    cost: free
    place: out
    energy: active
  - id: far-film
    title: "A film night"
    invitation: "Fancy a film night?"
    description: "Pick a film and watch it together."
    apart: "Start it at the same second on a call and watch together."
    minutes: 120
    cost: free
    place: home
    energy: calm
"""


@pytest.fixture
def library_file(tmp_path: Path) -> Path:
    path = tmp_path / "exercises.yaml"
    path.write_text(LIBRARY, encoding="utf-8")
    return path


@pytest.fixture
async def bot(start_bot: StartBot, library_file: Path) -> RunningBot:
    return await start_bot(tick_seconds=3600, rate_limit=False, exercises_file=library_file)
