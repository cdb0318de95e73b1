"""The emulator's private answers: /start payloads, media, edits, deletions, copies, url answers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden

from bot.emulator import Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=f"{emu.url}/bot") as ptb_bot:
        yield ptb_bot


async def test_a_start_payload_arrives_and_copies_carry_the_current_content(
    emu: Emulator, bot: Bot
) -> None:
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    group = emu.create_group("Us", [alex, sam], added_by=alex)
    prompt = await bot.send_message(group.id, "Tonight's question")
    private = emu.private_chat(alex)
    emu.send_command(private, alex, "/start abc_DEF-123")
    text = emu.send_message(private, alex, "first")
    emu.edit_message(private, alex, text.message_id, "edited")
    voice = emu.send_media(private, alex, "voice", caption="listen")
    photo = emu.send_media(private, alex, "photo")
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates if u.message and u.message.text][-2:] == [
        "/start abc_DEF-123",
        "first",
    ]
    assert any(u.edited_message for u in updates)

    copied = await bot.copy_message(
        group.id, private.id, text.message_id, reply_parameters=ReplyParameters(prompt.message_id)
    )
    many = await bot.copy_messages(group.id, private.id, [voice.message_id, photo.message_id])

    shown = {m.message_id: m for m in emu.bot_messages(group.id)}
    copy = shown[copied.message_id]
    assert copy.text == "edited" and copy.from_user == emu.bot and copy.forward_origin is None
    assert copy.reply_to_message is not None
    assert copy.reply_to_message.message_id == prompt.message_id
    voice_copy, photo_copy = (shown[m.message_id] for m in many)
    assert voice_copy.voice is not None and voice_copy.caption == "listen"
    assert photo_copy.photo


async def test_a_deleted_message_cannot_be_copied_nor_one_from_a_user_who_blocked_the_bot(
    emu: Emulator, bot: Bot
) -> None:
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    group = emu.create_group("Us", [alex, sam], added_by=alex)
    private = emu.private_chat(alex)
    emu.send_command(private, alex, "/start")
    gone = emu.send_message(private, alex, "never mind")
    kept = emu.send_message(private, alex, "still here")
    emu.delete_message(private, alex, gone.message_id)

    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(group.id, private.id, gone.message_id)
    emu.block_bot(alex)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.copy_message(group.id, private.id, kept.message_id)
    with pytest.raises(ValueError, match="only its user"):
        emu.delete_message(private, sam, kept.message_id)


async def test_a_button_may_answer_with_the_bots_own_start_link_only(
    emu: Emulator, bot: Bot
) -> None:
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    group = emu.create_group("Us", [alex, sam], added_by=alex)
    posted = await bot.send_message(
        group.id,
        "Question",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
    )
    first = emu.press_button(group, alex, posted.message_id, "go")
    second = emu.press_button(group, alex, posted.message_id, "go")

    with pytest.raises(BadRequest, match=r"(?i)url_invalid"):
        await bot.answer_callback_query(first, url="https://t.me/SomeOtherBot?start=abc")
    assert await bot.answer_callback_query(second, url=f"https://t.me/{emu.bot.username}?start=abc")
    assert emu.answered_callbacks[second]["url"].endswith("?start=abc")


async def test_the_http_driver_sends_media_edits_deletes_and_blocks(emu: Emulator) -> None:
    alex = emu.create_user("Alex")
    private = emu.private_chat(alex, started=True)
    driver = f"{emu.url}/_emulator"
    async with aiohttp.ClientSession() as session:

        async def post(path: str, **body: object) -> object:
            async with session.post(f"{driver}/{path}", json=body) as response:
                assert response.status == 200, await response.text()
                return (await response.json())["result"]

        voice = await post("messages/media", chat_id=private.id, user_id=alex.id, kind="voice")
        text = await post("messages", chat_id=private.id, user_id=alex.id, text="one")
        assert isinstance(voice, dict) and isinstance(text, dict)
        await post(
            "messages/edit",
            chat_id=private.id,
            user_id=alex.id,
            message_id=text["message_id"],
            text="two",
        )
        await post(
            "messages/delete", chat_id=private.id, user_id=alex.id, message_id=voice["message_id"]
        )
        await post("private_chats/block", user_id=alex.id)

    assert [m.text for m in emu.chat_history(private)] == ["two"]
    assert emu.world.chats[private.id].members[emu.bot.id] == "kicked"
