"""A local Telegram Bot API emulator for tests, benchmarks and the demo."""

from bot.emulator.driver import Emulator
from bot.emulator.state import Call
from bot.emulator.updates import WebhookDelivery

__all__ = ["Call", "Emulator", "WebhookDelivery"]
