"""Figures for funders and municipalities (issue 12): `chathulp report`, `!report`.

- `figures`: counts from facts (pure); `suppress`: small-count suppression (pure);
  `build`: labelled tables (pure); `render`: CSV, PNG, PDF; this module: the database side.

Contract for deleting personal rows (erasure, retention purge): call
`await retain_youth(db, user_id, tz)` INSIDE the transaction that deletes the youth's rows
(it joins the running transaction), before the DELETE. It adds that youth's contribution to
every month's figures to `report_counts`/`report_waits`, which hold counts only and are never
deleted; reports add them to what is still live, so the figures stay the same after erasure.
Deleting only some rows of a youth (e.g. notes, free text) needs no call: figures do not use them.
"""

from __future__ import annotations

from datetime import tzinfo

from bot.config.models import Config
from bot.reports.build import Report, make_report
from bot.reports.figures import Figures, Period, compute, month_of, period
from bot.storage import reports as store
from bot.storage.db import Database

__all__ = ["Report", "chart_titles", "figures_for", "period", "report_for", "retain_youth"]


async def figures_for(db: Database, p: Period, tz: tzinfo) -> Figures:
    """Live figures of the period plus the counts kept for deleted youths."""
    facts = await store.facts(db, p.start, p.end)
    fig = compute(facts, p.months, tz)
    kept = await store.kept_counts(db, p.months)
    waits = await store.kept_waits(db, p.months)
    fig.add_kept(kept, [("", s) for s in waits])
    return fig


async def report_for(db: Database, config: Config, first: str, last: str | None = None) -> Report:
    """ValueError when a month cannot be read."""
    p = period(first, last or first, config.tz)
    return make_report(await figures_for(db, p, config.tz), p, config)


def chart_titles(config: Config) -> dict[str, str]:
    cat, lang = config.catalogue, config.default_language
    return {d: cat.plain(lang, "report.chart_contacts_by",
                         what=cat.plain(lang, f"report.{d}").lower())
            for d in ("municipality", "topic", "age_band")}


async def retain_youth(db: Database, user_id: str, tz: tzinfo) -> None:
    """Keep the youth's anonymous contribution to the figures before their rows go."""
    span = await store.youth_span(db, user_id)
    if span is None:
        return
    first, last = month_of(span[0], tz), month_of(span[1], tz)
    p = period(first, last, tz)
    facts = await store.facts(db, p.start, p.end, youth=user_id)
    fig = compute(facts, p.months, tz)
    await store.keep(db, fig.as_kept(), fig.waits)
