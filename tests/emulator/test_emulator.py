"""The Bot API emulator, driven by PTB's own Bot and by raw HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommandScopeChat,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyParameters,
    Update,
    User,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from bot.emulator import Emulator
from bot.emulator.html import parse_html
from bot.pictures.calendar import Evening, render, size
from tests.conftest import eventually

T = TypeVar("T")


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot"
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def couple(emu: Emulator) -> tuple[User, User, Chat]:
    alex = emu.create_user("Alex", username="alex")
    sam = emu.create_user("Sam")
    return alex, sam, emu.create_group("Alex & Sam", [alex, sam], added_by=alex)


async def raw(
    emu: Emulator, method: str, token: str | None = None, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POST a Bot API call as JSON, without PTB in between."""
    url = f"{emu.url}/bot{token or emu.token}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        return response.status, await response.json()


async def held_poll(emu: Emulator, poll: Awaitable[T]) -> asyncio.Task[T]:
    """Start a long poll that asks for ``message`` updates; return once the emulator holds it.

    The emulator applies a poll's allowed_updates before it starts waiting, in the same step:
    so once messages are allowed again, the poll is waiting.
    """
    emu.world.updates.set_allowed(["callback_query"])
    task = asyncio.create_task(poll)
    await eventually(lambda: emu.world.updates.allows("message"), "the long poll to arrive")
    return task


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


async def drain(bot: Bot) -> list[Update]:
    """Take and confirm every pending update."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return list(updates)


# -- basics ---------------------------------------------------------------------------------


async def test_get_me_returns_the_bot_user_built_from_the_token(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "QualityTimeBot", True)
    assert me.can_read_all_group_messages is False


async def test_unknown_method_answers_404_and_a_wrong_token_401(emu: Emulator) -> None:
    assert await raw(emu, "sendCarrierPigeon") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert await raw(emu, "getMe", token="999:WRONG") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


async def test_methods_are_case_insensitive_and_take_form_json_or_query_parameters(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    status, body = await raw(emu, "SENDMESSAGE", chat_id=chat.id, text="json")
    assert status == 200 and body["result"]["text"] == "json"
    base = f"{emu.url}/bot{emu.token}/sendMessage"
    markup = '{"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}'
    async with aiohttp.ClientSession() as session:
        form = {"chat_id": str(chat.id), "text": "form", "reply_markup": markup}
        async with session.post(base, data=form) as response:
            assert (await response.json())["result"]["reply_markup"]["inline_keyboard"][0][0][
                "callback_data"
            ] == "go"
        async with session.get(base, params={"chat_id": str(chat.id), "text": "query"}) as response:
            assert (await response.json())["result"]["text"] == "query"
    sent = await emu.wait_for_call("sendmessage", text="form", chat_id=str(chat.id))
    assert sent.params["chat_id"] == chat.id  # numbers come back as ints


# -- updates and long polling ---------------------------------------------------------------


async def test_get_updates_returns_a_message_a_user_sent_to_the_group(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    joined = await drain(bot)
    assert joined[0].my_chat_member is not None
    assert joined[0].my_chat_member.new_chat_member.status == "member"
    assert joined[1].message is not None and joined[1].message.new_chat_members == (emu.bot,)

    emu.send_command(chat, alex, "/time 20:30")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.text == "/time 20:30"
    assert update.message.from_user == alex and update.message.chat.id == chat.id
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/time")


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    # A poll that could hang for a minute: answered within the deadline, it was woken.
    poll = await held_poll(emu, bot.get_updates(timeout=60, allowed_updates=["message"]))
    emu.send_command(chat, alex, "/help")
    async with asyncio.timeout(10):
        updates = await poll
    assert [u.message.text for u in updates if u.message] == ["/help"]


async def test_offset_confirms_earlier_updates_and_limit_caps_the_batch(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    for n in range(3):
        emu.send_command(chat, alex, f"/n {n}")
    first = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first if u.message] == ["/n 0", "/n 1"]
    again = await bot.get_updates(timeout=0)  # nothing confirmed yet: the same updates
    assert len(again) == 3 and emu.pending_updates() == 3
    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["/n 2"]
    assert emu.pending_updates() == 1


async def test_allowed_updates_filters_updates_created_afterwards_and_negative_offset_keeps_the_last(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    await bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    emu.send_command(chat, alex, "/help")  # filtered out: not a callback_query
    assert emu.pending_updates() == 0
    await bot.get_updates(timeout=0, allowed_updates=[])  # back to Telegram's default
    for n in range(3):
        emu.send_command(chat, alex, f"/n {n}")
    (last,) = await bot.get_updates(offset=-1, timeout=0)
    assert last.message is not None and last.message.text == "/n 2"
    assert emu.pending_updates() == 1


async def test_a_user_editing_a_visible_message_gives_an_edited_message_update(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    sent = emu.send_command(chat, alex, "/time 20:30")
    emu.edit_message(chat, alex, sent.message_id, "/time 21:00")
    original, edited = await drain(bot)
    assert original.message is not None and original.message.text == "/time 20:30"
    assert edited.edited_message is not None and edited.edited_message.text == "/time 21:00"
    assert emu.chat_history(chat)[-1].text == "/time 21:00"


async def test_a_second_get_updates_terminates_the_first_with_409(emu: Emulator, bot: Bot) -> None:
    first = await held_poll(emu, raw(emu, "getUpdates", timeout=5, allowed_updates=["message"]))
    assert (await raw(emu, "getUpdates", timeout=0))[0] == 200
    status, body = await first
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")


async def test_stop_releases_a_hanging_long_poll_at_once() -> None:
    emulator = Emulator()
    await emulator.start()
    poll = await held_poll(emulator, raw(emulator, "getUpdates", timeout=60, allowed_updates=[]))
    # Not released, the poll (and stop, which waits for it) would take its full minute.
    async with asyncio.timeout(10):
        await emulator.stop()
        assert await poll == (200, {"ok": True, "result": []})


# -- privacy mode ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reply_to_bot", "seen"),
    [
        ("just chatting", False, False),
        ("/help", False, True),
        ("/help@QualityTimeBot", False, True),
        ("/help@OtherBot", False, False),
        ("hey @qualitytimebot what now", False, True),
        ("my answer", True, True),
    ],
)
async def test_privacy_mode_shows_a_non_admin_bot_only_commands_replies_and_mentions(
    emu: Emulator,
    bot: Bot,
    couple: tuple[User, User, Chat],
    text: str,
    reply_to_bot: bool,
    seen: bool,
) -> None:
    alex, _, chat = couple
    prompt = await bot.send_message(chat.id, "What made you smile today?")
    await drain(bot)
    emu.send_message(chat, alex, text, reply_to=prompt.message_id if reply_to_bot else None)
    assert bool(await drain(bot)) is seen


async def test_an_admin_bot_or_privacy_off_sees_every_message() -> None:
    for privacy, admin in ((True, True), (False, False)):
        emulator = Emulator(privacy_mode=privacy)
        alex = emulator.create_user("Alex")
        chat = emulator.create_group("G", [alex], bot_admin=admin)
        emulator.send_message(chat, alex, "plain words")
        assert emulator.pending_updates() == 3  # my_chat_member, joined, the message


async def test_promoting_the_bot_lifts_privacy_and_sends_my_chat_member(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, sam, chat = couple
    await drain(bot)
    emu.promote_bot(chat, by=alex)
    emu.send_message(chat, sam, "plain words")
    promoted, message = await drain(bot)
    assert promoted.my_chat_member is not None
    assert promoted.my_chat_member.new_chat_member.status == "administrator"
    assert message.message is not None and message.message.text == "plain words"


# -- sending, replies, keyboards, edits -----------------------------------------------------


async def test_reply_with_keyboard_then_a_button_press_gives_a_callback_the_bot_answers(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, sam, chat = couple
    question = emu.send_command(chat, alex, "/exercise")
    sent = await bot.send_message(
        chat.id,
        "Try this together?",
        reply_parameters=ReplyParameters(question.message_id),
        reply_markup=keyboard("yes", "later"),
    )
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "/exercise"
    await drain(bot)
    query_id = emu.press_button(chat, sam, sent.message_id, "later")
    (update,) = await drain(bot)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "later"
    assert query.from_user == sam and query.message is not None
    assert await query.answer("Saved for later") is True
    assert emu.answered_callbacks[query_id]["text"] == "Saved for later"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("twice")
    with pytest.raises(ValueError, match="no button"):
        emu.press_button(chat, sam, sent.message_id, "nope")


async def test_post_as_bot_stores_a_bot_message_with_no_call_and_no_update(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    _, sam, chat = couple
    await drain(bot)
    mark = emu.mark()

    prompt = emu.post_as_bot(chat, "<b>Tonight</b>: a walk?", reply_markup=keyboard("inperson"))

    assert prompt.text == "Tonight: a walk?" and prompt.entities[0].type == "bold"
    assert prompt.from_user == emu.bot and emu.bot_messages(chat)[-1] == prompt
    assert emu.calls[mark:] == [] and emu.pending_updates() == 0
    emu.send_message(chat, sam, "yes", reply_to=prompt.message_id)
    (update,) = await drain(bot)
    assert update.message is not None and update.message.reply_to_message == prompt
    with pytest.raises(ValueError, match="can't parse entities"):
        emu.post_as_bot(chat, "<b>unclosed")


async def test_edits_change_the_current_state_and_an_identical_edit_is_not_modified(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    sent = await bot.send_message(chat.id, "Who answered: nobody", reply_markup=keyboard("talked"))
    edited = await bot.edit_message_text(
        "Who answered: <b>Alex</b>",
        chat.id,
        sent.message_id,
        parse_mode="HTML",
        reply_markup=keyboard("talked"),
    )
    assert isinstance(edited, object) and emu.bot_messages(chat)[-1].text == "Who answered: Alex"
    assert emu.bot_messages(chat)[-1].edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Who answered: <b>Alex</b>",
            chat.id,
            sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("talked"),
        )
    await bot.edit_message_reply_markup(chat.id, sent.message_id, reply_markup=None)
    assert emu.bot_messages(chat)[-1].reply_markup is None
    assert await bot.delete_message(chat.id, sent.message_id) is True
    assert emu.bot_messages(chat) == []
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("again", chat.id, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(chat.id, sent.message_id)


async def test_send_message_answers_exactly_what_ptb_serialises_for_the_stored_message(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    question = emu.send_message(chat, alex, "/exercise")
    variants: list[dict[str, Any]] = [
        {"text": "plain"},
        {"text": "<b>bold</b> /help @alex_x", "parse_mode": "HTML"},
        {"text": "reply", "reply_parameters": {"message_id": question.message_id}},
        {
            "text": "keys",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        },
    ]
    for params in variants:
        status, body = await raw(emu, "sendMessage", chat_id=chat.id, **params)
        assert status == 200
        assert body["result"] == emu.bot_messages(chat)[-1].to_dict(), params


async def test_updates_and_edits_carry_exactly_what_ptb_serialises_for_the_messages(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    # The emulator builds these dicts without Message.to_dict() (the benchmarks' hot path).
    alex, sam, chat = couple
    emu.promote_bot(chat, alex)  # the bot sees every message
    status, body = await raw(
        emu,
        "sendMessage",
        chat_id=chat.id,
        text="<b>Tonight</b>: one small thing?",
        parse_mode="HTML",
        reply_markup={"inline_keyboard": [[{"text": "In person", "callback_data": "in"}]]},
    )
    assert status == 200
    prompt_id = body["result"]["message_id"]
    sent = [
        emu.send_message(chat, alex, "hello /help @sam_x"),
        emu.send_message(chat, sam, "a reply", reply_to=prompt_id),
        emu.send_message(chat, alex, "another", reply_to=prompt_id),
    ]
    edited = emu.edit_message(chat, alex, sent[-1].message_id, "edited text")
    payloads = [payload for _, payload in emu.world.updates.pending][-4:]
    kinds = ["message"] * 3 + ["edited_message"]
    for payload, kind, message in zip(payloads, kinds, [*sent, edited], strict=True):
        assert payload[kind] == message.to_dict()

    for params in (
        {"text": "<i>Now</i> both ✓", "parse_mode": "HTML"},
        {
            "text": "other keys",
            "reply_markup": {"inline_keyboard": [[{"text": "B", "callback_data": "b"}]]},
        },
    ):
        status, body = await raw(
            emu, "editMessageText", chat_id=chat.id, message_id=prompt_id, **params
        )
        assert status == 200, body
        assert body["result"] == emu.world.chats[chat.id].messages[prompt_id].to_dict(), params
    status, body = await raw(
        emu, "editMessageReplyMarkup", chat_id=chat.id, message_id=prompt_id, reply_markup={}
    )
    assert status == 200, body
    assert body["result"] == emu.world.chats[chat.id].messages[prompt_id].to_dict()


async def test_html_becomes_plain_text_and_entities_with_utf16_offsets(
    bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    sent = await bot.send_message(
        couple[2].id,
        '💞 <b>Tonight</b> &lt;3 <i>ask</i> <a href="https://x.org">this</a> '
        "<tg-spoiler>s</tg-spoiler> <code>c</code>",
        parse_mode="HTML",
    )
    assert sent.text == "💞 Tonight <3 ask this s c"
    spans = [(e.type, e.offset, e.length) for e in sent.entities]
    # "💞" is two UTF-16 code units, so "Tonight" starts at 3.
    assert spans == [
        ("bold", 3, 7),
        ("italic", 14, 3),
        ("text_link", 18, 4),
        ("spoiler", 23, 1),
        ("code", 25, 1),
    ]
    assert parse_html('<pre><code class="language-python">x</code></pre>')[1][0].language == (
        "python"
    )


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ],
)
async def test_bad_markup_answers_400_cant_parse_entities(
    emu: Emulator, couple: tuple[User, User, Chat], markup: str, problem: str
) -> None:
    status, body = await raw(
        emu, "sendMessage", chat_id=couple[2].id, text=markup, parse_mode="HTML"
    )
    assert status == 400
    assert body["description"] == f"Bad Request: can't parse entities: {problem}"


async def test_invalid_sends_get_telegrams_400_answers(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    chat_id = couple[2].id
    cases: list[tuple[dict[str, Any], str]] = [
        ({"chat_id": chat_id}, "Bad Request: message text is empty"),
        ({"text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": -42, "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": chat_id, "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": chat_id, "text": "hi", "reply_parameters": {"message_id": 999}},
            "Bad Request: message to be replied not found",
        ),
        (
            {"chat_id": chat_id, "text": "hi", "reply_to_message_id": 999},
            "Bad Request: message to be replied not found",
        ),
        (
            {
                "chat_id": chat_id,
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
    ]
    for params, description in cases:
        assert await raw(emu, "sendMessage", **params) == (
            400,
            {"ok": False, "error_code": 400, "description": description},
        ), params
    lenient = {"message_id": 999, "allow_sending_without_reply": True}
    status, body = await raw(
        emu, "sendMessage", chat_id=chat_id, text="hi", reply_parameters=lenient
    )
    assert status == 200 and "reply_to_message" not in body["result"]


# -- chats: private, removed, migrated ------------------------------------------------------


async def test_the_bot_cannot_write_to_a_user_until_they_send_start(
    emu: Emulator, bot: Bot
) -> None:
    alex = emu.create_user("Alex")
    chat = emu.private_chat(alex)
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(chat.id, "hello")
    emu.send_command(chat, alex, "/start")
    assert (await bot.send_message(chat.id, "hello")).chat.type == "private"
    emu.block_bot(alex)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(chat.id, "still there?")


async def test_a_removed_bot_hears_about_it_and_then_gets_403(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    emu.remove_bot(chat, by=alex)
    removed, farewell = await drain(bot)
    assert removed.my_chat_member is not None
    assert removed.my_chat_member.old_chat_member.status == "member"
    assert removed.my_chat_member.new_chat_member.status == "left"
    assert farewell.message is not None and farewell.message.left_chat_member == emu.bot
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
        await bot.send_message(chat.id, "hello?")
    emu.add_bot(chat, by=alex)
    assert (await bot.send_message(chat.id, "back")).text == "back"


async def test_a_migrated_group_answers_400_with_the_new_id_and_ptb_raises_chat_migrated(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    supergroup = emu.migrate_to_supergroup(chat)
    assert supergroup.type == "supergroup" and str(supergroup.id).startswith("-100")
    to, came_from = await drain(bot)
    assert to.message is not None and to.message.migrate_to_chat_id == supergroup.id
    assert came_from.message is not None and came_from.message.migrate_from_chat_id == chat.id
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(chat.id, "hello")
    assert raised.value.new_chat_id == supergroup.id
    status, body = await raw(emu, "sendMessage", chat_id=chat.id, text="hi")
    assert (status, body["parameters"]) == (400, {"migrate_to_chat_id": supergroup.id})
    assert body["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
    await bot.send_message(supergroup.id, "hello again")
    emu.send_message(supergroup, alex, "plain")  # membership carried over


async def test_chat_queries_report_members_admins_and_counts(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, sam, chat = couple
    info = await bot.get_chat(chat.id)
    assert (info.title, info.type) == ("Alex & Sam", "group")
    assert (await bot.get_chat_member(chat.id, alex.id)).status == "creator"
    assert (await bot.get_chat_member(chat.id, sam.id)).status == "member"
    assert (await bot.get_chat_member(chat.id, emu.bot.id)).status == "member"
    assert [m.user for m in await bot.get_chat_administrators(chat.id)] == [alex]
    assert await bot.get_chat_member_count(chat.id) == 3
    emu.remove_member(chat, sam)
    assert (await bot.get_chat_member(chat.id, sam.id)).status == "left"
    assert await bot.get_chat_member_count(chat.id) == 2
    assert await bot.send_chat_action(chat.id, "typing") is True
    assert await bot.leave_chat(chat.id) is True
    with pytest.raises(Forbidden, match=r"(?i)not a member"):
        await bot.send_message(chat.id, "hi")


async def test_chat_member_updates_need_admin_rights_and_allowed_updates(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, _, chat = couple
    await drain(bot)
    kim = emu.create_user("Kim")
    emu.add_member(chat, kim, by=alex)  # not admin: only the service message
    assert [u.message is not None for u in await drain(bot)] == [True]
    emu.promote_bot(chat, by=alex)
    await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
    await drain(bot)
    emu.remove_member(chat, kim)
    kinds = [u.chat_member is not None for u in await drain(bot)]
    assert kinds == [True, False]  # chat_member, then left_chat_member message


# -- polls, documents, commands -------------------------------------------------------------


async def test_polls_collect_answers_and_can_be_stopped(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    alex, sam, chat = couple
    sent = await bot.send_poll(chat.id, "Walk or dance?", ["Walk", "Dance"], is_anonymous=False)
    assert sent.poll is not None
    await drain(bot)
    emu.answer_poll(sent.poll.id, alex, [1])
    emu.answer_poll(sent.poll.id, sam, [1])
    answer, poll, _, latest = await drain(bot)
    assert answer.poll_answer is not None and answer.poll_answer.option_ids == (1,)
    assert answer.poll_answer.user == alex
    assert poll.poll is not None and latest.poll is not None
    assert [o.voter_count for o in latest.poll.options] == [0, 2]
    stopped = await bot.stop_poll(chat.id, sent.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 2
    with pytest.raises(ValueError, match="closed"):
        emu.answer_poll(sent.poll.id, alex, [0])


async def test_documents_are_stored_and_downloadable(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    sent = await bot.send_document(
        chat.id,
        b'{"answers": 3}',
        filename="export.json",
        caption="<b>Your data</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None and sent.document.file_name == "export.json"
    assert sent.document.mime_type == "application/json" and sent.caption == "Your data"
    assert emu.documents(chat) == [("export.json", b'{"answers": 3}')]
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b'{"answers": 3}'


async def test_a_photo_upload_is_posted_with_its_caption_and_buttons_and_garbage_is_refused(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    png = render([Evening.TOGETHER] * 7)
    sent = await bot.send_photo(
        chat.id,
        InputFile(png, filename="evenings.png"),
        caption="<b>Your week</b>",
        parse_mode="HTML",
        reply_markup=keyboard("a"),
    )
    assert sent.photo and (sent.photo[-1].width, sent.photo[-1].height) == size(1)
    assert sent.caption == "Your week" and sent.reply_markup == keyboard("a")
    assert emu.photos(chat) == [("Your week", png)]
    call = await emu.wait_for_call("sendPhoto", caption="<b>Your week</b>")
    assert call.params["photo"]["size"] == len(png)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(chat.id, InputFile(b"not a picture", filename="x.png"))
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(chat.id, sent.photo[-1].file_id, caption="x" * 1025)


async def test_commands_are_kept_per_scope_and_language(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    await bot.set_my_commands([("time", "Set the evening time"), ("help", "How it works")])
    scope = BotCommandScopeChat(couple[2].id)
    await bot.set_my_commands([("forget", "Delete our data")], scope=scope, language_code="de")
    assert [c.command for c in emu.commands()] == ["time", "help"]
    assert [c.command for c in emu.commands(scope, "de")] == ["forget"]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="de")] == [
        "forget"
    ]
    assert await bot.get_my_commands(scope=scope) == ()
    await bot.delete_my_commands()
    assert emu.commands() == []
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad Command", "nope")])


# -- rate limits and faults -----------------------------------------------------------------


_RETRY_AFTER_IS_INT = "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"


@pytest.mark.filterwarnings(_RETRY_AFTER_IS_INT)
async def test_rate_limits_answer_429_with_retry_after_and_ptb_raises_retry_after(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    emu.limits.enable(global_per_second=30, group_per_minute=3, private_per_second=1)
    for n in range(3):
        await bot.send_message(chat.id, f"ok {n}")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(chat.id, "one too many")
    assert 55 <= int(raised.value.retry_after) <= 60  # type: ignore[arg-type]
    status, body = await raw(emu, "sendMessage", chat_id=chat.id, text="again")
    assert status == 429 and body["description"].startswith("Too Many Requests: retry after ")
    assert body["parameters"]["retry_after"] >= 1
    assert emu.limits.stats.sends == 3 and emu.limits.stats.throttled_per_chat[chat.id] == 2
    await bot.edit_message_text("edits are free", chat.id, 2)
    emu.limits.disable()
    await bot.send_message(chat.id, "fine again")


@pytest.mark.filterwarnings(_RETRY_AFTER_IS_INT)
async def test_the_global_limit_spans_chats_and_private_chats_allow_one_per_second(
    emu: Emulator, bot: Bot
) -> None:
    users = [emu.create_user(f"U{n}") for n in range(3)]
    chats = [emu.private_chat(u, started=True) for u in users]
    emu.limits.enable(global_per_second=2)
    await bot.send_message(chats[0].id, "a")
    with pytest.raises(RetryAfter):
        await bot.send_message(chats[0].id, "same chat within a second")
    await bot.send_message(chats[1].id, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(chats[2].id, "third in a second overall")


@pytest.mark.filterwarnings(_RETRY_AFTER_IS_INT)
async def test_paid_broadcasts_have_a_ceiling_of_their_own_apart_from_the_free_limit(
    emu: Emulator, bot: Bot
) -> None:
    users = [emu.create_user(f"U{n}") for n in range(5)]
    chats = [emu.private_chat(u, started=True) for u in users]
    emu.limits.enable(global_per_second=1, paid_per_second=3)
    await bot.send_message(chats[0].id, "free")
    with pytest.raises(RetryAfter):
        await bot.send_message(chats[1].id, "free, one too many")
    for chat in chats[1:4]:
        await bot.send_message(chat.id, "paid", allow_paid_broadcast=True)
    with pytest.raises(RetryAfter):
        await bot.send_message(chats[4].id, "paid, one too many", allow_paid_broadcast=True)
    assert emu.limits.stats.sends == 4
    assert emu.limits.stats.paid_sends == 3


async def test_injected_failures_forbids_and_slow_answers(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    emu.faults.fail("sendMessage", status=500, times=1)
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
        await bot.send_message(chat.id, "first try")
    assert (await bot.send_message(chat.id, "second try")).text == "second try"
    emu.faults.fail("sendMessage", status=502, times=1, chat_id=chat.id)
    assert (await raw(emu, "sendMessage", chat_id=chat.id, text="x"))[0] == 502
    emu.faults.fail("getUpdates", status=502)
    with pytest.raises(NetworkError, match=r"(?i)bad gateway"):
        await bot.get_updates(timeout=0)
    emu.faults.forbid(chat.id)
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the group chat"):
        await bot.send_message(chat.id, "hello?")
    emu.faults.clear()
    emu.faults.delay("sendMessage", seconds=0.5)
    slow = asyncio.create_task(bot.send_message(chat.id, "slow"))
    await eventually(lambda: "slow" in [m.text for m in emu.bot_messages(chat.id)], "the post")
    assert not slow.done()  # posted at once, answered late
    assert (await slow).text == "slow"


async def test_a_read_timeout_after_a_delivered_send_leaves_the_message_posted(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    chat = couple[2]
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(emu.token, base_url=f"{emu.url}/bot", request=request) as impatient:
        emu.faults.delay("sendMessage", seconds=1.0, deliver=True)
        with pytest.raises(TimedOut):
            await impatient.send_message(chat.id, "prompt")
        emu.faults.delay("sendMessage", seconds=1.0, deliver=False)
        with pytest.raises(TimedOut):
            await impatient.send_message(chat.id, "never posted")
        # The emulator records the abandoned call once it notices the client hung up.
        await eventually(
            lambda: len([c for c in emu.calls if c.method == "sendMessage"]) == 2,
            "the abandoned call to be recorded",
        )
    assert [m.text for m in emu.bot_messages(chat)] == ["prompt"]
    assert [c.status for c in emu.calls if c.method == "sendMessage"] == [200, 499]


# -- waiting helpers and a real PTB Application ---------------------------------------------


async def test_wait_for_call_times_out_with_a_listing_of_recent_calls(
    emu: Emulator, bot: Bot, couple: tuple[User, User, Chat]
) -> None:
    await bot.send_message(couple[2].id, "hello")
    mark = emu.mark()
    with pytest.raises(TimeoutError, match=r"no sendMessage\(text='bye'\)"):
        await emu.wait_for_call("sendMessage", since=0, timeout=0.1, text="bye")
    assert emu.mark() == mark


async def test_settle_waits_until_a_polling_application_has_answered(
    emu: Emulator, couple: tuple[User, User, Chat]
) -> None:
    alex, sam, chat = couple

    async def hello(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(f"Hi {update.effective_user.first_name}")

    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(f"{emu.url}/bot")
        .base_file_url(f"{emu.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("hello", hello))
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_polling(timeout=5)
        mark = emu.mark()
        emu.send_command(chat, alex, "/hello")
        reply = await emu.wait_for_message(chat, since=mark)
        assert reply.text == "Hi Alex" and reply.reply_to_message is not None
        for _ in range(5):
            emu.send_command(chat, sam, "/hello@QualityTimeBot")
        await emu.settle(quiet=0.1)
        assert emu.pending_updates() == 0
        assert [m.text for m in emu.bot_messages(chat)].count("Hi Sam") == 5
        await app.updater.stop()
        await app.stop()
    assert all(call.ok for call in emu.calls)
