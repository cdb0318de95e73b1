"""Onboarding, driven through the emulator over HTTP, in polling and webhook mode."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import CommandHandler

from bot.kernel.db.models import Chat, Partner
from tests.conftest import TOKEN, Couple, RunningBot, StartBot

MODES = ["polling", "webhook"]


async def chat_row(bot: RunningBot, chat_id: int) -> Chat | None:
    async with bot.services.transaction() as session:
        return await session.get(Chat, chat_id)


async def partner_names(bot: RunningBot, chat_id: int) -> list[str]:
    async with bot.services.transaction() as session:
        rows = await session.scalars(
            select(Partner.display_name).where(Partner.chat_id == chat_id).order_by(Partner.id)
        )
        return list(rows)


@pytest.mark.parametrize("mode", MODES)
async def test_adding_the_bot_to_a_group_greets_the_couple_with_time_zone_and_how_to_answer(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    mark = emu.mark()
    chat = emu.create_group("Us", [alex, sam], added_by=alex)

    greeting = await emu.wait_for_message(chat.id, since=mark)

    assert greeting.text is not None
    assert "20:30" in greeting.text
    assert "Europe/Berlin" in greeting.text
    assert "reply to my message" in greeting.text
    assert "/time" in greeting.text
    assert "/timezone" in greeting.text
    assert "made for couples" not in greeting.text
    row = await chat_row(bot, chat.id)
    assert row is not None
    assert row.active


async def test_a_group_with_more_than_a_couple_hears_the_bot_is_made_for_couples(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    people = [emu.create_user(name) for name in ("Alex", "Sam", "Kim", "Noor")]
    mark = emu.mark()
    chat = emu.create_group("Friends", people, added_by=people[0])

    greeting = await emu.wait_for_message(chat.id, since=mark)

    assert greeting.text is not None
    assert "made for couples" in greeting.text


@pytest.mark.parametrize("mode", MODES)
async def test_help_in_the_group_lists_the_commands_and_both_ways_to_answer(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()
    mark = emu.mark()

    emu.send_command(chat, sam, "/help")
    answer = await emu.wait_for_message(chat.id, since=mark)

    assert answer.text is not None
    for command in ("/exercise", "/time", "/timezone", "/days", "/pause", "/export", "/forget"):
        assert command in answer.text
    assert "Reply to my evening message" in answer.text
    assert "admin" in answer.text


async def test_start_in_the_group_answers_like_help(couple: Couple, bot: RunningBot) -> None:
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, f"/start@{bot.runner.username}")

    answer = await emu.wait_for_message(couple.chat.id, since=mark)

    assert answer.text is not None
    assert "/exercise" in answer.text


@pytest.mark.parametrize("mode", MODES)
async def test_start_in_a_private_chat_explains_the_bot_and_links_to_add_it_to_a_group(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode)
    emu = bot.emulator
    alex = emu.create_user("Alex")
    private = emu.private_chat(alex)
    mark = emu.mark()

    emu.send_command(private, alex, "/start")
    answer = await emu.wait_for_message(private.id, since=mark)

    assert answer.text is not None
    assert "Hi Alex" in answer.text
    assert answer.reply_markup is not None
    button = answer.reply_markup.inline_keyboard[0][0]
    assert button.url == f"https://t.me/{bot.runner.username}?startgroup=quality-time"


async def test_partners_are_registered_when_they_first_use_a_command(
    couple: Couple, bot: RunningBot
) -> None:
    emu = bot.emulator
    # Whoever added the bot is registered straight away.
    assert await partner_names(bot, couple.chat.id) == ["Alex"]

    emu.send_command(couple.chat, couple.sam, "/help")
    emu.send_command(couple.chat, couple.alex, "/help")
    emu.send_command(couple.chat, couple.sam, "/help")
    await emu.settle()

    assert await partner_names(bot, couple.chat.id) == ["Alex", "Sam"]


@pytest.mark.parametrize("mode", MODES)
async def test_a_removed_bot_marks_the_chat_inactive_and_says_nothing_more(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()
    mark = emu.mark()

    emu.remove_bot(chat, by=alex)
    await emu.settle()

    row = await chat_row(bot, chat.id)
    assert row is not None
    assert not row.active
    assert [c for c in emu.calls[mark:] if c.method.lower() == "sendmessage"] == []


async def test_adding_the_bot_back_welcomes_the_couple_back_with_their_settings(
    couple: Couple, bot: RunningBot
) -> None:
    emu = bot.emulator
    emu.remove_bot(couple.chat, by=couple.alex)
    await emu.settle()
    mark = emu.mark()

    emu.add_bot(couple.chat, by=couple.sam)
    answer = await emu.wait_for_message(couple.chat.id, since=mark)

    assert answer.text is not None
    assert "Nice to be back" in answer.text
    row = await chat_row(bot, couple.chat.id)
    assert row is not None
    assert row.active


@pytest.mark.parametrize("mode", MODES)
async def test_a_group_upgraded_to_a_supergroup_keeps_its_partners_under_the_new_id(
    start_bot: StartBot, mode: str
) -> None:
    bot = await start_bot(mode)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    emu.send_command(chat, alex, "/help")
    emu.send_command(chat, sam, "/help")
    await emu.settle()

    supergroup = emu.migrate_to_supergroup(chat)
    await emu.settle()

    assert await chat_row(bot, chat.id) is None
    moved = await chat_row(bot, supergroup.id)
    assert moved is not None
    assert moved.active
    assert await partner_names(bot, supergroup.id) == ["Alex", "Sam"]
    mark = emu.mark()
    emu.send_command(supergroup, sam, "/help")
    answer = await emu.wait_for_message(supergroup.id, since=mark)
    assert answer.text is not None
    assert "Europe/Berlin" in answer.text


async def test_the_command_menu_is_set_at_start_up(bot: RunningBot) -> None:
    names = [command.command for command in bot.emulator.commands()]

    assert names[:5] == ["help", "exercise", "exercises", "activity", "time"]
    assert all(command.description for command in bot.emulator.commands())


async def test_a_failing_handler_gets_a_kind_answer_and_logs_neither_text_nor_token(
    couple: Couple, bot: RunningBot, bot_logs: pytest.CaptureFixture[str]
) -> None:
    async def explode(update: Update, _context: object) -> None:
        raise RuntimeError("boom")

    bot.runner.app.add_handler(CommandHandler("boom", explode))
    emu = bot.emulator
    mark = emu.mark()

    emu.send_command(couple.chat, couple.alex, "/boom my secret words")
    answer = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()

    assert answer.text is not None
    assert "something went wrong" in answer.text
    assert "Traceback" not in answer.text
    logs = bot_logs.readouterr().err
    assert "RuntimeError" in logs
    assert "my secret words" not in logs
    assert TOKEN not in logs


async def test_one_greeting_per_join_even_with_the_new_members_message(bot: RunningBot) -> None:
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()

    assert len(emu.bot_messages(chat.id)) == 1
    async with bot.services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Chat)) == 1
