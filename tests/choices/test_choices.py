"""/depth, /topics, /decks and /distance through the emulator, and what each lets through."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from telegram import Message

from bot.kernel.db.models import Chat, Post
from tests.conftest import Couple, RunningBot
from tests.couple_evening import evening, press, press_time


async def exercise_ids(bot: RunningBot, couple: Couple, times: int) -> list[str]:
    """Ask /exercise ``times`` times (a few minutes apart); the entries it posted, in order."""
    ids = []
    for _ in range(times):
        bot.clock.advance(timedelta(minutes=3))
        await press_time(bot, couple, "/exercise")
        async with bot.services.transaction() as session:
            post = await session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
        assert post is not None and post.entry_id is not None
        ids.append(post.entry_id)
    return ids


async def chat_row(bot: RunningBot, couple: Couple) -> Chat:
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, couple.chat.id)
    assert chat is not None
    return chat


def labels(message: Message) -> list[str]:
    assert message.reply_markup is not None
    return [b.text for row in message.reply_markup.inline_keyboard for b in row]


def current(bot: RunningBot, couple: Couple, message: Message) -> Message:
    return next(
        m for m in bot.emulator.bot_messages(couple.chat.id) if m.message_id == message.message_id
    )


async def panel(bot: RunningBot, couple: Couple, command: str) -> Message:
    mark = bot.emulator.mark()
    bot.emulator.send_command(couple.chat, couple.alex, command)
    message = await bot.emulator.wait_for_message(couple.chat.id, since=mark)
    await bot.emulator.settle()
    return message


async def test_depth_deep_offers_a_deep_question_at_once_and_light_never_does(
    bot: RunningBot, couple: Couple
) -> None:
    assert "Deep" in await press_time(bot, couple, "/depth deep")
    deep = await exercise_ids(bot, couple, 3)
    assert "Light" in await press_time(bot, couple, "/depth light")
    light = await exercise_ids(bot, couple, 4)

    assert sorted(deep) == ["deep-values", "light-fun", "light-team"]
    assert set(light) <= {"light-fun", "light-team"}


async def test_bare_depth_shows_the_choice_and_its_buttons_change_it_in_place(
    bot: RunningBot, couple: Couple
) -> None:
    message = await panel(bot, couple, "/depth")
    assert message.text is not None and "Auto" in message.text
    assert labels(message) == ["▫️ Light", "▫️ Medium", "▫️ Deep", "✅ Auto"]

    answer = await press(bot, couple, message, "depth:medium")

    assert answer == "Depth: Medium."
    assert labels(current(bot, couple, message))[1] == "✅ Medium"
    assert (await chat_row(bot, couple)).depth == "medium"


async def test_an_unknown_depth_word_gets_the_choices_and_changes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/depth bottomless")

    assert "bottomless" in answer and "light, medium, deep or auto" in answer
    assert (await chat_row(bot, couple)).depth == "auto"


async def test_a_topic_turned_off_with_its_button_never_comes(
    bot: RunningBot, couple: Couple
) -> None:
    message = await panel(bot, couple, "/topics")
    assert "✅ Fun & play" in labels(message)
    assert message.text is not None and "Tender topics are off" in message.text
    assert "<b>" not in message.text

    answer = await press(bot, couple, message, "topic:fun")
    picked = await exercise_ids(bot, couple, 4)

    assert answer == "Fun & play: off."
    assert "▫️ Fun & play" in labels(current(bot, couple, message))
    assert "light-fun" not in picked
    assert "light-team" in picked


async def test_the_last_topic_stays_on_and_says_so_kindly(bot: RunningBot, couple: Couple) -> None:
    message = await panel(bot, couple, "/topics")
    topics = [b.callback_data for row in message.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    for data in topics[:-2]:  # every topic but the last, and not the tender switch
        await press(bot, couple, message, str(data))
        message = current(bot, couple, message)

    answer = await press(bot, couple, message, str(topics[-2]))

    assert "At least one topic needs to stay on" in answer
    chat = await chat_row(bot, couple)
    assert len(chat.disabled_categories.split(",")) == len(topics) - 2


async def test_a_guest_cannot_switch_a_topic(bot: RunningBot, couple: Couple) -> None:
    emu = bot.emulator
    message = await panel(bot, couple, "/topics")
    guest = emu.create_user("Robin")
    emu.add_member(couple.chat, guest)
    mark = emu.mark()
    query = emu.press_button(couple.chat, guest, message.message_id, "topic:fun")
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    await emu.settle()

    assert "only the couple" in str(emu.answered_callbacks[query].get("text"))
    assert (await chat_row(bot, couple)).disabled_categories == ""


async def test_a_deck_question_comes_only_after_the_deck_is_turned_on(
    bot: RunningBot, couple: Couple
) -> None:
    message = await panel(bot, couple, "/decks")
    assert message.text is not None and "▫️ Money — spending" in message.text
    before = await exercise_ids(bot, couple, 3)

    answer = await press(bot, couple, message, "deck:money")
    after = await exercise_ids(bot, couple, 3)

    assert "money-deck" not in before
    assert answer == "Money: on."
    assert message.text is not None and "✅ Money" in (current(bot, couple, message).text or "")
    assert "money-deck" in after


async def test_an_evening_prompt_comes_from_a_deck_only_once_it_is_on(
    bot: RunningBot, couple: Couple
) -> None:
    assert "Money: on" in await press_time(bot, couple, "/decks money on")
    await press_time(bot, couple, "/depth light")
    await press_time(bot, couple, "/topics team off")
    await press_time(bot, couple, "/topics fun off")

    prompt = await evening(bot)

    assert prompt is not None and "money deck" in (prompt.text or "")


async def test_an_unknown_deck_is_named_with_the_decks_there_are(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/decks astrology on")

    assert "astrology" in answer and "Money" in answer and "Faith & meaning" in answer
    assert (await chat_row(bot, couple)).decks == ""


async def test_a_tender_question_waits_for_the_opt_in_and_the_first_two_weeks(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/topics tender on")
    early = await exercise_ids(bot, couple, 4)
    bot.clock.advance(timedelta(days=15))
    later = await exercise_ids(bot, couple, 3)

    assert "They start from" in answer
    assert "tender-exes" not in early
    assert "tender-exes" in later


async def test_a_tender_question_never_comes_without_the_opt_in(
    bot: RunningBot, couple: Couple
) -> None:
    bot.clock.advance(timedelta(days=15))

    assert "tender-exes" not in await exercise_ids(bot, couple, 4)


async def test_distance_on_puts_we_called_on_the_prompt_and_in_its_confirmation(
    bot: RunningBot, couple: Couple
) -> None:
    assert "We called" in await press_time(bot, couple, "/distance on")

    prompt = await evening(bot)
    assert prompt is not None
    assert labels(prompt) == ["We called", "Answer privately 🔒"]
    answer = await press(bot, couple, prompt, "inperson")

    assert "counts for both of you" in answer
    assert "on a call" in (current(bot, couple, prompt).text or "")


async def test_distance_off_keeps_we_talked_in_person_and_garbage_is_refused(
    bot: RunningBot, couple: Couple
) -> None:
    assert "isn't something /distance knows" in await press_time(bot, couple, "/distance maybe")
    assert "Long-distance mode is off" in await press_time(bot, couple, "/distance")

    prompt = await evening(bot)

    assert prompt is not None and labels(prompt) == ["We talked in person", "Answer privately 🔒"]


async def test_distance_on_offers_the_activity_done_apart_with_how(
    bot: RunningBot, couple: Couple
) -> None:
    await press_time(bot, couple, "/distance on")

    offer = await press_time(bot, couple, "/activity")

    assert "A film night" in offer
    assert "on a call and watch together" in offer


async def test_depth_topics_and_decks_take_their_words_in_spanish_and_russian(
    bot: RunningBot, couple: Couple
) -> None:
    assert "Deep" in await press_time(bot, couple, "/depth profundo")
    assert "Money: on" in await press_time(bot, couple, "/decks деньги вкл")
    assert "Fun & play: off" in await press_time(bot, couple, "/topics diversión no")

    row = await chat_row(bot, couple)
    assert (row.depth, row.decks, row.disabled_categories) == ("deep", "money", "fun")
