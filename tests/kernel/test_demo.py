"""`quality-time demo`: a couple's week against the emulator, printed as a transcript."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.demo import run_demo
from bot.texts import Texts
from tests.conftest import ROOT


def flat(text: str) -> str:
    """The transcript wraps long lines; compare words, not line breaks."""
    return " ".join(text.split())


async def test_the_demo_plays_every_step_of_the_week_in_order() -> None:
    lines = Texts.load(ROOT / "prompts")

    transcript = flat(await run_demo())

    steps = [
        "── Mon 23 Nov, Lisbon ──",
        "Robin creates the group “Robin & Sam” and adds Quality Time",
        "Quality Time: Hello, you two!",
        "Robin: /time 19:00",
        "evening prompts now come at 19:00",
        "Sam: /timezone Lisbon",
        "your time zone is now Europe/Lisbon",
        f"Robin ↩ {lines.render('demo.lines.monday_first')}",
        "(edited): Robin ✓ · Sam …",
        f"Sam ↩ {lines.render('demo.lines.monday_second')}",
        "(edited): Robin ✓ · Sam ✓",
        "── Tue 24 Nov, Lisbon ──",
        f"19:18 Sam ↩ {lines.render('demo.lines.tuesday_second')}",
        "21:20 Quality Time: Robin, there's room for your answer",
        f"Robin ↩ {lines.render('demo.lines.tuesday_first')}",
        "── Wed 25 Nov, Lisbon ──",
        "Do this together, then tap “Done”.",
        "Robin taps “Done ✓”",
        "(edited): ✓ Done together.",
        "(no answer tonight)",
        "── Sun 29 Nov, Lisbon ──",
        "tonight's ideas come with the weekly recap",
        "19:01 Quality Time: [🖼 a calendar of your evenings] 🌙 Your week together",
        "Evenings you both answered: 3",
        "🟩 answered together: 2 · 🟦 talked in person: 1",
        "For tonight",
        "[ Not now ]",
        "Sam taps “2.",
        "Quality Time: You picked: A few words of sign language. Enjoy it together!",
        "(no question tonight: the evening is left free for the activity)",
        "── Wed 2 Dec, Lisbon ──",
        "19:00 Quality Time: A few days ago you picked: A few words of sign language.",
        "Robin taps “We did it ✓”",
        "that's quality time, and it counts.",
        "Sam: /stats",
        "Quality Time: [🖼 a calendar of your evenings] Looking back 💛",
        "Activities done together: 1",
        "🔲 days off: 3",
        "── Thu 3 Dec, Lisbon ──",
        "[ Answer privately 🔒 ]",
        "Sam taps “Answer privately 🔒”",
        "Robin won't see your answer until they've answered too.",
        f"Sam, privately to Quality Time: {lines.render('demo.lines.private_second')}",
        "Saved — hidden until Robin answers.",
        "(edited): Robin … · Sam ✓🔒",
        "Robin taps “Answer privately 🔒”",
        "Quality Time: 🔓 You both answered — here's what you said (Sam first, then Robin).",
        f"Quality Time: {lines.render('demo.lines.private_second')}",
        f"Quality Time: {lines.render('demo.lines.private_first')}",
        "(edited): Robin ✓🔒 · Sam ✓🔒",
        "11 days in",
    ]
    position = 0
    for step in steps:
        found = transcript.find(flat(step), position)
        assert found >= 0, f"{step!r} missing after position {position}"
        position = found
    assert transcript.count("(no answer tonight)") == 3
    assert transcript.count("room for your answer") == 1
    assert "<b>" not in transcript
    assert "It's been a quiet few evenings" not in transcript  # the recap carried the offer
    assert transcript.count("You picked: A few words of sign language.") == 1  # no echo pop-up


def test_quality_time_demo_runs_without_a_token_an_env_file_or_the_network(
    tmp_path: Path,
) -> None:
    # A bare environment in an empty folder: nothing configured, as on a fresh machine.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "SYSTEMROOT") if key in os.environ}
    env["PYTHONPATH"] = str(ROOT)

    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Your week together" in done.stdout
    assert "Looking back" in done.stdout
    assert not (tmp_path / "quality-time.db").exists()
