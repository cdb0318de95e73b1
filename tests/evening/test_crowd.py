"""A crowd due at one moment: sent early enough to be centred on it, in a fair order, paid or not."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from bot.config import SCHEDULE_SHARE
from bot.kernel.db.models import Chat, Post, Run
from bot.schedule.slots import local_instant
from tests.conftest import RunningBot, StartBot
from tests.couple_evening import EVENING

# Three seconds' worth at Telegram's free 30 messages a second.
CROWD = 90
RATE = 30 * SCHEDULE_SHARE  # what the bot schedules a crowd at
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """Ticked by hand; ``rate_limit=False`` because the test moves the clock."""
    return await start_bot(tick_seconds=3600, rate_limit=False)


async def seed_crowd(
    bot: RunningBot, count: int, due_at: datetime, zone: ZoneInfo = BERLIN, minute: int = -1
) -> list[int]:
    """``count`` groups, known to the bot long since, all choosing the same evening moment."""
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    groups = emu.create_groups(count, [alex, sam])
    local = due_at.astimezone(zone)
    rows = [
        {
            "id": group.id,
            "active": True,
            "timezone": zone.key,
            "send_minute": minute if minute >= 0 else local.hour * 60 + local.minute,
            "next_send_at": due_at,
            "next_slot_date": local.date(),
            # No weekly recap: a quiet Sunday's offer would ride in it instead of a prompt.
            "recap_enabled": False,
        }
        for group in groups
    ]
    async with bot.services.transaction() as session:
        await session.execute(insert(Chat), rows)
    return [group.id for group in groups]


async def runs_of(bot: RunningBot, local_date: date) -> list[Run]:
    async with bot.services.transaction() as session:
        query = select(Run).where(Run.local_date == local_date).order_by(Run.sent_at)
        return list((await session.scalars(query)).all())


def evening_order(bot: RunningBot, since: int) -> list[int]:
    """The chats the bot posted into, in the order it did."""
    return [
        int(call.params["chat_id"])
        for call in bot.emulator.calls[since:]
        if call.method == "sendMessage" and call.ok
    ]


async def test_a_crowd_larger_than_the_rate_starts_before_its_minute_centred_on_it(
    start_bot: StartBot,
) -> None:
    # One send at a time, so each is stamped before the simulated clock moves to the next.
    bot = await start_bot(tick_seconds=3600, rate_limit=False, send_concurrency=1)
    await seed_crowd(bot, CROWD, EVENING)
    half = timedelta(seconds=CROWD / (2 * RATE))

    # The tick before the crowd's first send plans it and then follows its schedule.
    bot.clock.set(EVENING - half - timedelta(seconds=30))
    result = await bot.runner.evening.tick()

    assert result.sent.sent == CROWD
    runs = await runs_of(bot, EVENING.astimezone(BERLIN).date())
    assert len(runs) == CROWD
    offsets = [(run.sent_at - EVENING).total_seconds() for run in runs if run.sent_at]
    assert len(offsets) == CROWD
    # The first goes N/(2R) early, no earlier; the last about as late; half on each side.
    assert offsets[0] == pytest.approx(-half.total_seconds(), abs=0.001)
    assert offsets[-1] == pytest.approx(half.total_seconds() - 1 / RATE, abs=0.001)
    assert sum(offset < 0 for offset in offsets) == CROWD // 2
    assert all(run.due_at == EVENING for run in runs)


async def test_a_prompt_sent_early_counts_answers_and_nudges_from_its_sending_on_its_evening(
    bot: RunningBot,
) -> None:
    await seed_crowd(bot, CROWD, EVENING)
    bot.clock.set(EVENING - timedelta(seconds=30))
    await bot.runner.evening.tick()

    first = (await runs_of(bot, EVENING.astimezone(BERLIN).date()))[0]
    async with bot.services.transaction() as session:
        post = await session.scalar(select(Post).where(Post.run_id == first.id))
    assert post is not None and first.sent_at is not None
    # Answers and nudges count from the post's time: when it went out, before the minute.
    assert post.posted_at == first.sent_at < EVENING
    assert first.local_date == EVENING.astimezone(BERLIN).date()


async def test_the_order_within_a_crowd_changes_from_day_to_day(bot: RunningBot) -> None:
    chats = await seed_crowd(bot, CROWD, EVENING)
    orders = []
    for day in range(2):
        mark = bot.emulator.mark()
        bot.clock.set(EVENING + timedelta(days=day) - timedelta(seconds=30))
        await bot.runner.evening.tick()
        orders.append(evening_order(bot, mark))

    first, second = orders
    assert sorted(first) == sorted(second) == sorted(chats)
    assert first != second
    # The couples last on one evening are mostly not the ones last on the next.
    last = CROWD // 3
    assert len(set(first[-last:]) & set(second[-last:])) < last // 2


async def test_paid_broadcasts_go_out_with_allow_paid_broadcast_under_the_paid_ceiling(
    start_bot: StartBot,
) -> None:
    bot = await start_bot(tick_seconds=3600, rate_limit=False, paid_broadcast=True)
    emu = bot.emulator
    await seed_crowd(bot, CROWD, EVENING)
    # Far more than 30 a second, well under the paid ceiling: only paid sends pass.
    emu.limits.enable(global_per_second=30, group_per_minute=20, paid_per_second=1000)
    mark = emu.mark()
    bot.clock.set(EVENING - timedelta(seconds=30))
    result = await bot.runner.evening.tick()
    emu.limits.disable()

    sends = [c for c in emu.calls[mark:] if c.method == "sendMessage"]
    assert result.sent.sent == CROWD
    assert len(sends) == CROWD
    assert all(str(c.params.get("allow_paid_broadcast")).lower() == "true" for c in sends)
    assert emu.limits.stats.throttled == 0
    assert emu.limits.stats.paid_sends == CROWD
    # At 1,000 a second the crowd needs 45 ms either side of its minute.
    runs = await runs_of(bot, EVENING.astimezone(BERLIN).date())
    assert all(
        run.sent_at is not None and abs(run.sent_at - EVENING) < timedelta(seconds=0.1)
        for run in runs
    )


# (zone, local time, the night of the change): repeated hours and gaps, one at midnight.
DST_NIGHTS = [
    ("Europe/Berlin", 2 * 60 + 30, date(2027, 10, 31)),
    ("America/New_York", 2 * 60 + 15, date(2027, 3, 14)),
    ("America/Havana", 0 * 60 + 30, date(2027, 3, 14)),
]


@pytest.mark.parametrize(("zone_name", "minute", "night"), DST_NIGHTS)
async def test_a_crowd_sent_early_still_gets_one_prompt_a_local_day_across_dst(
    bot: RunningBot, zone_name: str, minute: int, night: date
) -> None:
    zone = ZoneInfo(zone_name)
    days = [night + timedelta(days=d) for d in (-1, 0, 1)]
    slots = [local_instant(day, minute, zone) for day in days]
    crowd = 45  # a second and a half's worth: each evening starts 0.75 s early
    await seed_crowd(bot, crowd, slots[0], zone, minute)
    bot.clock.set(slots[0] - timedelta(hours=3))
    early = timedelta(seconds=crowd / (2 * RATE))
    # Ticks every half hour through each night, and the one just before each crowd starts.
    moments = {slot - early - timedelta(seconds=30) for slot in slots}
    for slot in slots:
        moments |= {slot + timedelta(minutes=m) for m in range(-90, 151, 30)}
    for moment in sorted(moments):
        if moment > bot.clock.now():
            bot.clock.set(moment)
            await bot.runner.evening.tick()

    async with bot.services.transaction() as session:
        runs = (await session.scalars(select(Run))).all()
    assert sorted({run.local_date for run in runs}) == days
    for day, slot in zip(days, slots, strict=True):
        tonight = [run for run in runs if run.local_date == day]
        assert len(tonight) == crowd
        assert {run.due_at for run in tonight} == {slot}
        # A quiet couple's third evening may be a rest (the activities' quiet rule).
        assert {(run.status, run.reason) for run in tonight} <= {
            ("sent", None),
            ("skipped", "resting"),
        }
        sent = sorted(run.sent_at for run in tonight if run.sent_at)
        if day <= night:
            assert len(sent) == crowd
        if sent:
            assert slot - early <= sent[0] < slot
            assert sent[-1] < slot + early
    sends = [c for c in bot.emulator.calls if c.method == "sendMessage" and c.ok]
    assert len(sends) == sum(run.status == "sent" for run in runs)
