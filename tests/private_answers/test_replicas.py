"""Two replicas on PostgreSQL, each handed one partner's private answer at the same instant."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from telegram import Message, Update, User

from bot.features.private_answers.service import reveal_if_due
from bot.kernel.db.models import Answer, Partner, Post, PrivateAnswer, PrivateReveal
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import EVENING
from tests.private_answers.flow import group_after, link, start

HEADER = "🔓 You both answered — here's what you said"


def private_update(bot: RunningBot, who: User, text: str, update_id: int) -> Update:
    """A partner's private message, stored in the emulator but handed to one replica by hand."""
    world = bot.emulator.world
    message = world.store(world.chats[who.id], from_user=who, text=text)
    return Update.de_json(Update(update_id, message=message).to_dict(), bot.runner.app.bot)  # type: ignore[return-value]


@pytest.mark.postgres
async def test_two_replicas_given_both_private_answers_at_once_reveal_exactly_once(
    start_bot: StartBot, pg_url: str
) -> None:
    first = await start_bot("webhook", database_url=pg_url, tick_seconds=3600)
    second = await start_bot("webhook", database_url=pg_url, tick_seconds=3600)
    emu = first.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    couple = Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])
    first.clock.set(EVENING)
    await second.runner.evening.tick()
    await emu.settle()
    prompt: Message = emu.bot_messages(chat.id)[-1]
    for who in (alex, sam):
        await start(second, who, await link(second, couple, who, prompt))

    await asyncio.gather(
        first.runner.app.process_update(private_update(first, alex, "Alex, at once", 900001)),
        second.runner.app.process_update(private_update(second, sam, "Sam, at once", 900002)),
    )
    await emu.settle()

    shown = [m.text for m in group_after(second, couple, prompt)]
    assert len([t for t in shown if t and t.startswith(HEADER)]) == 1, shown
    assert sorted(shown[1:]) == ["Alex, at once", "Sam, at once"]
    async with first.services.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(PrivateReveal)) == 1


@pytest.mark.postgres
async def test_replicas_racing_to_claim_a_completed_pair_claim_it_once(
    start_bot: StartBot, pg_url: str
) -> None:
    first = await start_bot("webhook", database_url=pg_url, tick_seconds=3600)
    second = await start_bot("webhook", database_url=pg_url, tick_seconds=3600)
    emu = first.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Alex & Sam", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    await first.runner.evening.tick()  # the chat's first prompt is not due: nothing is posted
    for round_ in range(5):
        post_id = await completed_pair(first, chat.id, 100 + round_)

        claims = await asyncio.gather(
            *(reveal_if_due(bot.services, post_id) for bot in (first, second) * 3)
        )

        assert len([c for c in claims if c is not None]) == 1


async def completed_pair(bot: RunningBot, chat_id: int, message_id: int) -> int:
    """A post both partners answered privately, as the rows stand just before the reveal."""
    now = bot.clock.now()
    async with bot.services.transaction() as session:
        post = Post(chat_id=chat_id, message_id=message_id, kind="evening", posted_at=now)
        session.add(post)
        await session.flush()
        partners = (await session.scalars(select(Partner).where(Partner.chat_id == chat_id))).all()
        for number, partner in enumerate(partners):
            session.add(
                Answer(post_id=post.id, partner_id=partner.id, answered_at=now, how="private")
            )
            session.add(
                PrivateAnswer(
                    chat_id=chat_id,
                    post_id=post.id,
                    partner_id=partner.id,
                    user_id=partner.user_id,
                    opened_at=now,
                    answered_at=now,
                    message_id=number + 1,
                    kind="text",
                    state="hidden",
                    replaced=0,
                )
            )
        return post.id
