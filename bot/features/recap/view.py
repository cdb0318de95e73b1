"""/recap's answers: the recap's day and when the next one comes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.features.recap.service import RecapAnswer, RecapSettings
from bot.features.stats.view import weekday_name
from bot.schedule.slots import Slot
from bot.schedule.words import when_words
from bot.texts import Texts


def _when(texts: Texts, settings: RecapSettings, at: datetime) -> str:
    local = at.astimezone(ZoneInfo(settings.zone)).date()
    return when_words(texts, Slot(local, at), settings.now, settings.zone)


def recap_answer(texts: Texts, answer: RecapAnswer) -> str:
    """Refused, the recap's status, or what changed."""
    settings = answer.settings
    if not answer.allowed or settings is None:
        return texts.render_html("settings.not_allowed")
    day = weekday_name(texts, settings.weekday)
    at = settings.next_at
    if answer.changed:
        if not settings.enabled or at is None:
            return texts.render_html("stats.recap_off")
        return texts.render_html("stats.recap_set", day=day, when=_when(texts, settings, at))
    if not settings.enabled or at is None:
        return texts.render_html("stats.recap_status_off", day=day)
    return texts.render_html("stats.recap_status_on", day=day, when=_when(texts, settings, at))
