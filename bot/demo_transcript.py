"""The demo's transcript: who said what, in order, in the couple's local time.

It watches the emulator's copy of the group: a message it has not seen is a new line, a bot
message whose text changed is an "(edited)" line showing only what changed (the status line
under a prompt, say), and a change to the buttons alone is left out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import Message

from bot.schedule.words import short_date
from bot.texts import Texts

# Continuation lines sit under the text, past the "HH:MM  " column; long lines wrap to fit a
# terminal (and a README code block).
INDENT = " " * 7
WIDTH = 88


class Transcript:
    """Lines of the conversation, with a header whenever the local date changes."""

    def __init__(self, texts: Texts, zone: ZoneInfo, place: str, bot_name: str) -> None:
        self.texts = texts
        self.zone = zone
        self.place = place
        self.bot_name = bot_name
        self.lines: list[str] = []
        self._seen: dict[int, str] = {}
        self._day: date | None = None
        self._first_day: date | None = None

    def intro(self, first: str, second: str) -> None:
        """Say what is about to be shown."""
        intro = self.texts.render("demo.intro", first=first, second=second)
        self.lines += [*textwrap.wrap(intro, WIDTH), ""]

    def observe(self, history: Sequence[Message]) -> None:
        """Add what is new in the chat since the last look: new messages first, then edits."""
        fresh = [m for m in history if m.message_id not in self._seen]
        changed = [
            m
            for m in history
            if m.message_id in self._seen and _words(m) != self._seen[m.message_id]
        ]
        for message in fresh:
            self._new(message)
        for message in changed:
            self._edited(message)
        for message in history:
            self._seen[message.message_id] = _words(message)

    def shown(self, message_id: int) -> str:
        """A message's text as the transcript last showed it ("" if never)."""
        return self._seen.get(message_id, "")

    def tapped(self, moment: datetime, name: str, button: str) -> None:
        """A partner tapped a button."""
        self._add(
            moment,
            self.texts.render("demo.tapped", time=self._time(moment), name=name, button=button),
        )

    def popup(self, moment: datetime, name: str, text: str) -> None:
        """The little notice Telegram shows only to the partner who tapped."""
        line = self.texts.render(
            "demo.popup", time=self._time(moment), bot=self.bot_name, name=name, text=text
        )
        self._add(moment, line)

    def private(self, moment: datetime, name: str, text: str, *, bot: bool) -> None:
        """A line of a partner's private chat with the bot (the bot's, or the partner's)."""
        key = "demo.private_bot" if bot else "demo.private_partner"
        line = self.texts.render(
            key, time=self._time(moment), bot=self.bot_name, name=name, text=_plain(text)
        )
        self._add(moment, line)

    def note(self, moment: datetime, text: str) -> None:
        """A remark of the narrator's (what did not happen), under the time column."""
        self._add(moment, INDENT + text)

    def finish(self, seconds: float) -> None:
        """Close with how long the simulated days took in real time."""
        days = 0
        if self._first_day is not None and self._day is not None:
            days = (self._day - self._first_day).days + 1
        line = self.texts.render("demo.finished", count=days, seconds=f"{seconds:.1f}")
        self.lines += ["", line]

    def text(self) -> str:
        """The whole transcript."""
        return "\n".join(self.lines)

    def _new(self, message: Message) -> None:
        name = message.from_user.first_name if message.from_user else self.bot_name
        moment = message.date
        if message.new_chat_members:
            title = message.chat.title or ""
            line = self.texts.render(
                "demo.added", time=self._time(moment), name=name, title=title, bot=self.bot_name
            )
            self._add(moment, line)
            return
        if message.photo:
            # A picture cannot be printed: the transcript says there is one, then its caption.
            line = self.texts.render(
                "demo.picture", time=self._time(moment), name=name, text=message.caption or ""
            )
            self._add(moment, line)
            self._buttons(message)
            return
        if message.text is None:
            return  # other service messages say nothing a reader needs
        if message.reply_to_message is not None and not _is_bot(message):
            line = self.texts.render(
                "demo.replied", time=self._time(moment), name=name, text=message.text
            )
        else:
            line = self.texts.render(
                "demo.said", time=self._time(moment), name=name, text=message.text
            )
        self._add(moment, line)
        self._buttons(message)

    def _edited(self, message: Message) -> None:
        before = set(self._seen[message.message_id].splitlines())
        news = [
            line for line in _words(message).splitlines() if line.strip() and line not in before
        ]
        if not news:
            return
        moment = message.edit_date or message.date
        name = message.from_user.first_name if message.from_user else self.bot_name
        line = self.texts.render(
            "demo.edited", time=self._time(moment), name=name, text="\n".join(news)
        )
        self._add(moment, line)

    def _buttons(self, message: Message) -> None:
        rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
        for row in rows:
            labels = [self.texts.render("demo.button", label=button.text) for button in row]
            self.lines.append(INDENT + "  ".join(labels))

    def _add(self, moment: datetime, line: str) -> None:
        day = moment.astimezone(self.zone).date()
        if day != self._day:
            if self._day is not None:
                self.lines.append("")
            header = self.texts.render(
                "demo.header", date=short_date(self.texts, day), place=self.place
            )
            self.lines.append(header)
            self._day = day
            self._first_day = self._first_day or day
        first, *rest = line.splitlines()
        self.lines += textwrap.wrap(first, WIDTH, subsequent_indent=INDENT) or [""]
        for part in rest:
            wrapped = textwrap.wrap(part, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT)
            self.lines += wrapped or [""]

    def _time(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%H:%M")


def _plain(text: str) -> str:
    """A private message's text without the question, which the group already showed."""
    return text.strip().splitlines()[-1] if text.strip() else text


def _is_bot(message: Message) -> bool:
    return bool(message.from_user and message.from_user.is_bot)


def _words(message: Message) -> str:
    """A message's text, or a picture's caption."""
    return message.text or message.caption or ""
