"""The operator's metrics, scraped over HTTP: every metric moves when its event happens.

Webhook mode serves them at /metrics on the webhook server; polling mode on METRICS_PORT. The
events are the couple's own, played through the emulator; the faults are the emulator's.
"""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.kernel.metrics import Metrics, call_outcome, exported_names, method_of
from tests.conftest import Couple, RunningBot, StartBot
from tests.couple_evening import EVENING, couple, evening, nudges, press, press_time, reply

__all__ = ["couple"]

Labels = tuple[tuple[str, str], ...]
Scrape = dict[tuple[str, Labels], float]


async def scrape(url: str) -> Scrape:
    """GET a /metrics page and read every sample in it."""
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Scrape, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series does not exist (yet)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def moved(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def webhook_metrics_url(bot: RunningBot) -> str:
    return f"http://127.0.0.1:{bot.services.settings.webhook_port}/metrics"


def port_metrics_url(bot: RunningBot) -> str:
    server = bot.runner.metrics_server
    assert server is not None and server.port
    return f"http://127.0.0.1:{server.port}/metrics"


@pytest.fixture
async def bot(start_bot: StartBot) -> RunningBot:
    """Webhook mode, the tick at the test's pace (the couple fixture greets both partners)."""
    return await start_bot("webhook", tick_seconds=3600, rate_limit=False)


async def test_webhook_metrics_count_prompts_answers_nudges_offers_calls_and_errors(
    bot: RunningBot, couple: Couple
) -> None:
    emu, url = bot.emulator, webhook_metrics_url(bot)
    await press_time(bot, couple, "/time 18:00")  # so a nudge is due before quiet hours
    start = await scrape(url)

    # An evening prompt, one second after it was due; Alex replies to it.
    prompt = await evening(bot, after=timedelta(hours=-2, minutes=-30, seconds=1))
    assert prompt is not None
    posted = await scrape(url)
    await reply(bot, couple, "alex", prompt)
    replied = await scrape(url)
    # Two hours on, Sam gets one kind nudge.
    bot.clock.advance(timedelta(hours=2, minutes=5))
    await bot.runner.evening.tick()
    await emu.settle()
    assert len(nudges(bot, couple)) == 1
    nudged = await scrape(url)
    # The next evening they talk it over in person.
    prompt = await evening(bot, 1, after=timedelta(hours=-2, minutes=-30, seconds=1))
    assert prompt is not None
    await press(bot, couple, prompt, "inperson")
    # An idea on demand, then "Another idea".
    await press_time(bot, couple, "/activity")
    idea = emu.bot_messages(couple.chat.id)[-1]
    await press(bot, couple, idea, "act1:another")
    # Telegram answers /help with a 500: the handler fails, the error handler counts it.
    emu.faults.fail("sendMessage", status=500, times=1)
    emu.send_command(couple.chat, couple.alex, "/help")
    await emu.settle()
    end = await scrape(url)

    assert moved(start, posted, "quality_time_prompts_planned_total") == 1
    assert moved(start, posted, "quality_time_prompt_sends_total", outcome="sent") == 1
    assert moved(start, posted, "quality_time_prompt_delay_seconds_count") == 1
    assert moved(start, posted, "quality_time_prompt_delay_seconds_sum") == pytest.approx(1.0)
    assert moved(start, posted, "quality_time_prompt_delay_seconds_bucket", le="1.0") == 1
    assert moved(start, posted, "quality_time_tick_seconds_count") == 1
    assert value(posted, "quality_time_active_chats") == 1
    assert value(posted, "quality_time_runs_waiting") == 0
    assert moved(posted, replied, "quality_time_answers_total", via="reply") == 1
    assert moved(posted, replied, "quality_time_update_seconds_count") >= 1
    assert moved(replied, nudged, "quality_time_nudges_sent_total") == 1
    assert moved(nudged, end, "quality_time_answers_total", via="in_person") == 1
    assert moved(nudged, end, "quality_time_activity_offers_total", source="command") == 1
    assert moved(nudged, end, "quality_time_activity_choices_total", choice="another") == 1
    calls = "quality_time_telegram_calls_total"
    assert moved(start, end, calls, method="sendMessage", outcome="ok") >= 4
    assert moved(start, end, calls, method="editMessageText", outcome="ok") >= 1
    assert moved(nudged, end, calls, method="sendMessage", outcome="5xx") == 1
    assert moved(nudged, end, "quality_time_errors_total", where="update", error="NetworkError")
    assert moved(start, end, "quality_time_telegram_call_seconds_count", method="sendMessage")
    # No label carries a chat's or a person's id.
    ids = {str(couple.chat.id), str(couple.alex.id), str(couple.sam.id)}
    assert not {v for _name, labels in end for _key, v in labels} & ids


async def polling_couple(start_bot: StartBot, **overrides: object) -> tuple[RunningBot, Couple]:
    """A polling bot with its metrics on a free METRICS_PORT, and a couple it knows both of."""
    bot = await start_bot(tick_seconds=3600, rate_limit=False, metrics_port=0, **overrides)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    emu.send_command(chat, sam, "/help")
    await emu.settle()
    return bot, Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])


async def test_polling_metrics_port_counts_quiet_evenings_offers_choices_and_follow_ups(
    start_bot: StartBot,
) -> None:
    bot, couple = await polling_couple(start_bot)
    url = port_metrics_url(bot)
    start = await scrape(url)

    # Planned but not sent yet: the runs waiting gauge counts it.
    bot.clock.set(EVENING + timedelta(seconds=1))
    await bot.runner.evening.plan_due()
    await bot.runner.evening.count()
    waiting = await scrape(url)
    for day in range(3):  # three quiet evenings...
        assert await evening(bot, day) is not None
    offer = await evening(bot, 3)  # ...bring an activity offer
    assert offer is not None
    await press(bot, couple, offer, "act:1")
    offered = await scrape(url)
    follow_up = await evening(bot, 6)
    assert follow_up is not None and (follow_up.text or "").startswith("A few days ago you picked")
    await press(bot, couple, follow_up, "fu:done")
    answered = await scrape(url)
    # The bot was down all evening: day 7's prompt is skipped, not sent hours late.
    bot.clock.set(EVENING + timedelta(days=7, hours=4))
    await bot.runner.evening.tick()
    end = await scrape(url)

    assert value(waiting, "quality_time_runs_waiting") == 1
    assert value(offered, "quality_time_runs_waiting") == 0
    assert moved(start, offered, "quality_time_prompts_planned_total") == 4
    assert moved(start, offered, "quality_time_activity_offers_total", source="evening") == 1
    assert moved(start, offered, "quality_time_activity_choices_total", choice="chosen") == 1
    assert moved(offered, end, "quality_time_activity_follow_ups_total", event="asked") == 1
    assert moved(offered, end, "quality_time_activity_follow_ups_total", event="done") == 1
    assert moved(answered, end, "quality_time_prompts_skipped_late_total") == 1
    calls = "quality_time_telegram_calls_total"
    assert moved(start, end, calls, method="getUpdates", outcome="ok") >= 1


async def test_send_failures_count_as_429_timeout_and_403_with_their_outcomes(
    start_bot: StartBot,
) -> None:
    bot, couple = await polling_couple(start_bot, telegram_timeout=0.3)
    emu, url, chat_id = bot.emulator, port_metrics_url(bot), couple.chat.id
    start = await scrape(url)

    # A 429: the prompt goes back, and out in the same tick after the wait it asked for.
    emu.faults.fail("sendMessage", status=429, times=1, chat_id=chat_id)
    assert await evening(bot, 0) is not None
    limited = await scrape(url)
    # Telegram answers too late: maybe sent, never sent again.
    emu.faults.delay("sendMessage", seconds=0.8, times=1, chat_id=chat_id, deliver=True)
    await evening(bot, 1)
    timed_out = await scrape(url)
    # The couple removed the bot: 403, and the chat no longer counts as active.
    emu.faults.forbid(chat_id)
    await evening(bot, 2)
    end = await scrape(url)

    sends, calls = "quality_time_prompt_sends_total", "quality_time_telegram_calls_total"
    assert moved(start, limited, sends, outcome="retry") == 1
    assert moved(start, limited, sends, outcome="sent") == 1
    assert moved(start, limited, calls, method="sendMessage", outcome="429") == 1
    # Due at the minute, out after the wait the 429 asked for (ManualClock: exact).
    assert moved(start, limited, "quality_time_prompt_delay_seconds_sum") == pytest.approx(2.0)
    assert moved(limited, timed_out, sends, outcome="maybe_sent") == 1
    assert moved(limited, timed_out, calls, method="sendMessage", outcome="timeout") == 1
    assert moved(limited, timed_out, "quality_time_prompt_delay_seconds_count") == 0
    assert moved(timed_out, end, sends, outcome="forbidden") == 1
    assert moved(timed_out, end, calls, method="sendMessage", outcome="403") == 1
    assert value(timed_out, "quality_time_active_chats") == 1
    assert value(end, "quality_time_active_chats") == 0


async def test_the_metrics_port_is_off_by_default_and_listens_on_loopback_when_set(
    start_bot: StartBot,
) -> None:
    quiet = await start_bot(tick_seconds=3600)
    assert quiet.runner.metrics_server is None
    assert quiet.services.settings.metrics_listen == "127.0.0.1"


def test_two_bots_in_one_process_keep_separate_registries() -> None:
    first, second = Metrics(), Metrics()
    first.answered("reply")
    assert b'quality_time_answers_total{via="reply"} 1.0' in first.exposition()
    assert b'quality_time_answers_total{via="reply"} 0.0' in second.exposition()
    assert "quality_time_prompt_delay_seconds_bucket" in exported_names(first)


def test_call_outcomes_and_methods_are_read_from_the_answer_and_the_url() -> None:
    assert [call_outcome(s) for s in (200, 400, 403, 404, 409, 429, 500, 502)] == [
        "ok",
        "4xx",
        "403",
        "4xx",
        "4xx",
        "429",
        "5xx",
        "5xx",
    ]
    assert method_of("https://api.telegram.org/bot123:ABC/sendMessage") == "sendMessage"
    assert method_of("https://api.telegram.org/bot123:ABC/send-Message?x") == "other"
