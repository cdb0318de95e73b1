"""`quality-time emulator` takes the same options as `python -m bot.emulator`; start-up hints."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main


def test_the_emulator_command_lists_bot_username_and_no_privacy_in_its_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])

    out = capsys.readouterr().out
    assert "--bot-username" in out and "--no-privacy" in out


def test_the_emulator_command_runs_with_another_username_and_privacy_off(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bot", "emulator", "--port", "0"]
    command += ["--bot-username", "CoupleTestBot", "--no-privacy"]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=10)

    out = "".join(lines)
    assert "bot: @CoupleTestBot (privacy mode off)" in out


def test_the_missing_token_hint_gives_the_demo_command_as_installed_by_the_quick_start(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "run: .venv/bin/quality-time demo" in result.stderr
