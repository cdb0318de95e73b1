"""Updates of different chats run side by side; one chat's updates run one at a time, in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.kernel.telegram.ordering import PerChatUpdateProcessor, chat_keys

ALEX = User(1000, "Alex", is_bot=False)
NOW = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)


def message_update(update_id: int, chat_id: int, **fields: int) -> Update:
    message = Message(
        update_id, NOW, Chat(chat_id, Chat.GROUP), from_user=ALEX, text="hi", **fields
    )
    return Update(update_id, message=message)


async def run_all(
    processor: PerChatUpdateProcessor, updates: list[Update], delays: dict[int, float]
) -> tuple[list[str], int]:
    """Hand the updates over in order, as PTB does (one task each); log starts and ends."""
    log: list[str] = []
    running, most = 0, 0

    async def handle(update: Update) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        log.append(f"start {update.update_id}")
        await asyncio.sleep(delays.get(update.update_id, 0.001))
        log.append(f"end {update.update_id}")
        running -= 1

    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
    await asyncio.gather(*tasks)
    return log, most


async def test_a_chats_updates_wait_for_the_slow_one_before_them_while_other_chats_go_on() -> None:
    processor = PerChatUpdateProcessor(8)
    updates = [
        message_update(1, -4000000001),
        message_update(2, -4000000002),
        message_update(3, -4000000001),
        message_update(4, -4000000002),
    ]

    log, most = await run_all(processor, updates, {1: 0.05})

    assert log.index("end 1") < log.index("start 3")
    assert log.index("end 4") < log.index("end 1")  # chat 2 did not wait for chat 1
    assert most >= 2
    assert processor._last == {}  # nothing kept once a chat has nothing in hand


async def test_order_holds_when_more_updates_arrive_than_may_run_at_once() -> None:
    processor = PerChatUpdateProcessor(2)
    chats = [-4000000001, -4000000002, -4000000003]
    updates = [message_update(i, chats[i % 3]) for i in range(1, 31)]

    log, most = await run_all(processor, updates, {1: 0.02, 2: 0.01})

    assert most <= 2
    for chat in chats:
        ids = [u.update_id for u in updates if u.effective_chat and u.effective_chat.id == chat]
        starts = [int(e.split()[1]) for e in log if e.startswith("start")]
        assert [i for i in starts if i in ids] == ids


async def test_a_group_upgrade_waits_for_both_chats_and_both_wait_for_it() -> None:
    old, new = -4000000001, -1002000000001
    processor = PerChatUpdateProcessor(8)
    updates = [
        message_update(1, old),
        message_update(2, old, migrate_to_chat_id=new),
        message_update(3, new),
    ]
    assert chat_keys(updates[1]) == (old, new)

    log, _ = await run_all(processor, updates, {1: 0.03, 2: 0.02})

    assert log == ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]


def test_updates_without_a_chat_share_one_queue() -> None:
    assert chat_keys(Update(1)) == (None,)
    assert chat_keys(object()) == (None,)
