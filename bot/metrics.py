"""A tiny in-process metrics registry, rendered in the Prometheus text format (0.0.4).

Only fixed, known metrics without labels: counts and a lag, never personal data. A name that
is not declared here raises, so a typo cannot silently create a new metric.

    from bot.metrics import METRICS
    METRICS.inc("chathulp_bookings_total")
    METRICS.set("chathulp_sync_lag_seconds", 1.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Kind = Literal["counter", "gauge"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: Kind
    help: str


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
    MetricSpec(
        "chathulp_accounts_created_total", "counter",
        "Anonymous accounts created through the invite page.",
    ),
    MetricSpec("chathulp_errors_total", "counter", "Unexpected errors handled."),
    MetricSpec(
        "chathulp_sync_lag_seconds", "gauge",
        "Seconds since the last successful sync with the homeserver.",
    ),
)


def _format(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


class Metrics:
    def __init__(self, specs: tuple[MetricSpec, ...] = SPECS) -> None:
        self._specs = {s.name: s for s in specs}
        self._values: dict[str, float] = dict.fromkeys(self._specs, 0.0)

    def _spec(self, name: str) -> MetricSpec:
        spec = self._specs.get(name)
        if spec is None:
            raise KeyError(f"unknown metric '{name}'; known: {', '.join(sorted(self._specs))}")
        return spec

    def inc(self, name: str, by: float = 1) -> None:
        spec = self._spec(name)
        if spec.kind == "counter" and by < 0:
            raise ValueError(f"counter '{name}' can only go up (got {by})")
        self._values[name] += by

    def set(self, name: str, value: float) -> None:
        spec = self._spec(name)
        if spec.kind != "gauge":
            raise ValueError(f"'{name}' is a counter; use inc()")
        self._values[name] = float(value)

    def get(self, name: str) -> float:
        self._spec(name)
        return self._values[name]

    def reset(self) -> None:
        """Back to zero (for tests)."""
        self._values = dict.fromkeys(self._specs, 0.0)

    def render(self) -> str:
        lines: list[str] = []
        for name, spec in self._specs.items():
            lines.append(f"# HELP {name} {spec.help}")
            lines.append(f"# TYPE {name} {spec.kind}")
            lines.append(f"{name} {_format(self._values[name])}")
        return "\n".join(lines) + "\n"


METRICS = Metrics()
