"""One chat's flood of commands or button presses neither buries that chat nor stalls the others."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Chat, Message, Update, User

from bot.emulator import Emulator
from bot.kernel.telegram.budget import FloodBudget, Verdict
from bot.kernel.telegram.ordering import PerChatUpdateProcessor
from tests.conftest import Couple, RunningBot, StartBot, eventually

FLOOD = 200
LIMIT = 15  # the default FLOOD_LIMIT
T0 = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


def posted(emu: Emulator, chat_id: int, since: int = 0) -> list[str]:
    """The texts the bot posted into a chat since a mark, in order."""
    return [
        call.result.get("text", "")
        for call in emu.calls[since:]
        if call.ok and call.method.lower() == "sendmessage" and call.result["chat"]["id"] == chat_id
    ]


def slow_down(bot: RunningBot) -> str:
    return bot.services.texts.render("errors.slow_down")


async def group_of(emu: Emulator, title: str, *people: User) -> Chat:
    """A group with the bot in it, its greeting already posted."""
    mark = emu.mark()
    chat = emu.create_group(title, list(people), added_by=people[0])
    await emu.wait_for_message(chat.id, since=mark)
    return chat


# --- The budget, a pure rule -------------------------------------------------------------------


def test_a_chat_gets_its_budget_then_one_notice_then_silence() -> None:
    budget = FloodBudget(3)
    verdicts = [budget.take(-1, T0 + timedelta(seconds=i)) for i in range(8)]
    assert verdicts == [Verdict.HANDLE] * 3 + [Verdict.NOTICE] + [Verdict.DROP] * 4


def test_the_window_slides_and_a_second_notice_waits_a_whole_period() -> None:
    budget = FloodBudget(2, timedelta(seconds=60))
    assert budget.take(-1, T0) is Verdict.HANDLE
    assert budget.take(-1, T0 + timedelta(seconds=30)) is Verdict.HANDLE
    assert budget.take(-1, T0 + timedelta(seconds=40)) is Verdict.NOTICE
    # The first update leaves the window: one more goes through, the next is dropped quietly
    # (the notice was given 20 s ago).
    assert budget.take(-1, T0 + timedelta(seconds=60)) is Verdict.HANDLE
    assert budget.take(-1, T0 + timedelta(seconds=61)) is Verdict.DROP
    # Later, over again: a minute after the first notice, a second one.
    assert budget.take(-1, T0 + timedelta(seconds=95)) is Verdict.HANDLE
    assert budget.take(-1, T0 + timedelta(seconds=99)) is Verdict.DROP
    assert budget.take(-1, T0 + timedelta(seconds=100)) is Verdict.NOTICE


def test_chats_have_budgets_of_their_own_and_zero_means_no_limit() -> None:
    budget = FloodBudget(1)
    assert budget.take(-1, T0) is Verdict.HANDLE
    assert budget.take(-2, T0) is Verdict.HANDLE
    assert budget.take(-1, T0) is Verdict.NOTICE
    unlimited = FloodBudget(0)
    assert all(unlimited.take(-1, T0) is Verdict.HANDLE for _ in range(1000))


def test_the_budget_forgets_chats_that_went_quiet() -> None:
    budget = FloodBudget(5)
    for chat_id in range(5000):
        budget.take(-chat_id - 1, T0 + timedelta(minutes=chat_id))
    assert budget.tracked() <= 1025


# --- Waiting for a chat's turn holds no slot ------------------------------------------------


def message_update(update_id: int, chat_id: int) -> Update:
    alex = User(1000, "Alex", is_bot=False)
    message = Message(update_id, T0, Chat(chat_id, Chat.GROUP), from_user=alex, text="hi")
    return Update(update_id, message=message)


async def test_a_chats_queued_updates_hold_no_slot_so_another_chat_goes_first() -> None:
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()
    started: list[int] = []

    async def handle(update: Update) -> None:
        started.append(update.update_id)
        if update.update_id <= 10:
            await release.wait()

    busy = [message_update(i, -4000000001) for i in range(1, 11)]
    other = message_update(11, -4000000002)
    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in [*busy, other]]
    await eventually(lambda: 11 in started, "the other chat's update started")
    assert started == [1, 11]  # chat 1's nine waiting updates took no slot
    assert processor.current_concurrent_updates == 10
    assert processor.max_concurrent_updates == 2
    release.set()
    await asyncio.gather(*tasks)
    assert started == [1, 11, *range(2, 11)]
    assert processor.current_concurrent_updates == 0


# --- Through the emulator --------------------------------------------------------------------


async def test_a_member_sending_200_exercises_gets_a_few_answers_one_notice_and_then_silence(
    bot: RunningBot, couple: Couple, caplog: pytest.LogCaptureFixture
) -> None:
    emu = bot.emulator
    emu.limits.enable()  # Telegram's limits: 30 messages/s, 20 a minute into one group
    caplog.set_level(logging.INFO, logger="bot.kernel.telegram.flood")
    mark = emu.mark()
    for _ in range(FLOOD):
        emu.send_command(couple.chat, couple.alex, "/exercise")
    await emu.settle()

    texts = posted(emu, couple.chat.id, mark)
    assert texts.count(slow_down(bot)) == 1
    assert texts[-1] == slow_down(bot)  # then silence
    assert len(texts) == LIMIT + 1
    assert emu.limits.stats.throttled == 0
    assert emu.pending_updates() == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.kernel.telegram.flood"]
    over = [line for line in lines if "over its flood limit" in line]
    assert len(over) == 1 and str(couple.chat.id) in over[0] and "/exercise" not in over[0]


async def test_another_group_is_answered_while_one_group_floods(bot: RunningBot) -> None:
    emu = bot.emulator
    emu.limits.enable()
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    bo, cy = emu.create_user("Bo"), emu.create_user("Cy")
    flooded = await group_of(emu, "Alex & Sam", alex, sam)
    calm = await group_of(emu, "Bo & Cy", bo, cy)

    mark = emu.mark()
    for _ in range(FLOOD):
        emu.send_command(flooded, alex, "/exercise")
    emu.send_command(calm, bo, "/settings")
    answer = await emu.wait_for_message(calm.id, since=mark)

    assert answer.text is not None and "Europe/Berlin" in answer.text
    await emu.settle()
    assert len(posted(emu, flooded.id, mark)) == LIMIT + 1
    assert emu.limits.stats.throttled == 0


async def test_with_no_flood_limit_one_groups_slow_backlog_does_not_hold_up_another_group(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(flood_limit=0, rate_limit=False)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    bo, cy = emu.create_user("Bo"), emu.create_user("Cy")
    flooded = await group_of(emu, "Alex & Sam", alex, sam)
    calm = await group_of(emu, "Bo & Cy", bo, cy)
    # Every answer into the flooded group comes back slowly, as when its sends wait their turn.
    emu.faults.delay("sendMessage", seconds=0.5, times=None, chat_id=flooded.id)

    mark = emu.mark()
    for _ in range(FLOOD):
        emu.send_command(flooded, alex, "/exercise")
    await eventually(lambda: posted(emu, flooded.id, mark), "the flooded group's first answer")
    emu.send_command(calm, bo, "/settings")
    await emu.wait_for_message(calm.id, since=mark)

    # Answered while most of the flood was still waiting its turn.
    assert len(posted(emu, flooded.id, mark)) < FLOOD // 4
    assert bot.runner.app.update_processor.current_concurrent_updates > FLOOD // 2
    emu.faults.clear()
    await emu.settle(timeout=60)


async def test_a_guests_commands_spend_the_same_budget_as_the_couples(
    start_bot: StartBot,
) -> None:
    # The bot's own send limiter keeps real time (a minute per 20 messages into a group) while
    # this test moves the bot's clock: off here, so only the flood budget decides.
    bot = await start_bot(rate_limit=False)
    emu = bot.emulator
    alex, sam, kim = emu.create_user("Alex"), emu.create_user("Sam"), emu.create_user("Kim")
    chat = await group_of(emu, "Alex, Sam & Kim", alex, sam, kim)
    await bot.ask(chat, alex, "/help")
    await bot.ask(chat, sam, "/help")
    for _ in range(LIMIT - 2):
        emu.send_command(chat, kim, "/help")
    await emu.settle()

    assert await bot.ask(chat, alex, "/exercise") == slow_down(bot)

    bot.clock.advance(timedelta(seconds=61))
    assert await bot.ask(chat, alex, "/exercise") != slow_down(bot)


async def test_button_mashing_past_the_budget_is_answered_silently(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    await bot.ask(couple.chat, couple.alex, "/settings")
    panel = emu.bot_messages(couple.chat.id)[-1]

    mark = emu.mark()
    presses = [
        emu.press_button(couple.chat, couple.sam, panel.message_id, "set:weekdays")
        for _ in range(40)
    ]
    await emu.settle()

    answers = [emu.answered_callbacks.get(query_id) for query_id in presses]
    assert all(answer is not None for answer in answers)  # no button left spinning
    texts = [answer.get("text") for answer in answers if answer is not None]
    assert texts.count(slow_down(bot)) == 1
    dropped = texts[texts.index(slow_down(bot)) + 1 :]
    assert len(dropped) == 40 - (LIMIT - 1) - 1 and not any(dropped)
    edits = [c for c in emu.calls[mark:] if c.method.lower() == "editmessagetext"]
    assert len(edits) <= LIMIT - 1
    assert posted(emu, couple.chat.id, mark) == []


async def test_replies_and_commands_to_other_bots_do_not_spend_the_budget(
    bot: RunningBot, couple: Couple
) -> None:
    emu = bot.emulator
    for i in range(3 * LIMIT):
        emu.send_message(couple.chat, couple.sam, f"reply {i}", reply_to=couple.greeting)
        emu.send_command(couple.chat, couple.alex, "/roll@dice_bot")
    await emu.settle()

    assert await bot.ask(couple.chat, couple.alex, "/help") != slow_down(bot)
