"""Who the couple is: both people of a two-person group; in a bigger one, the adder's choice."""

from __future__ import annotations

from sqlalchemy import select
from telegram import Chat as TgChat
from telegram import Message, User

from bot.kernel.db.models import Partner
from tests.conftest import RunningBot


async def partner_names(bot: RunningBot, chat_id: int) -> list[str]:
    async with bot.services.transaction() as session:
        rows = await session.scalars(
            select(Partner.display_name)
            .where(Partner.chat_id == chat_id, Partner.active.is_(True))
            .order_by(Partner.id)
        )
        return list(rows)


async def say(bot: RunningBot, chat: TgChat, person: User, command: str) -> list[Message]:
    """A member sends a command; return what the bot posted after it."""
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(chat, person, command)
    await emu.wait_for_message(chat.id, since=mark)
    await emu.settle()
    sent = {c.result["message_id"] for c in emu.calls[mark:] if c.method == "sendMessage" and c.ok}
    return [m for m in emu.bot_messages(chat.id) if m.message_id in sent]


def question_in(messages: list[Message]) -> Message:
    return next(m for m in messages if m.text and "your partner?" in m.text)


async def press(bot: RunningBot, chat: TgChat, person: User, message: Message, answer: str) -> str:
    emu = bot.emulator
    assert message.reply_markup is not None
    data = next(
        str(b.callback_data)
        for row in message.reply_markup.inline_keyboard
        for b in row
        if str(b.callback_data).startswith(f"partner:{answer}:")
    )
    mark = emu.mark()
    query = emu.press_button(chat, person, message.message_id, data)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    return str(emu.answered_callbacks[query].get("text") or "")


def now_text(bot: RunningBot, chat: TgChat, message: Message) -> str:
    return str(
        next(
            m for m in bot.emulator.bot_messages(chat.id) if m.message_id == message.message_id
        ).text
    )


async def test_in_a_bigger_group_a_guest_who_talks_first_is_not_the_couple_until_the_adder_says_so(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    alex, sam, robin = emu.create_user("Alex"), emu.create_user("Sam"), emu.create_user("Robin")
    mark = emu.mark()
    chat = emu.create_group("Friends", [alex, sam, robin], added_by=alex)
    await emu.wait_for_message(chat.id, since=mark)

    # Robin talks first: a guest, and Alex is asked, once.
    question = question_in(await say(bot, chat, robin, "/help"))
    assert "Alex, is Robin your partner?" in str(question.text)
    assert await partner_names(bot, chat.id) == ["Alex"]
    again = await say(bot, chat, robin, "/help")
    assert not any("your partner?" in str(m.text) for m in again)
    # A guest cannot change the couple's settings, nor answer the question for Alex.
    assert "only" in (await say(bot, chat, robin, "/time 21:00"))[-1].text.lower()  # type: ignore[union-attr]
    assert "Only the person who added me" in await press(bot, chat, robin, question, "yes")
    assert await partner_names(bot, chat.id) == ["Alex"]

    await press(bot, chat, alex, question, "no")
    assert "welcome guest" in now_text(bot, chat, question)

    # Sam talks: Alex says yes, and Sam is the second partner.
    question = question_in(await say(bot, chat, sam, "/help"))
    await press(bot, chat, alex, question, "yes")

    assert "Sam is in" in now_text(bot, chat, question)
    assert await partner_names(bot, chat.id) == ["Alex", "Sam"]


async def test_in_a_group_of_two_people_both_are_the_couple_whoever_talks_first(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    mark = emu.mark()
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.wait_for_message(chat.id, since=mark)

    messages = await say(bot, chat, sam, "/help")

    assert not any("your partner?" in str(m.text) for m in messages)
    assert await partner_names(bot, chat.id) == ["Alex", "Sam"]


async def test_after_forget_in_a_bigger_group_a_guest_cannot_take_the_second_place(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    alex, sam, robin = emu.create_user("Alex"), emu.create_user("Sam"), emu.create_user("Robin")
    mark = emu.mark()
    chat = emu.create_group("Friends", [alex, sam, robin], added_by=alex)
    await emu.wait_for_message(chat.id, since=mark)
    question = (await say(bot, chat, alex, "/forget"))[-1]
    assert question.reply_markup is not None
    yes = str(question.reply_markup.inline_keyboard[0][0].callback_data)
    mark = emu.mark()
    query = emu.press_button(chat, alex, question.message_id, yes)
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()
    assert await partner_names(bot, chat.id) == []

    # Robin (no admin) talks first after the slate is wiped: still a guest.
    await say(bot, chat, robin, "/help")
    assert await partner_names(bot, chat.id) == []
    # Alex created the group (an admin) and stands in as the one who added the bot.
    await say(bot, chat, alex, "/help")
    assert await partner_names(bot, chat.id) == ["Alex"]
