"""Whatever a hostile member or a stranger's POST throws at the running bot, nothing breaks.

Random callback data on the bot's messages, random arguments (any Unicode, up to 4,096
characters) to the couple's commands from a guest, and random webhook bodies: no traceback in
the logs, no 5xx, and no row changed by any of these refused actions.
"""

from __future__ import annotations

import json
import logging

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from telegram import CallbackQuery, Chat, Message, User

from bot.registry import MENU
from tests.conftest import RunningBot, StartBot

SECRET = "s3cret-for-tests"
# Commands that change the couple's data when a partner or an admin sends them: from a guest
# each must be refused.
GUARDED = (
    "time",
    "timezone",
    "days",
    "pause",
    "resume",
    "skip",
    "nudges",
    "recap",
    "exercises",
    "forget",
    "language",
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
# Objects with some of the fields Telegram's objects have, filled with anything.
telegram_ish = st.dictionaries(
    st.sampled_from(
        [
            "chat",
            "from",
            "date",
            "message_id",
            "text",
            "id",
            "type",
            "data",
            "message",
            "new_chat_member",
            "old_chat_member",
            "reply_to_message",
            "chat_instance",
        ]
    ),
    json_values,
    max_size=6,
)
update_like = st.fixed_dictionaries(
    {"update_id": st.integers()},
    optional={
        "message": telegram_ish,
        "callback_query": telegram_ish,
        "my_chat_member": telegram_ish,
        "edited_message": telegram_ish,
    },
)


class Stage:
    """A couple's group with a guest, the bot on a webhook."""

    def __init__(self, bot: RunningBot, chat: Chat, alex: User, guest: User, greeting: Message):
        self.bot, self.chat, self.alex, self.guest, self.greeting = bot, chat, alex, guest, greeting

    async def rows(self) -> list[str]:
        """Every row of every table, as text."""
        async with self.bot.services.transaction() as session:
            tables = [
                r[0]
                for r in await session.execute(
                    text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
                )
            ]
            dump: list[str] = []
            for table in tables:
                dump += sorted(
                    repr(tuple(row))
                    for row in await session.execute(text(f'SELECT * FROM "{table}"'))
                )
        return dump

    async def forge(self, who: User, data: str) -> None:
        """A client sends callback data of its choosing on the greeting (which has no buttons)."""
        emu = self.bot.emulator
        state = emu.world.chats[self.chat.id]
        query = CallbackQuery(
            id=str(5_000_000_000_000_000_000 + emu.world.next_id()),
            from_user=who,
            chat_instance=state.chat_instance,
            message=state.messages[self.greeting.message_id],
            data=data,
        )
        emu.world.callbacks[query.id] = query
        emu.world.updates.push("callback_query", query)
        await emu.settle()

    async def post(self, body: str) -> int:
        url = self.bot.services.settings.webhook_url
        assert url is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
        async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
            return r.status


@pytest.fixture
async def stage(start_bot: StartBot) -> Stage:
    # Telegram's 20 messages a minute into one group would hold the bot's answers back for
    # minutes here (it has tests of its own); the flood budget stays on.
    bot = await start_bot("webhook", webhook_secret=SECRET, tick_seconds=3600, rate_limit=False)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    guest = emu.create_user("Robin")
    mark = emu.mark()
    chat = emu.create_group("Alex, Sam & Robin", [alex, sam, guest], added_by=alex)
    greeting = await emu.wait_for_message(chat.id, since=mark)
    # Everyone has talked once: the one question about Robin is asked before the snapshots.
    for person in (alex, sam, guest):
        emu.send_command(chat, person, "/help")
    await emu.settle()
    return Stage(bot, chat, alex, guest, greeting)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_random_buttons_arguments_and_bodies_leave_no_traceback_no_5xx_and_no_change(
    stage: Stage, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    caplog.set_level(logging.INFO)
    before = await stage.rows()
    kind = data.draw(st.sampled_from(["button", "command", "body"]))
    if kind == "button":
        who = data.draw(st.sampled_from([stage.alex, stage.guest]))
        await stage.forge(who, data.draw(st.text(max_size=64)))
    elif kind == "command":
        command = data.draw(st.sampled_from(GUARDED))
        argument = data.draw(st.text(max_size=4_000))
        stage.bot.emulator.send_command(stage.chat, stage.guest, f"/{command} {argument}")
        await stage.bot.emulator.settle()
    else:
        body = data.draw(st.one_of(json_values, update_like))
        assert await stage.post(json.dumps(body)) < 500

    tracebacks = [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert tracebacks == []
    assert await stage.rows() == before


def test_the_guarded_commands_are_all_in_the_menu() -> None:
    assert set(GUARDED) <= set(MENU)


@pytest.mark.parametrize(
    "body",
    [
        {"update_id": 5, "my_chat_member": {}},
        {"update_id": 6, "message": {"message_id": 1, "date": 1_790_000_000}},
        {"update_id": 7, "callback_query": {"id": "1", "chat_instance": "x"}},
        {
            "update_id": 8,
            "edited_message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "chat": {"id": 1, "type": "group"},
                "from": {"id": 2},
            },
        },
    ],
)
async def test_an_update_missing_a_field_telegram_always_sends_is_refused_with_400(
    stage: Stage, caplog: pytest.LogCaptureFixture, body: dict[str, object]
) -> None:
    before = await stage.rows()

    assert await stage.post(json.dumps(body)) == 400
    await stage.bot.emulator.settle()

    assert [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR] == []
    assert await stage.rows() == before
