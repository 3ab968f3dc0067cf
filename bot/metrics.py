"""The bot's metrics, through prometheus-client, in a registry of their own.

A small facade keeps the call sites short and typo-proof: a name that is not declared here
raises, so a typo cannot silently create a new metric. No labels: counts, durations and a lag,
never personal data.

    from bot.metrics import METRICS
    METRICS.inc("chathulp_bookings_total")
    METRICS.set("chathulp_sync_lag_seconds", 1.5)
    METRICS.observe("chathulp_reply_latency_seconds", 0.8)

The collectors live in a dedicated `CollectorRegistry` (not prometheus-client's global one),
so building several apps in one process (tests) never registers a name twice; `reset()` gives
fresh collectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import disable_created_metrics as _disable_created_metrics

# The classic Prometheus text format that generate_latest() writes.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# No `*_created` timestamps beside every counter: they only double the output.
_disable_created_metrics()

Kind = Literal["counter", "gauge", "histogram"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: Kind
    help: str
    buckets: tuple[float, ...] = ()


# Seconds from a youth's message (its origin_server_ts) to the bot's first reply to it.
REPLY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
# Seconds a session opening started after its booked time.
OPENING_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0)

SPECS: tuple[MetricSpec, ...] = (
    MetricSpec("chathulp_intakes_started_total", "counter", "Intake conversations started."),
    MetricSpec("chathulp_intakes_completed_total", "counter", "Intake conversations completed."),
    MetricSpec("chathulp_bookings_total", "counter", "Appointments booked."),
    MetricSpec("chathulp_sessions_opened_total", "counter", "Session rooms opened."),
    MetricSpec(
        "chathulp_openings_late_total", "counter",
        "Session rooms opened later than their booked time (e.g. after downtime).",
    ),
    MetricSpec("chathulp_crisis_alerts_total", "counter", "Crisis alerts sent to the staff room."),
    MetricSpec("chathulp_crisis_questions_total", "counter",
               "Concern-tier messages answered with the direct question."),
    MetricSpec("chathulp_crisis_escalations_total", "counter",
               "Crisis alerts raised again because nobody claimed them in time."),
    MetricSpec(
        "chathulp_accounts_created_total", "counter",
        "Anonymous accounts created through the invite page.",
    ),
    MetricSpec("chathulp_errors_total", "counter", "Unexpected errors handled."),
    MetricSpec(
        "chathulp_invites_ignored_total", "counter",
        "Invites ignored because one user sent too many (matrix.invites_per_hour).",
    ),
    MetricSpec(
        "chathulp_invites_declined_total", "counter",
        "Invites declined or rooms left: group rooms and unencrypted chats.",
    ),
    MetricSpec(
        "chathulp_staff_room_removals_total", "counter",
        "Members removed from the staff room because they are not staff.",
    ),
    MetricSpec(
        "chathulp_staff_posts_held_total", "counter",
        "Staff-room notices held back while a non-staff member was present.",
    ),
    MetricSpec(
        "chathulp_undecryptable_parked_total", "counter",
        "Messages that could not be decrypted on arrival and were kept for their keys.",
    ),
    MetricSpec(
        "chathulp_undecryptable_recovered_total", "counter",
        "Kept undecryptable messages that were read once their keys arrived.",
    ),
    MetricSpec(
        "chathulp_undecryptable_given_up_total", "counter",
        "Kept messages whose keys never came; the sender was asked to send again.",
    ),
    MetricSpec(
        "chathulp_sync_lag_seconds", "gauge",
        "Seconds since the last successful sync with the homeserver.",
    ),
    MetricSpec(
        "chathulp_reply_latency_seconds", "histogram",
        "Seconds from a message's origin_server_ts to the bot's first reply to it.",
        REPLY_BUCKETS,
    ),
    MetricSpec(
        "chathulp_opening_lateness_seconds", "histogram",
        "Seconds between a session's booked time and the start of its opening.",
        OPENING_BUCKETS,
    ),
    MetricSpec(
        "chathulp_outbox_backlog", "gauge",
        "Messages and room actions decided but not yet taken by the homeserver.",
    ),
    MetricSpec(
        "chathulp_outbox_oldest_seconds", "gauge",
        "Age in seconds of the oldest item still waiting in the outbox (0 when empty).",
    ),
    MetricSpec(
        "chathulp_intake_pending", "gauge",
        "Web sign-ups whose intake DM is not opened yet (homeserver down, rate limit).",
    ),
    MetricSpec(
        "chathulp_openings_waiting", "gauge",
        "Session rooms past their booked time and not open yet (homeserver down, rate limit).",
    ),
    MetricSpec(
        "chathulp_waiting_oldest_seconds", "gauge",
        "Seconds the oldest waiting intake DM or overdue session opening has waited (0: none).",
    ),
    MetricSpec(
        "chathulp_crisis_alerts_open", "gauge",
        "Crisis alerts nobody has claimed yet (!claim).",
    ),
    MetricSpec(
        "chathulp_crisis_alerts_claimed", "gauge",
        "Crisis alerts claimed by a counselor and not closed yet (!close).",
    ),
    MetricSpec(
        "chathulp_storage_fault", "gauge",
        "1 while the database cannot be written (disk full, read-only); sync is held back.",
    ),
    MetricSpec(
        "chathulp_staff_room_invites_total", "counter",
        "Staff of the config invited into the staff room (at start and after a reload).",
    ),
    MetricSpec(
        "chathulp_config_reloads_total", "counter",
        "Config reloads applied (!reload or SIGHUP); refused ones are not counted.",
    ),
    MetricSpec(
        "chathulp_room_purges_pending", "gauge",
        "Session rooms of erased youths the homeserver has not confirmed purged yet.",
    ),
    MetricSpec(
        "chathulp_queue_length", "gauge",
        "Youths waiting in the queue for \"now\" (every fitting counselor on duty busy).",
    ),
)

_Collector = Counter | Gauge | Histogram


class Metrics:
    def __init__(self, specs: tuple[MetricSpec, ...] = SPECS) -> None:
        self._specs = {s.name: s for s in specs}
        self.registry = CollectorRegistry(auto_describe=True)
        self._collectors: dict[str, _Collector] = {}
        self.reset()

    def _spec(self, name: str) -> MetricSpec:
        spec = self._specs.get(name)
        if spec is None:
            raise KeyError(f"unknown metric '{name}'; known: {', '.join(sorted(self._specs))}")
        return spec

    def inc(self, name: str, by: float = 1) -> None:
        spec = self._spec(name)
        if spec.kind == "counter" and by < 0:
            raise ValueError(f"counter '{name}' can only go up (got {by})")
        if spec.kind == "histogram":
            raise ValueError(f"'{name}' is a histogram; use observe()")
        collector = self._collectors[name]
        assert isinstance(collector, Counter | Gauge)
        collector.inc(by)

    def set(self, name: str, value: float) -> None:
        spec = self._spec(name)
        if spec.kind != "gauge":
            raise ValueError(f"'{name}' is a {spec.kind}; only a gauge can be set")
        collector = self._collectors[name]
        assert isinstance(collector, Gauge)
        collector.set(float(value))

    def observe(self, name: str, value: float) -> None:
        """One observation of a histogram (negative values, e.g. from clock skew, count as 0)."""
        spec = self._spec(name)
        if spec.kind != "histogram":
            raise ValueError(f"'{name}' is a {spec.kind}; use inc() or set()")
        collector = self._collectors[name]
        assert isinstance(collector, Histogram)
        collector.observe(max(0.0, float(value)))

    def get(self, name: str) -> float:
        """A counter's or gauge's value; for a histogram, how many observations it has."""
        spec = self._spec(name)
        sample = f"{name}_count" if spec.kind == "histogram" else name
        value = self.registry.get_sample_value(sample)
        return 0.0 if value is None else value

    def histogram_sum(self, name: str) -> float:
        if self._spec(name).kind != "histogram":
            raise ValueError(f"'{name}' is not a histogram")
        return self.registry.get_sample_value(f"{name}_sum") or 0.0

    def reset(self) -> None:
        """Fresh collectors, all at zero (for tests)."""
        for collector in self._collectors.values():
            self.registry.unregister(collector)
        self._collectors = {}
        for spec in self._specs.values():
            self._collectors[spec.name] = self._make(spec)

    def _make(self, spec: MetricSpec) -> _Collector:
        if spec.kind == "counter":
            return Counter(spec.name, spec.help, registry=self.registry)
        if spec.kind == "gauge":
            return Gauge(spec.name, spec.help, registry=self.registry)
        return Histogram(spec.name, spec.help, buckets=spec.buckets, registry=self.registry)

    def render(self) -> str:
        return generate_latest(self.registry).decode("utf-8")


METRICS = Metrics()
