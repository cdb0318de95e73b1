"""Each chat speaks its own language: its evenings, buttons, nudges, status lines and answers;
/language switches it; a new group starts in its adder's language; a private chat follows its
person's; the command menu comes in every language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from telegram import Message, User

from bot.clock import ManualClock
from bot.emulator import Emulator
from bot.kernel.db.models import Chat, Post
from bot.registry import MENU
from bot.runner import BotRunner
from tests.conftest import (
    BOT_USERNAME,
    TOKEN,
    Couple,
    RunningBot,
    make_settings,
    services_for,
    sqlite_copy,
)
from tests.couple_evening import EVENING, now_message, press, press_time
from tests.kernel.test_buttons import forge
from tests.language.conftest import marker

ES, RU = marker("es"), marker("ru")
# The couple's evening time: early enough that a nudge comes before the quiet hours.
EARLY = timedelta(hours=-1, minutes=-30, seconds=1)


def labels(message: Message) -> list[str]:
    assert message.reply_markup is not None
    return [b.text for row in message.reply_markup.inline_keyboard for b in row]


async def chat_language(bot: RunningBot, chat_id: int) -> str | None:
    async with bot.services.transaction() as session:
        chat = await session.get(Chat, chat_id)
    return None if chat is None else chat.language


async def tick_at(bot: RunningBot, emu: Emulator, moment: datetime) -> list[Message]:
    """Run the scheduler once at a moment; the messages it sent."""
    mark = emu.mark()
    bot.clock.set(moment)
    await bot.runner.evening.tick()
    await emu.settle()
    sent = [c.result["message_id"] for c in emu.calls[mark:] if c.method == "sendMessage" and c.ok]
    return [m for chat in emu.world.chats for m in emu.bot_messages(chat) if m.message_id in sent]


async def send(
    emu: Emulator, chat: object, user: User, text: str, reply_to: int | None = None
) -> None:
    emu.send_message(chat, user, text, reply_to=reply_to)  # type: ignore[arg-type]
    await emu.settle()


async def a_week(
    bot: RunningBot, couple: Couple, *, spanish_from_wednesday: bool
) -> dict[str, object]:
    """Monday to Wednesday: both answer Monday's and Tuesday's prompts; on Wednesday (in
    Spanish, if asked) Alex answers and Sam gets a nudge. What the couple saw, and the picks."""
    emu = bot.emulator
    await press_time(bot, couple, "/time 18:00")
    seen: dict[str, object] = {}
    for day in range(3):
        if day == 2 and spanish_from_wednesday:
            bot.clock.set(EVENING + timedelta(days=day, hours=-8))
            seen["switched"] = await press_time(bot, couple, "/language es")
        [prompt] = await tick_at(bot, emu, EVENING + timedelta(days=day) + EARLY)
        seen[f"prompt{day}"] = prompt
        await send(emu, couple.chat, couple.alex, "ours", reply_to=prompt.message_id)
        seen[f"status{day}"] = now_message(bot, couple, prompt.message_id).text
        if day < 2:
            await send(emu, couple.chat, couple.sam, "ours too", reply_to=prompt.message_id)
    nudges = []
    for minutes in (110, 125, 155):
        nudges += await tick_at(bot, emu, EVENING + timedelta(days=2, minutes=minutes) + EARLY)
    seen["nudges"] = nudges
    async with bot.services.transaction() as session:
        posts = await session.scalars(
            select(Post.entry_id).where(Post.kind == "evening").order_by(Post.id)
        )
        seen["picks"] = list(posts)
    return seen


async def test_a_couple_switching_to_spanish_midweek_reads_wednesday_in_spanish_with_the_same_picks(
    bot: RunningBot, couple: Couple, tmp_path: Path, sqlite_template: Path, marked_prompts: Path
) -> None:
    week = await a_week(bot, couple, spanish_from_wednesday=True)

    # The same week on a fresh bot and database, all in English.
    english_folder = tmp_path / "english"
    english_folder.mkdir()
    emu = Emulator(token=TOKEN, bot_username=BOT_USERNAME)
    await emu.start(host="127.0.0.1", port=0)
    clock = ManualClock(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    settings = make_settings(
        sqlite_copy(sqlite_template, english_folder),
        emu.url,
        tick_seconds=3600,
        prompts_dir=marked_prompts,
    )
    runner = BotRunner(services_for(settings, clock), poll_timeout=1.0)
    try:
        await runner.start()
        english = RunningBot(runner, runner.services, emu, clock)
        alex, sam = emu.create_user("Alex", username="alex"), emu.create_user("Sam", username="sam")
        group = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
        await emu.settle()
        emu.send_command(group, sam, "/help")
        await emu.settle()
        reference = await a_week(
            english,
            Couple(alex, sam, group, emu.bot_messages(group)[0]),
            spanish_from_wednesday=False,
        )
    finally:
        await runner.stop()
        await emu.stop()

    assert week["switched"] == f"{ES} Done — from now on I'll speak Español here. 💬"
    for day in (0, 1):
        prompt = week[f"prompt{day}"]
        assert isinstance(prompt, Message) and prompt.text is not None
        assert "[es]" not in prompt.text and not any("[es]" in label for label in labels(prompt))
    wednesday = week["prompt2"]
    assert isinstance(wednesday, Message) and wednesday.text is not None
    # The prompt's own words, the library's text and every button: Spanish.
    assert wednesday.text.startswith(ES)
    assert wednesday.text.count(ES) >= 2
    assert all(label.startswith(ES) for label in labels(wednesday))
    assert f"{ES} Alex ✓" in str(week["status2"])
    [nudge] = week["nudges"]  # type: ignore[misc]
    assert nudge.text.startswith(f"{ES} Sam, there's room for your answer")
    [english_nudge] = reference["nudges"]  # type: ignore[misc]
    assert english_nudge.text.startswith("Sam, there's room for your answer")
    # The language changes the words, never which evenings they get.
    assert week["picks"] == reference["picks"] and len(week["picks"]) == 3  # type: ignore[arg-type]


async def test_a_group_added_by_a_russian_speaker_starts_in_russian_and_by_a_german_one_in_english(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    ana, sam = emu.create_user("Ana", language_code="ru"), emu.create_user("Sam")
    lena, kai = emu.create_user("Lena", language_code="de"), emu.create_user("Kai")

    russian = emu.create_group("Ana & Sam", [ana, sam], added_by=ana)
    german = emu.create_group("Lena & Kai", [lena, kai], added_by=lena)
    await emu.settle()

    [hello] = emu.bot_messages(russian)
    [hallo] = emu.bot_messages(german)
    assert hello.text is not None and hello.text.startswith(RU)
    assert hallo.text is not None and not hallo.text.startswith("[")
    assert await chat_language(bot, russian.id) == "ru"
    assert await chat_language(bot, german.id) == "en"
    # An existing chat keeps its language, whoever adds the bot again.
    emu.remove_bot(russian, sam)
    emu.add_bot(russian, sam)
    await emu.settle()
    assert await chat_language(bot, russian.id) == "ru"


async def test_a_regional_telegram_language_starts_the_group_in_the_bots_nearest_one(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    rui, sam = emu.create_user("Rui", language_code="pt-br"), emu.create_user("Sam")
    group = emu.create_group("Rui & Sam", [rui, sam], added_by=rui)
    await emu.settle()
    assert await chat_language(bot, group.id) == "pt-BR"

    ines, ben = emu.create_user("Inés", language_code="es-419"), emu.create_user("Ben")
    second = emu.create_group("Inés & Ben", [ines, ben], added_by=ines)
    await emu.settle()
    assert await chat_language(bot, second.id) == "es"


async def test_a_private_chat_follows_its_persons_language_not_the_groups(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    lucia = emu.create_user("Lucía", language_code="es")
    ivan = emu.create_user("Ivan", language_code="ru")

    answers = {}
    for user in (lucia, ivan, couple.alex):
        chat = emu.private_chat(user)
        mark = emu.mark()
        emu.send_command(chat, user, "/start")
        answers[user.first_name] = (await emu.wait_for_message(chat.id, since=mark)).text or ""

    assert answers["Lucía"].startswith(ES)
    assert answers["Ivan"].startswith(RU)
    assert not answers["Alex"].startswith("[")
    # Their group keeps its own language.
    assert await chat_language(bot, couple.chat.id) == "en"


async def test_language_shows_one_button_a_language_and_a_press_switches_and_answers_in_it(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, "/language")
    panel = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()
    assert panel.text is not None and "English" in panel.text
    assert labels(panel) == ["✓ English", "Español", "Português (Brasil)", "Русский"]

    toast = await press(bot, couple, panel, "lang:ru")

    assert toast == f"{RU} Done — from now on I'll speak Русский here. 💬"
    now = now_message(bot, couple, panel.message_id)
    assert now.text == toast
    assert labels(now) == ["English", "Español", "Português (Brasil)", f"{RU} ✓ Русский"]
    assert await chat_language(bot, couple.chat.id) == "ru"
    assert (await press_time(bot, couple, "/settings")).startswith(RU)


async def test_language_takes_a_code_or_a_name_in_any_case(bot: RunningBot, couple: Couple) -> None:
    said = {}
    for typed, code in (("ESPAÑOL", "es"), ("pt", "pt-BR"), ("pt-br", "pt-BR"), ("русский", "ru")):
        said[typed] = await press_time(bot, couple, f"/language {typed}")
        assert await chat_language(bot, couple.chat.id) == code
    assert said["pt"].startswith(marker("pt-BR"))
    assert "already" in said["pt-br"]
    assert (await press_time(bot, couple, "/language english")).startswith("Done")
    assert await chat_language(bot, couple.chat.id) == "en"


async def test_an_unknown_language_gets_the_list_and_changes_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    answer = await press_time(bot, couple, "/language klingon")

    assert "klingon" in answer
    assert "English, Español, Português (Brasil), Русский" in answer
    assert await chat_language(bot, couple.chat.id) == "en"


async def test_forged_or_unknown_language_buttons_change_nothing(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    welcome = emu.bot_messages(couple.chat)[0]  # no language buttons on it
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, "/language")
    panel = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()

    alerts = [
        await forge(bot, couple, message, data)
        for message, data in ((welcome, "lang:es"), (panel, "lang:xx"), (panel, "lang:de"))
    ]

    assert all(alerts)  # each gets the kind "that button is not here" alert
    assert await chat_language(bot, couple.chat.id) == "en"
    assert labels(now_message(bot, couple, panel.message_id))[0] == "✓ English"


async def test_a_guest_cannot_switch_the_language(bot: RunningBot, couple: Couple) -> None:
    emu = bot.emulator
    guest = emu.create_user("Robin", language_code="es")
    emu.add_member(couple.chat, guest)
    mark = emu.mark()
    emu.send_command(couple.chat, couple.alex, "/language")
    panel = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()

    mark = emu.mark()
    query = emu.press_button(couple.chat, guest, panel.message_id, "lang:es")
    await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
    mark = emu.mark()
    emu.send_command(couple.chat, guest, "/language es")
    refused = await emu.wait_for_message(couple.chat.id, since=mark)
    await emu.settle()

    assert "only the couple" in str(emu.answered_callbacks[query].get("text"))
    assert refused.text is not None and "only the couple" in refused.text
    assert await chat_language(bot, couple.chat.id) == "en"


async def test_the_command_menu_is_set_in_every_language_by_its_two_letter_code(
    bot: RunningBot,
) -> None:
    emu = bot.emulator
    default = emu.commands()
    menus = {code: emu.commands(language_code=code) for code in ("es", "pt", "ru")}

    assert [c.command for c in default] == list(MENU)
    assert "language" in MENU
    assert not any(c.description.startswith("[") for c in default)
    for code, commands in menus.items():
        assert [c.command for c in commands] == list(MENU)
        expected = marker("pt-BR" if code == "pt" else code)
        assert all(c.description.startswith(expected) for c in commands)
    assert emu.commands(language_code="pt-BR") == []
