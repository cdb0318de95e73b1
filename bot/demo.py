"""``quality-time demo``: a couple's first week with the bot, printed as a readable transcript.

The emulator and the real bot run in this one process against a temporary SQLite database and a
simulated clock that the script moves by hand, as the behaviour tests do: a week takes seconds
and needs neither a bot token nor the network. ``run_demo()`` returns the transcript.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import Chat, Message, User

from bot.app import StartupError, build_services
from bot.clock import ManualClock
from bot.config import Settings
from bot.demo_transcript import Transcript
from bot.emulator import Emulator
from bot.logs import setup_logging
from bot.paths import project_root
from bot.runner import BotRunner
from bot.schedule.slots import local_instant
from bot.texts import Texts

TOKEN = "123456:DEMO-TOKEN"  # noqa: S105 - the local emulator's, not a secret
BOT_USERNAME = "QualityTimeBot"
ZONE = ZoneInfo("Europe/Lisbon")
CITY = "Lisbon"
MONDAY = date(2026, 11, 23)
# Early enough that a nudge two hours after the first answer still comes before quiet hours.
EVENING = "19:00"
# How long the bot must stay silent after an action before the next step (real seconds).
SETTLE = 0.1


@dataclass
class Stage:
    """Everything a scene needs: the emulator, the bot, the clock, and the couple."""

    emulator: Emulator
    runner: BotRunner
    clock: ManualClock
    texts: Texts
    transcript: Transcript
    first: User
    second: User
    chat: Chat | None = None

    @property
    def group(self) -> Chat:
        """The couple's group (created in the first scene)."""
        assert self.chat is not None
        return self.chat

    def at(self, day: int, clock_time: str) -> None:
        """Move the clock to a local time on the ``day``-th day of the demo."""
        hours, minutes = clock_time.split(":")
        minute = int(hours) * 60 + int(minutes)
        self.clock.set(local_instant(MONDAY + timedelta(days=day), minute, ZONE))

    def newest(self) -> Message:
        """The bot's latest message in the group."""
        return self.emulator.bot_messages(self.group)[-1]

    def newest_with(self, data: str) -> Message:
        """The bot's latest message in the group with a button carrying ``data`` (a recap's
        words may come apart from its picture when they are too long for a caption)."""
        for message in reversed(self.emulator.bot_messages(self.group)):
            rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
            if any(button.callback_data == data for row in rows for button in row):
                return message
        return self.newest()

    async def create_group(self) -> None:
        """The first partner creates the group with the bot in it; the bot says hello."""
        emu = self.emulator
        mark = emu.mark()
        title = self.texts.render(
            "demo.title", first=self.first.first_name, second=self.second.first_name
        )
        self.chat = emu.create_group(title, [self.first, self.second], added_by=self.first)
        await emu.wait_for_message(self.group.id, since=mark)
        await self._settled()

    async def say(self, who: User, text: str, reply_to: Message | None = None) -> None:
        """A partner writes (a command, or a reply to one of the bot's messages)."""
        emu = self.emulator
        mark = emu.mark()
        emu.send_message(self.group, who, text, reply_to=reply_to)
        # A reply is counted by editing the prompt; a command gets an answer (words or a picture).
        if reply_to is not None:
            await emu.wait_for_call("editMessageText", since=mark, chat_id=self.group.id)
        else:
            await emu.wait_for_message(self.group.id, since=mark)
        await self._settled()

    async def tap(self, who: User, message: Message, data: str) -> None:
        """A partner taps one of the buttons under a message."""
        emu = self.emulator
        rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
        label = next(b.text for row in rows for b in row if b.callback_data == data)
        self.transcript.tapped(self.clock.now(), who.first_name, label)
        mark = emu.mark()
        query = emu.press_button(self.group, who, message.message_id, data)
        await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
        await self._settled()
        # The pop-up only the tapper sees; left out when the message itself (or the answer
        # under a picture, whose caption stays) now says the same.
        popup = str(emu.answered_callbacks[query].get("text") or "")
        said = (
            self.transcript.shown(message.message_id),
            self.transcript.shown(self.newest().message_id),
        )
        if popup and not any(popup in words for words in said):
            self.transcript.popup(self.clock.now(), who.first_name, popup)

    async def tick(self, day: int, clock_time: str) -> int:
        """Let the bot's scheduler run once at a local time; return how many messages it sent."""
        self.at(day, clock_time)
        before = len(self.emulator.bot_messages(self.group))
        await self.runner.evening.tick()
        await self._settled()
        return len(self.emulator.bot_messages(self.group)) - before

    async def answer_privately(
        self, who: User, prompt: Message, answer: str, *, completes: bool = False
    ) -> None:
        """A partner taps "Answer privately", opens the link in private, and answers there.

        ``completes``: the other partner has answered already, so the reveal follows.
        """
        emu = self.emulator
        self.transcript.tapped(self.clock.now(), who.first_name, _label(prompt, "privately"))
        mark = emu.mark()
        query = emu.press_button(self.group, who, prompt.message_id, "privately")
        await emu.wait_for_call("answerCallbackQuery", since=mark, callback_query_id=query)
        url = str(emu.answered_callbacks[query].get("url") or "")
        payload = url.partition("?start=")[2]
        private = emu.private_chat(who)
        await self._in_private(who, lambda: emu.send_command(private, who, f"/start {payload}"))
        self.transcript.private(self.clock.now(), who.first_name, answer, bot=False)
        mark = emu.mark()
        await self._in_private(who, lambda: emu.send_message(private, who, answer), edits=True)
        if completes:
            # The answer given last is copied last.
            await emu.wait_for_call("copyMessage", since=mark, from_chat_id=who.id)
            await self._settled()

    async def _in_private(
        self, who: User, act: Callable[[], object], *, edits: bool = False
    ) -> None:
        """Do something in the partner's private chat; show what the bot said back there, then
        what changed in the group."""
        emu = self.emulator
        before = len(emu.bot_messages(who.id)) if who.id in emu.world.chats else 0
        mark = emu.mark()
        act()
        await emu.wait_for_message(who.id, since=mark)
        if edits:  # an answer: the prompt's status line changes too
            await emu.wait_for_call("editMessageText", since=mark, chat_id=self.group.id)
        await emu.settle(quiet=SETTLE)
        for said in emu.bot_messages(who.id)[before:]:
            self.transcript.private(self.clock.now(), who.first_name, said.text or "", bot=True)
        self.transcript.observe(emu.chat_history(self.group))

    def note(self, text: str) -> None:
        """Add a narrator's remark at the current time."""
        self.transcript.note(self.clock.now(), text)

    async def _settled(self) -> None:
        await self.emulator.settle(quiet=SETTLE)
        self.transcript.observe(self.emulator.chat_history(self.group))


async def _monday(stage: Stage) -> None:
    """The bot joins; they pick an evening time and a zone; both answer the first question."""
    robin, sam, lines = stage.first, stage.second, stage.texts
    stage.at(0, "10:00")
    await stage.create_group()
    stage.at(0, "10:02")
    await stage.say(robin, f"/time {EVENING}")
    stage.at(0, "10:03")
    await stage.say(sam, f"/timezone {CITY}")
    await stage.tick(0, EVENING)
    prompt = stage.newest()
    stage.at(0, "19:14")
    await stage.say(robin, lines.render("demo.lines.monday_first"), reply_to=prompt)
    stage.at(0, "19:37")
    await stage.say(sam, lines.render("demo.lines.monday_second"), reply_to=prompt)


async def _tuesday(stage: Stage) -> None:
    """One answers; two hours later the other gets one kind nudge, and answers too."""
    robin, sam, lines = stage.first, stage.second, stage.texts
    await stage.tick(1, EVENING)
    prompt = stage.newest()
    stage.at(1, "19:18")
    await stage.say(sam, lines.render("demo.lines.tuesday_second"), reply_to=prompt)
    await stage.tick(1, "20:30")  # too soon for a nudge
    await stage.tick(1, "21:20")
    stage.at(1, "21:41")
    await stage.say(robin, lines.render("demo.lines.tuesday_first"), reply_to=prompt)


async def _wednesday(stage: Stage) -> None:
    """They talk it over (or do it) together instead, and tap the prompt's button for that:
    "We talked in person", or "Done" under a prompt to do together."""
    await stage.tick(2, EVENING)
    prompt = stage.newest()
    stage.at(2, "21:02")
    markup = prompt.reply_markup
    together = markup.inline_keyboard[0][0].callback_data if markup else None
    await stage.tap(stage.first, prompt, str(together))


async def _quiet_evenings(stage: Stage) -> None:
    """Thursday to Saturday: busy days, and nobody answers."""
    for day in (3, 4, 5):
        await stage.tick(day, EVENING)
        stage.at(day, "23:00")
        stage.note(stage.texts.render("demo.no_answer"))


async def _sunday(stage: Stage) -> None:
    """A quiet stretch brings an activity instead of a question, in the weekly recap."""
    if not await stage.tick(6, EVENING):
        stage.note(stage.texts.render("demo.in_recap"))
    await stage.tick(6, "19:01")
    offer = stage.newest_with("act:1")  # the recap, carrying tonight's ideas
    stage.at(6, "19:40")
    await stage.tap(stage.second, offer, "act:1")


async def _follow_up(stage: Stage) -> None:
    """The evenings rest while they go and do it; three days later the bot asks how it went."""
    for day in (7, 8):
        if not await stage.tick(day, EVENING):
            stage.note(stage.texts.render("demo.resting"))
    await stage.tick(9, EVENING)
    follow_up = stage.newest_with("fu:done")
    stage.at(9, "19:25")
    await stage.tap(stage.first, follow_up, "fu:done")
    stage.at(9, "19:26")
    await stage.say(stage.second, "/stats")


async def _private_evening(stage: Stage) -> None:
    """Each answers privately; once both have, the bot shows the two answers together."""
    lines = stage.texts
    await stage.tick(10, EVENING)
    prompt = stage.newest()
    stage.at(10, "19:12")
    await stage.answer_privately(stage.second, prompt, lines.render("demo.lines.private_second"))
    stage.at(10, "19:48")
    await stage.answer_privately(
        stage.first, prompt, lines.render("demo.lines.private_first"), completes=True
    )


def _label(message: Message, data: str) -> str:
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    return next(str(b.text) for row in rows for b in row if b.callback_data == data)


SCENES = (
    _monday,
    _tuesday,
    _wednesday,
    _quiet_evenings,
    _sunday,
    _follow_up,
    _private_evening,
)


def _settings(folder: Path, api_url: str, prompts_dir: Path | None = None) -> Settings:
    """Settings for the demo alone: an operator's .env or environment must not leak in."""
    root = project_root()
    return Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=api_url,
        database_url=f"sqlite+aiosqlite:///{folder / 'demo.db'}",
        default_timezone="UTC",
        exercises_file=root / "exercises.yaml",
        prompts_dir=prompts_dir or root / "prompts",
        language="en",
        webhook_url=None,
        # The script ticks by hand; the repeating job never comes round during the demo.
        tick_seconds=3600,
        # The emulator does not enforce Telegram's limits here, and waiting for them would
        # turn seconds into minutes.
        rate_limit=False,
    )


async def _play(
    emulator: Emulator,
    clock: ManualClock,
    folder: Path,
    language: str = "en",
    prompts_dir: Path | None = None,
) -> Transcript:
    """Start the bot against the emulator, play every scene, stop the bot.

    The couple's Telegram speaks ``language``: the group starts in it (the bot's words and
    the library's), and the transcript's own lines are in it too.
    """
    services = build_services(_settings(folder, emulator.url, prompts_dir), clock=clock)
    speaks = services.languages.match(language)
    if speaks is None:
        names = ", ".join(
            f"{code} ({services.languages.name(code)})" for code in services.languages.codes
        )
        raise StartupError(
            services.texts.render("cli.demo_unknown_language", given=language, languages=names)
        )
    texts = services.words_for(speaks)
    transcript = Transcript(texts, ZONE, CITY, emulator.bot.first_name)
    runner = BotRunner(services, poll_timeout=1.0)
    stage = Stage(
        emulator,
        runner,
        clock,
        texts,
        transcript,
        emulator.create_user(texts.render("demo.first"), language_code=speaks),
        emulator.create_user(texts.render("demo.second"), language_code=speaks),
    )
    transcript.intro(stage.first.first_name, stage.second.first_name)
    try:
        await runner.start()
        for scene in SCENES:
            await scene(stage)
    finally:
        await runner.stop()
    return transcript


async def run_demo(language: str = "en", prompts_dir: Path | None = None) -> str:
    """Play the week in a language (a code the bot speaks) and return its transcript;
    :class:`StartupError` for a language it does not speak. ``prompts_dir``: other words than
    the shipped ones (tests)."""
    started = time.perf_counter()
    clock = ManualClock(local_instant(MONDAY, 9 * 60, ZONE))
    # The emulator dates messages by the same simulated clock the bot reads.
    emulator = Emulator(
        token=TOKEN, bot_username=BOT_USERNAME, clock=lambda: clock.now().timestamp()
    )
    await emulator.start(host="127.0.0.1", port=0)
    try:
        with tempfile.TemporaryDirectory(prefix="quality-time-demo-") as folder:
            transcript = await _play(emulator, clock, Path(folder), language, prompts_dir)
    finally:
        await emulator.stop()
    transcript.finish(time.perf_counter() - started)
    return transcript.text()


def main(language: str = "en") -> int:
    """Entry point of ``quality-time demo``: play the week and print the transcript."""
    # Only real problems reach the terminal; the transcript is the output.
    setup_logging("WARNING", TOKEN)
    try:
        transcript = asyncio.run(run_demo(language))
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(transcript)
    return 0
