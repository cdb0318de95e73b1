"""LOG_FORMAT=json: one JSON object a line, ids as fields, never the token or partners' words."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.logs import setup_logging
from tests.conftest import TOKEN, Couple, RunningBot
from tests.couple_evening import SECRET, bot, couple, evening, reply

__all__ = ["bot", "couple"]


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The bot's own logging set-up in JSON at DEBUG, into a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    setup_logging("DEBUG", TOKEN, fmt="json", stream=buffer)
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


async def test_json_logs_carry_ids_as_fields_and_never_the_token_or_what_partners_wrote(
    json_logs: io.StringIO, bot: RunningBot, couple: Couple
) -> None:
    prompt = await evening(bot)
    assert prompt is not None
    await reply(bot, couple, "alex", prompt)
    # A failing handler logs its traceback; a careless line names the token.
    bot.emulator.faults.fail("sendMessage", status=500, times=1)
    bot.emulator.send_command(couple.chat, couple.sam, f"/help {SECRET}")
    await bot.emulator.settle()
    logging.getLogger("bot.test").warning("calling https://example.org/bot%s/getMe", TOKEN)

    output = json_logs.getvalue()
    records = lines(json_logs)
    assert records and all({"time", "level", "logger", "message"} <= r.keys() for r in records)
    failed = [r for r in records if r["logger"] == "bot.kernel.telegram.errors"]
    assert failed and failed[0]["level"] == "ERROR" and failed[0]["error"] == "NetworkError"
    assert failed[0]["chat_id"] == couple.chat.id and isinstance(failed[0]["update_id"], int)
    assert "Traceback" in str(failed[0]["traceback"])
    assert any(r["message"] == "calling https://example.org/bot[token]/getMe" for r in records)
    assert TOKEN not in output
    assert SECRET not in output


def test_the_log_format_is_text_unless_json_is_asked_for() -> None:
    assert Settings(_env_file=None).log_format == "text"  # type: ignore[call-arg]
    assert Settings(_env_file=None, log_format=" JSON ").log_format == "json"  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None, log_format="yaml")  # type: ignore[call-arg]
