"""Buttons trust nothing but the message they sit on: forged callback data changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from telegram import CallbackQuery, Message

from bot.kernel.db.models import Chat, Partner
from tests.conftest import Couple, RunningBot


async def forge(bot: RunningBot, couple: Couple, message: Message, data: str) -> str:
    """Alex's client sends callback data of its choosing for a bot message; return the alert."""
    emu = bot.emulator
    world = emu.world
    state = world.chats[couple.chat.id]
    query = CallbackQuery(
        id=str(4_000_000_000_000_000_000 + world.next_id()),
        from_user=couple.alex,
        chat_instance=state.chat_instance,
        message=state.messages[message.message_id],
        data=data,
    )
    mark = emu.mark()
    world.callbacks[query.id] = query
    world.updates.push("callback_query", query)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query.id)
    await emu.settle()
    return str(emu.answered_callbacks[query.id].get("text") or "")


async def press(bot: RunningBot, couple: Couple, message: Message, data: str) -> str:
    emu = bot.emulator
    mark = emu.mark()
    query = emu.press_button(couple.chat, couple.alex, message.message_id, data)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    return str(emu.answered_callbacks[query].get("text") or "")


def now_text(bot: RunningBot, couple: Couple, message: Message) -> str:
    found = next(
        m for m in bot.emulator.bot_messages(couple.chat.id) if m.message_id == message.message_id
    )
    return str(found.text)


async def send_minute(bot: RunningBot, couple: Couple) -> int:
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
        assert chat is not None
        return chat.send_minute


async def partners(bot: RunningBot, couple: Couple) -> int:
    async with bot.services.transaction() as session:
        found = await session.scalar(
            select(func.count()).select_from(Partner).where(Partner.chat_id == couple.chat.id)
        )
        return int(found or 0)


async def ask(bot: RunningBot, couple: Couple, command: str) -> Message:
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, command)
    return await emu.wait_for_message(couple.chat.id, since=mark)


async def test_forged_settings_data_on_an_exercise_or_the_welcome_saves_nothing_and_keeps_it(
    bot: RunningBot, couple: Couple
) -> None:
    exercise = await ask(bot, couple, "/exercise")
    before_exercise = now_text(bot, couple, exercise)
    before_minute = await send_minute(bot, couple)

    for message in (exercise, couple.greeting):
        for data in ("set:earlier", "set:pause7", "set:", ""):
            alert = await forge(bot, couple, message, data)
            assert "Saved" not in alert
            assert "doesn't do anything here" in alert

    assert now_text(bot, couple, exercise) == before_exercise
    assert now_text(bot, couple, couple.greeting) == str(couple.greeting.text)
    assert await send_minute(bot, couple) == before_minute


async def test_the_settings_panel_still_saves_its_own_buttons(
    bot: RunningBot, couple: Couple
) -> None:
    panel = await ask(bot, couple, "/settings")
    before = await send_minute(bot, couple)

    assert "Saved" in await press(bot, couple, panel, "set:earlier")
    assert await send_minute(bot, couple) == before - 30


async def test_a_forged_forget_yes_deletes_nothing_without_the_question_the_bot_asked(
    bot: RunningBot, couple: Couple
) -> None:
    bot.emulator.send_command(couple.chat, couple.sam, "/help")
    await bot.emulator.settle()
    exercise = await ask(bot, couple, "/exercise")
    question = await ask(bot, couple, "/forget")
    assert question.reply_markup is not None
    real = str(question.reply_markup.inline_keyboard[0][0].callback_data)

    for message, data in (
        (couple.greeting, "forget:yes"),
        (exercise, "forget:yes"),
        (exercise, real),  # the right token on the wrong message
        (question, "forget:yes"),  # the right message without its token
        (question, "forget:yes:AAAAAAAAAAAA"),
    ):
        alert = await forge(bot, couple, message, data)
        assert "doesn't do anything here" in alert

    assert await partners(bot, couple) == 2
    assert "Delete it all?" in now_text(bot, couple, question)


async def test_an_expired_forget_question_says_so_and_deletes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    question = await ask(bot, couple, "/forget")
    assert question.reply_markup is not None
    yes = str(question.reply_markup.inline_keyboard[0][0].callback_data)
    bot.clock.advance(timedelta(minutes=11))

    alert = await press(bot, couple, question, yes)

    assert "expired" in alert and "nothing was deleted" in alert
    assert await partners(bot, couple) >= 1


async def test_a_forget_question_counts_once(bot: RunningBot, couple: Couple) -> None:
    first = await ask(bot, couple, "/forget")
    assert first.reply_markup is not None
    yes = str(first.reply_markup.inline_keyboard[0][0].callback_data)
    no = str(first.reply_markup.inline_keyboard[0][1].callback_data)
    await press(bot, couple, first, no)
    assert "nothing was deleted" in now_text(bot, couple, first)

    # The buttons are gone; a client that replays the old data is refused.
    alert = await forge(bot, couple, first, yes)

    assert "doesn't do anything here" in alert
    assert await partners(bot, couple) >= 1
