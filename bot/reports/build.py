"""From figures to a report: tables of shown texts, labelled in the service's language.

Pure: no I/O. Only counts, labels from the config and the catalogue go in; no Matrix id, case
reference or free text exists in a `Report`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.models import Config
from bot.domain import session_rules as rules
from bot.reports import suppress
from bot.reports.figures import (
    CLAIM_MINUTES,
    DIMENSIONS,
    METRICS,
    TOTAL,
    UNKNOWN,
    Figures,
    Period,
    percentile,
)

# Intake step whose option labels name a breakdown's values.
STEPS = {"municipality": "municipality", "topic": "topic", "age_band": "age"}


@dataclass(frozen=True)
class Table:
    name: str  # file stem: 'municipality', 'summary', …
    heading: str
    columns: list[str]  # labels, first the breakdown's
    rows: list[list[str]]  # shown texts; the last row is the total where there is one
    chart: list[tuple[str, int | None]] | None = None  # (label, count or None if hidden)


@dataclass(frozen=True)
class Report:
    title: str
    period: str
    note: str
    summary: Table
    tables: list[Table]


def period_label(p: Period) -> str:
    return p.months[0] if len(p.months) == 1 else f"{p.months[0]} – {p.months[-1]}"


class Labels:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.lang = config.default_language

    def t(self, key: str, **values: str) -> str:
        return self.config.catalogue.plain(self.lang, f"report.{key}", **values)

    def value(self, breakdown: str, value: str) -> str:
        if value == UNKNOWN:
            return self.t("unknown")
        if breakdown in STEPS:
            step = self.config.intake.step(STEPS[breakdown])
            for option in step.options if step else []:
                if option.id == value:
                    return option.label.get(self.lang) or next(iter(option.label.values()))
        if breakdown == "language":
            for step in self.config.intake.steps:
                if step.sets_language:
                    for option in step.options:
                        if option.id == value:
                            return option.label.get(self.lang) or value
        if breakdown == "campaign":
            for c in self.config.campaigns:
                if c.code == value:
                    return c.label or c.code
        if breakdown == "outcome":
            return rules.outcome_label(self.config.session, value, self.lang)
        if breakdown == "referral" and (line := self.config.referrals.line(value)):
            return line.name.get(self.lang) or next(iter(line.name.values()))
        return value

    def order(self, breakdown: str, values: set[str]) -> list[str]:
        """Config order where there is one, then the rest alphabetically, unknown last."""
        known: list[str] = []
        if breakdown in STEPS:
            step = self.config.intake.step(STEPS[breakdown])
            known = [o.id for o in step.options] if step else []
        elif breakdown == "campaign":
            known = [c.code for c in self.config.campaigns]
        elif breakdown == "outcome":
            known = [o.id for o in self.config.session.outcomes]
        elif breakdown == "referral":
            known = self.config.referrals.ids
        first = [v for v in known if v in values]
        rest = sorted(values - set(first) - {UNKNOWN})
        return first + rest + ([UNKNOWN] if UNKNOWN in values else [])

    def duration(self, seconds: float) -> str:
        hours = round(seconds / 3600)
        return self.t("duration", days=str(hours // 24), hours=str(hours % 24))


def make_report(fig: Figures, p: Period, config: Config) -> Report:
    lab = Labels(config)
    counts = fig.total()
    label = period_label(p)

    def total(metric: str) -> int:
        return counts.get((TOTAL, "", metric), 0)

    tables = []
    for dim in DIMENSIONS:
        tables.append(_breakdown(lab, counts, dim, list(METRICS), total))
    tables.append(_single(lab, counts, "outcome", "sessions"))
    crisis = _single(lab, counts, "crisis", "alerts", extra_claims=True)
    tables.append(crisis)
    tables.append(_single(lab, counts, "referral", "referrals"))

    waits = fig.wait_seconds()
    youths = counts.get(("followup", "", "youths"), 0)
    returned = counts.get(("followup", "", "returned"), 0)
    rate = suppress.rate(returned, youths)
    rows = [[lab.t(m), suppress.show(total(m))] for m in METRICS]
    # The share of all alerts claimed in time (the crisis table's total row).
    rows.append([lab.t("claimed_within", minutes=str(CLAIM_MINUTES)), crisis.rows[-1][2]])
    rows.append([lab.t("followup_rate"), rate or lab.t("not_enough")])
    if suppress.enough(len(waits)):
        rows.append([lab.t("wait_median"), lab.duration(percentile(waits, 0.5))])
        rows.append([lab.t("wait_p90"), lab.duration(percentile(waits, 0.9))])
    else:
        rows += [[lab.t("wait_median"), lab.t("not_enough")],
                 [lab.t("wait_p90"), lab.t("not_enough")]]
    summary = Table("summary", lab.t("title", period=label), [lab.t("metric"), lab.t("value")],
                    rows)
    return Report(lab.t("title", period=label), label, lab.t("privacy_note"), summary, tables)


def _breakdown(lab: Labels, counts, dim: str, metrics: list[str], total) -> Table:
    values = {v for (b, v, _m) in counts if b == dim}
    order = lab.order(dim, values)
    cells = {(v, m): counts.get((dim, v, m), 0) for v in order for m in metrics}
    shown, totals = suppress.table(order, metrics, cells, {m: total(m) for m in metrics})
    rows = [[lab.value(dim, v), *(shown[v][m] for m in metrics)] for v in order]
    rows.append([lab.t("total"), *(totals[m] for m in metrics)])
    chart = [(lab.value(dim, v), cells[(v, "contacts")] if shown[v]["contacts"].isdigit()
              else None) for v in order]
    return Table(dim, lab.t(dim), [lab.t(dim), *(lab.t(m) for m in metrics)], rows, chart)


def _single(lab: Labels, counts, dim: str, metric: str,
            extra_claims: bool = False) -> Table:
    values = {v for (b, v, _m) in counts if b == dim}
    order = lab.order(dim, values)
    cells = {v: counts.get((dim, v, metric), 0) for v in order}
    col = suppress.column(cells, sum(cells.values()))
    columns = [lab.t(dim), lab.t(metric)]
    rows = [[lab.value(dim, v), col.cells[v]] for v in order]
    rows.append([lab.t("total"), col.total])
    if extra_claims:
        columns.append(lab.t("claimed_within", minutes=str(CLAIM_MINUTES)))
        # A share of the alerts, shown only where neither the claimed nor the other alerts
        # are a small count (`suppress.rate`), so that no difference singles anyone out.
        claims = {v: counts.get((dim, v, "claimed"), 0) for v in order}
        shares = [suppress.rate(claims[v], cells[v]) for v in order]
        shares.append(suppress.rate(sum(claims.values()), sum(cells.values())))
        rows = [[*r, share or lab.t("not_enough")]
                for r, share in zip(rows, shares, strict=True)]
    return Table(dim, lab.t(dim), columns, rows)
