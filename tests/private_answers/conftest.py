"""The couple of these tests: both partners known to the bot, the tick at the test's pace."""

from tests.couple_evening import bot, couple

__all__ = ["bot", "couple"]
