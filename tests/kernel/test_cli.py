"""The quality-time command: clean --help, and no database password on the screen."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.config import Settings
from bot.kernel.db.urls import shown_url

PASSWORD = "Sup3r-S3cret-Pw"
QUERY_PASSWORD = "Query-S3cret-Pw"
COMMANDS = ["run", "demo", "migrate", "validate", "emulator"]


@pytest.fixture
def clean_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No settings from the environment or a .env file; logging as it was afterwards."""
    fields = {name.upper() for name in Settings.model_fields}
    for key in list(os.environ):
        if key.upper() in fields:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        # main() configures logging for the whole process, as a real run would.
        root.handlers[:] = handlers
        root.setLevel(level)


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_help_lists_every_command_without_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])

    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "`" not in out
    assert all(command in out for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_explains_itself_in_its_help(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])

    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "`" not in out
    assert f"usage: quality-time {command}" in out
    # A description line between usage and options, not just the bare usage.
    assert len(out.split("\n\n")) >= 3


@pytest.mark.usefixtures("clean_process")
@pytest.mark.parametrize("command", ["migrate", "run"])
def test_an_unreachable_database_is_named_without_its_password(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = unused_port()
    url = f"postgresql://couple:{PASSWORD}@127.0.0.1:{port}/qt?password={QUERY_PASSWORD}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-TOKEN")

    code = main([command])

    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert code == 2
    assert f"postgresql://couple@127.0.0.1:{port}/qt" in shown
    assert PASSWORD not in shown
    assert QUERY_PASSWORD not in shown


def test_a_shown_url_keeps_server_and_database_but_no_secret() -> None:
    url = f"postgresql+asyncpg://couple:{PASSWORD}@db.example:5433/qt?password=x&ssl=require"

    assert shown_url(url) == "postgresql+asyncpg://couple@db.example:5433/qt"


def test_a_password_with_escaped_characters_is_dropped_too() -> None:
    assert shown_url("postgresql://couple:p%40ss%2Fw@db/qt") == "postgresql://couple@db/qt"


def test_a_url_without_secrets_is_shown_as_it_is() -> None:
    assert shown_url("sqlite+aiosqlite:///quality-time.db") == "sqlite+aiosqlite:///quality-time.db"


def test_a_url_sqlalchemy_cannot_read_shows_only_its_scheme() -> None:
    assert shown_url(f"postgresql://couple:{PASSWORD}@db:54:32/qt") == "postgresql://"
    assert shown_url(f"couple:{PASSWORD} db") == ""


@pytest.mark.postgres
@pytest.mark.usefixtures("clean_process")
def test_a_refused_database_login_gives_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL is not set")
    parts = make_url(server)
    url = parts.set(username="nobody_we_know", password=PASSWORD).render_as_string(
        hide_password=False
    )
    monkeypatch.setenv("DATABASE_URL", url)

    code = main(["migrate"])

    captured = capsys.readouterr()
    shown = (captured.out + captured.err).strip()
    assert code == 2
    assert len(shown.splitlines()) == 1
    assert "nobody_we_know" in shown and "Traceback" not in shown
    assert PASSWORD not in shown
