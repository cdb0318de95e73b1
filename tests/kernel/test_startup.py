"""Starting up: clear words for a missing token or a broken file, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import StartupError, build_services, load_texts
from bot.emulator import Emulator
from bot.library import check_library
from bot.texts import Texts, check_references
from tests.conftest import ROOT, Couple, RunningBot, StartBot, make_settings


def shipped_prompt_count() -> int:
    """How many prompts the shipped library holds (it grows, so tests never hard-code it)."""
    library, errors = check_library(ROOT / "exercises.yaml", Texts.load(ROOT / "prompts"))
    assert library is not None, errors
    return len(library.prompts)


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_template_the_code_uses_exists_with_the_placeholders_it_passes() -> None:
    assert check_references(Texts.load(ROOT / "prompts")) == []


def test_a_template_missing_from_the_files_stops_start_up(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    help_file = tmp_path / "prompts" / "en" / "onboarding.yaml"
    help_file.write_text(help_file.read_text().replace("help:", "help_renamed:", 1))
    settings = make_settings(
        "sqlite+aiosqlite://", "http://127.0.0.1:1", prompts_dir=tmp_path / "prompts"
    )

    with pytest.raises(StartupError, match=r"onboarding\.help"):
        load_texts(settings)


def test_a_broken_library_stops_start_up_with_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "exercises.yaml"
    text = (ROOT / "exercises.yaml").read_text()
    broken.write_text(text.replace("    depth: 2\n", "    depth: 4\n", 1))
    settings = make_settings("sqlite+aiosqlite://", "http://127.0.0.1:1", exercises_file=broken)

    with pytest.raises(StartupError, match=r"exercises\.yaml:\d+:\d+: prompt '[a-z-]+': depth"):
        build_services(settings)


def test_running_without_a_token_explains_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")

    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_bad_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, BOT_TOKEN="1:x", DEFAULT_TIMEZONE="Mars/Olympus")

    assert result.returncode == 2
    assert "DEFAULT_TIMEZONE" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_brings_a_new_database_up_to_date(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'q.db'}")

    assert result.returncode == 0, result.stderr
    assert "Database is up to date" in result.stdout
    assert (tmp_path / "q.db").exists()


def test_validate_passes_on_the_shipped_library_and_fails_on_a_broken_one(tmp_path: Path) -> None:
    good = run_cli("validate", cwd=ROOT)
    broken = tmp_path / "exercises.yaml"
    broken.write_text("prompts:\n  - id: x\n    depth: nine\n")
    bad = run_cli("validate", str(broken), cwd=ROOT)

    assert good.returncode == 0
    assert f"{shipped_prompt_count()} prompts" in good.stdout
    assert bad.returncode == 1
    assert "exercises.yaml:2:" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_the_operator_reloads_the_library_and_a_broken_file_keeps_the_old_one(
    emulator: Emulator, start_bot: StartBot, tmp_path: Path
) -> None:
    library = tmp_path / "exercises.yaml"
    shutil.copy(ROOT / "exercises.yaml", library)
    robin, alex = emulator.create_user("Robin"), emulator.create_user("Alex")
    bot = await start_bot(exercises_file=library, operator_ids=[robin.id])
    chat = emulator.create_group("Us", [robin, alex], added_by=robin)
    await emulator.settle()

    library.write_text("prompts: []\nexercises: [1]\n")
    broken = await bot.ask(chat, robin, "/reload")
    library.write_text(
        (ROOT / "exercises.yaml")
        .read_text()
        .replace("  - id: app-laugh-trigger", "  - id: app-laugh-trigger-2", 1)
    )
    fixed = await bot.ask(chat, robin, "/reload")

    assert "kept the previous one" in broken
    assert f"prompts: {shipped_prompt_count()}" in fixed
    assert bot.services.library.current.get("app-laugh-trigger-2") is not None


async def test_someone_else_cannot_reload(bot: RunningBot, couple: Couple) -> None:
    mark = bot.emulator.mark()
    bot.emulator.send_command(couple.chat, couple.alex, "/reload")
    answer = await bot.emulator.wait_for_message(couple.chat.id, since=mark)

    assert answer.text is not None and "Only the person running this bot" in answer.text
