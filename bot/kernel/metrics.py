"""The operator's metrics: every Prometheus metric the bot exports, and how each is recorded.

One ``Metrics`` per bot, owned by its ``Services``, each with a registry of its own (never
prometheus_client's global one): tests run many bots in one process, and so may an operator.
Features record events through the small named methods below, one call per event; nothing here
knows a feature. No label ever carries a chat or user id (or anything a partner wrote): labels
are outcomes, methods and kinds from short fixed lists.

Served at ``/metrics`` on the webhook server, and on ``METRICS_PORT`` (``MetricsServer``).
"""

from __future__ import annotations

import re
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

PREFIX = "quality_time"

# What the evening sender makes of a send (``Sent.kind`` in bot.features.evening.service).
SEND_OUTCOMES = (
    "sent",
    "maybe_sent",
    "rest",
    "retry",
    "transient",
    "forbidden",
    "migrated",
    "failed",
    "released",
)
# How a Telegram call ended, as the transport saw it.
CALL_OUTCOMES = ("ok", "429", "403", "4xx", "5xx", "timeout", "network")
# How answers come: a reply to the prompt, any message (when the bot sees them all), the
# "We talked in person" button; features may add more (a label value, not a new metric).
ANSWER_WAYS = ("reply", "message", "in_person")

# Seconds between a prompt's due time and its post: a healthy bot posts within a tick.
DELAY_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 10800)
CALL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
TICK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

_METHOD = re.compile(r"[A-Za-z]{1,48}")
_LABEL = re.compile(r"[A-Za-z0-9_]{1,48}")


def call_outcome(status: int) -> str:
    """A Bot API answer's HTTP status as a call outcome label."""
    if 200 <= status < 300:
        return "ok"
    if status in (429, 403):
        return str(status)
    if 500 <= status < 600:
        return "5xx"
    return "4xx"


def method_of(url: str) -> str:
    """The Bot API method a request URL calls (its last segment), or "other"."""
    method = url.rstrip("/").rpartition("/")[2]
    return method if _METHOD.fullmatch(method) else "other"


def _label(value: str) -> str:
    """A label value from our own code, kept short and tame whatever it is."""
    return value if _LABEL.fullmatch(value) else "other"


class Metrics:
    """Every metric of one bot, in a registry of its own, with one recording method per event."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        p = PREFIX
        self.prompts_planned = Counter(
            f"{p}_prompts_planned", "Evening runs planned (one per chat and evening)", registry=r
        )
        self.prompts_skipped_late = Counter(
            f"{p}_prompts_skipped_late",
            "Evening runs skipped because they were over CATCH_UP_MINUTES late",
            registry=r,
        )
        self.prompt_sends = Counter(
            f"{p}_prompt_sends",
            "What became of each evening send, by outcome (sent, maybe_sent, retry, ...)",
            ["outcome"],
            registry=r,
        )
        self.prompt_delay = Histogram(
            f"{p}_prompt_delay_seconds",
            "Seconds between an evening post's due time and its sending",
            buckets=DELAY_BUCKETS,
            registry=r,
        )
        self.answers = Counter(
            f"{p}_answers", "Answers recorded, by how they came", ["via"], registry=r
        )
        self.nudges = Counter(f"{p}_nudges_sent", "Nudges posted", registry=r)
        self.activity_offers = Counter(
            f"{p}_activity_offers",
            "Activity offers posted, by source (evening, command)",
            ["source"],
            registry=r,
        )
        self.activity_choices = Counter(
            f"{p}_activity_choices",
            "Presses on activity offers, by choice (chosen, declined, another)",
            ["choice"],
            registry=r,
        )
        self.follow_ups = Counter(
            f"{p}_activity_follow_ups",
            "Activity follow-ups: asked, and each answer (done, not_yet, skip)",
            ["event"],
            registry=r,
        )
        self.telegram_calls = Counter(
            f"{p}_telegram_calls",
            "Bot API calls by method and outcome (ok, 429, 403, 4xx, 5xx, timeout, network)",
            ["method", "outcome"],
            registry=r,
        )
        self.telegram_call_seconds = Histogram(
            f"{p}_telegram_call_seconds",
            "Seconds a Bot API call took, by method (rate-limit waits not included)",
            ["method"],
            buckets=CALL_BUCKETS,
            registry=r,
        )
        self.tick_seconds = Histogram(
            f"{p}_tick_seconds",
            "Seconds one scheduler tick took (planning, sending, nudges, recaps)",
            buckets=TICK_BUCKETS,
            registry=r,
        )
        self.runs_waiting = Gauge(
            f"{p}_runs_waiting",
            "Evening runs due and not sent yet (pending past their time, or being sent)",
            registry=r,
        )
        self.active_chats = Gauge(f"{p}_active_chats", "Chats the bot is active in", registry=r)
        self.update_seconds = Histogram(
            f"{p}_update_seconds",
            "Seconds from PTB handing an update over to its handling done (queueing included)",
            buckets=UPDATE_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            f"{p}_errors",
            "Failures reaching the error handler, by where (update, outside) and error type",
            ["where", "error"],
            registry=r,
        )
        # Series that exist from the start, so rate() and the dashboard see zeros, not gaps.
        for outcome in SEND_OUTCOMES:
            self.prompt_sends.labels(outcome)
        for way in ANSWER_WAYS:
            self.answers.labels(way)
        # Children of the busiest series, looked up once: ``labels()`` takes a lock and checks
        # its values every time, several times the cost of the increment at fan-out speed.
        self._calls: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self._sends: dict[str, Counter] = {}

    # The evening.
    def planned(self, planned: int, skipped_late: int) -> None:
        """A planning pass made ``planned`` runs and skipped ``skipped_late`` as too late."""
        self.prompts_planned.inc(planned)
        self.prompts_skipped_late.inc(skipped_late)

    def evening_send(
        self, outcome: str, *, due_at: datetime | None, now: datetime, offer: bool = False
    ) -> None:
        """One evening send was recorded: its outcome, and for a post its delay (and offer)."""
        sends = self._sends.get(outcome)
        if sends is None:
            sends = self._sends[outcome] = self.prompt_sends.labels(_label(outcome))
        sends.inc()
        if outcome != "sent":
            return
        if due_at is not None:
            self.prompt_delay.observe(max((now - due_at).total_seconds(), 0.0))
        if offer:
            self.activity_offers.labels("evening").inc()

    # Answers, nudges, activities.
    def answered(self, via: str) -> None:
        """A new answer was recorded, come ``via`` a reply, a message, the in-person button..."""
        self.answers.labels(_label(via)).inc()

    def nudged(self, count: int = 1) -> None:
        """Nudges were posted."""
        self.nudges.inc(count)

    def activity_offered(self, source: str) -> None:
        """An activity offer was posted (``evening``, ``command``)."""
        self.activity_offers.labels(_label(source)).inc()

    def activity_chosen(self, choice: str) -> None:
        """A partner pressed an offer's button: ``chosen``, ``declined`` or ``another``."""
        self.activity_choices.labels(_label(choice)).inc()

    def follow_up(self, event: str, count: int = 1) -> None:
        """Follow-ups were asked (``asked``), or one was answered (``done``, ``not_yet``, ...)."""
        self.follow_ups.labels(_label(event)).inc(count)

    # Telegram, updates, the tick.
    def telegram_call(self, method: str, outcome: str, seconds: float) -> None:
        """One Bot API request ended (``method_of`` its URL, ``call_outcome`` of its status)."""
        children = self._calls.get((method, outcome))
        if children is None:
            children = self._calls[method, outcome] = (
                self.telegram_calls.labels(method, outcome),
                self.telegram_call_seconds.labels(method),
            )
        children[0].inc()
        children[1].observe(seconds)

    def update_handled(self, seconds: float) -> None:
        """One update was handled, ``seconds`` after PTB handed it over."""
        self.update_seconds.observe(seconds)

    def failed(self, where: str, error: BaseException | None) -> None:
        """The error handler saw a failure (``update`` or ``outside`` one)."""
        name = type(error).__name__ if error is not None else "none"
        self.errors.labels(_label(where), _label(name)).inc()

    def ticked(self, seconds: float) -> None:
        """One scheduler tick ran to its end in ``seconds``."""
        self.tick_seconds.observe(seconds)

    def census(self, *, active_chats: int, runs_waiting: int) -> None:
        """The gauges the database counts, refreshed once a tick."""
        self.active_chats.set(active_chats)
        self.runs_waiting.set(runs_waiting)

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)


def exported_names(metrics: Metrics) -> set[str]:
    """Every series name this bot's registry can export (``_total``, ``_bucket``... included),
    whether or not it has a sample yet: for checking a dashboard's queries."""
    names: set[str] = set()
    for family in metrics.registry.collect():
        if family.type == "counter":
            names |= {f"{family.name}_total", f"{family.name}_created"}
        elif family.type == "histogram":
            names |= {f"{family.name}_{s}" for s in ("bucket", "count", "sum", "created")}
        else:
            names.add(family.name)
    return names


def metrics_response(metrics: Metrics) -> web.Response:
    """``GET /metrics``: the registry in Prometheus' text format."""
    return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})


class MetricsServer:
    """``/metrics`` on a port of its own (polling mode, or beside the webhook server)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0: any free port, then read ``self.port``)."""
        api = web.Application()
        api.router.add_get("/metrics", self._serve)
        self._runner = web.AppRunner(api, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1]) if addresses else port

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve(self, _request: web.Request) -> web.Response:
        return metrics_response(self._metrics)
