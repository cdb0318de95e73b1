"""Activities read right: noun titles as labels, invitations as sentences; seasons by latitude;
nothing over four hours on a weekday evening."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.features.activities.rules import longest_on, region_of
from bot.features.activities.view import activity_line, follow_up, quiet_offer, single_offer
from bot.library.activities import pick_activities, season_of
from bot.library.schema import Activity, Library, Season
from bot.texts import Texts
from tests.conftest import ROOT, Couple, RunningBot, StartBot, shipped_content
from tests.couple_evening import press
from tests.small_library import ACTIVITY, write_library

SWIM = {
    **ACTIVITY,
    "id": "act-swim",
    "title": "A swim together",
    "invitation": "Fancy a swim together this week?",
    "description": "Find a pool or a lake and swim a few slow lengths side by side.",
    "minutes": 60,
    "place": "out",
    "energy": "active",
}
SNOW_DAY = {
    **ACTIVITY,
    "id": "act-snow-day",
    "title": "A snow day outside",
    "description": "Wrap up and build a small snow creature.",
    "season": ["winter"],
    "tags": ["snow"],
}
HIKE = {
    **ACTIVITY,
    "id": "act-long-hike",
    "title": "A long hike",
    "description": "A trail you can both manage, water, snacks and a long break with a view.",
    "minutes": 300,
}


def texts_and(activity: dict[str, object]) -> tuple[Texts, Activity]:
    texts = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml").texts
    return texts, Activity.model_validate(activity)


def test_every_activity_template_uses_a_noun_title_as_a_label_or_the_invitation() -> None:
    texts, swim = texts_and(SWIM)

    line = activity_line(texts, 1, swim)
    offer, buttons = quiet_offer(texts, (swim,))
    idea, _ = single_offer(texts, swim)
    asked, _ = follow_up(texts, swim)
    chosen = texts.render_html("activities.chosen", title=swim.title)

    assert line.startswith("1. <b>A swim together</b> — ")
    assert buttons.inline_keyboard[0][0].text == "1. A swim together"
    assert idea.startswith("💡 Fancy a swim together this week?")
    assert asked.startswith("A few days ago you picked: <b>A swim together</b>.")
    assert chosen.startswith("You picked: <b>A swim together</b>.")
    for text in (line, offer, idea, asked, chosen):
        # The title is never run into a sentence ("Did you get to A swim together?").
        assert " to <b>" not in text and "</b> it is" not in text


async def couple_with(
    start_bot: StartBot, tmp_path: Path, activities: list[dict[str, object]], zone: str
) -> tuple[RunningBot, Couple]:
    library = write_library(tmp_path, activities=activities)
    bot = await start_bot(tick_seconds=3600, exercises_file=library, default_timezone=zone)
    emu = bot.emulator
    alex, sam = emu.create_user("Alex"), emu.create_user("Sam")
    chat = emu.create_group("Us", [alex, sam], added_by=alex)
    await emu.settle()
    return bot, Couple(alex, sam, chat, emu.bot_messages(chat.id)[0])


async def test_an_activity_idea_opens_with_its_invitation_and_the_choice_reads_right(
    start_bot: StartBot, tmp_path: Path
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, [SWIM], "Europe/Berlin")

    idea = await bot.ask(couple.chat, couple.alex, "/activity")
    message = bot.emulator.bot_messages(couple.chat.id)[-1]
    answer = await press(bot, couple, message, "act1:yes")

    assert idea.startswith("💡 Fancy a swim together this week?")
    assert answer.startswith("You picked: A swim together.")


@pytest.mark.parametrize(("zone", "offered"), [("Asia/Singapore", False), ("Europe/Berlin", True)])
async def test_singapore_gets_no_snow_day_in_january_and_berlin_does(
    start_bot: StartBot, tmp_path: Path, zone: str, offered: bool
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, [SNOW_DAY], zone)
    bot.clock.set(datetime(2027, 1, 15, 12, 0, tzinfo=UTC))

    idea = await bot.ask(couple.chat, couple.alex, "/activity")

    assert ("A snow day outside" in idea) is offered


@pytest.mark.parametrize(
    ("when", "offered"),
    [
        (datetime(2026, 11, 24, 19, 0, tzinfo=UTC), False),
        (datetime(2026, 11, 27, 19, 0, tzinfo=UTC), True),
    ],
)
async def test_a_five_hour_activity_is_not_offered_on_a_tuesday_but_is_for_the_weekend(
    start_bot: StartBot, tmp_path: Path, when: datetime, offered: bool
) -> None:
    bot, couple = await couple_with(start_bot, tmp_path, [HIKE], "Europe/Berlin")
    bot.clock.set(when)  # Tuesday or Friday evening in Berlin

    idea = await bot.ask(couple.chat, couple.alex, "/activity")

    assert ("A long hike" in idea) is offered
    if offered:
        assert "5 h, for the weekend" in idea
    else:
        assert "couldn't find an activity" in idea


@pytest.mark.parametrize(
    ("zone", "region"),
    [
        ("Asia/Singapore", "tropics"),
        ("America/Bogota", "tropics"),
        ("Asia/Kolkata", "tropics"),
        ("Europe/Berlin", "north"),
        ("Australia/Sydney", "south"),
        ("Antarctica/McMurdo", "south"),
        ("UTC", "north"),
    ],
)
def test_a_zone_lies_in_the_tropics_or_a_hemisphere(zone: str, region: str) -> None:
    assert region_of(zone) == region


def test_the_tropics_never_get_a_winter_or_autumn_only_activity_in_any_month() -> None:
    shipped = shipped_content(ROOT / "prompts", "en", ROOT / "exercises.yaml").library
    library = Library(activities=(*shipped.activities, Activity.model_validate(SNOW_DAY)))
    for month in range(1, 13):
        day = date(2026, month, 15)
        assert season_of(day, "tropics") == Season.SUMMER
        chosen = pick_activities(
            library, count=len(library.activities), season_for=day, hemisphere="tropics", seed=month
        )
        for activity in chosen.activities:
            assert activity.season is None or Season.SUMMER in activity.season
            assert "snow" not in activity.tags


def test_only_friday_to_sunday_evenings_take_activities_over_four_hours() -> None:
    monday = date(2026, 11, 23)
    limits = [longest_on(monday + timedelta(days=n)) for n in range(7)]

    assert limits == [240, 240, 240, 240, None, None, None]
