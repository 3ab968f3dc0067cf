"""Small-count suppression: no youth can be singled out from any cell or total.

The rule, per column of a table (the cells of one metric over the values of one breakdown, and
that column's total):

1. A count of 1–4 is shown as "<5" (primary suppression), in cells and totals alike. 0 is shown.
2. When the total is shown, the hidden cells of its column must not be derivable from it: as
   long as only one cell is hidden, or the hidden cells add up to less than 5, the smallest
   other non-zero cell is hidden too (complementary suppression), shown as "x".
3. A rate or waiting time is shown only when it rests on at least 5 youths on both sides
   (see `rate`, `enough`).

Totals are the same number in every table (one count), so they are shown or hidden alike
everywhere, and no other output holds a partial sum of a column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SMALL = "<5"
HIDDEN = "x"
MIN = 5


def small(n: int) -> bool:
    return 0 < n < MIN


def show(n: int) -> str:
    return SMALL if small(n) else str(n)


@dataclass(frozen=True)
class Column:
    cells: dict[str, str]  # row value -> shown text
    total: str


def column(values: Mapping[str, int], total: int) -> Column:
    """The shown texts of one column whose cells add up to `total`."""
    shown = {k: show(v) for k, v in values.items()}
    if small(total):
        return Column(shown, SMALL)
    hidden = {k for k, v in values.items() if small(v)}
    while hidden and (len(hidden) == 1 or sum(values[k] for k in hidden) < MIN):
        rest = sorted((v, k) for k, v in values.items() if v > 0 and k not in hidden)
        if not rest:
            break
        _, key = rest[0]
        hidden.add(key)
        shown[key] = HIDDEN if values[key] >= MIN else SMALL
    if hidden and (len(hidden) == 1 or sum(values[k] for k in hidden) < MIN):
        # Nothing left to hide: the total would tell. (Cannot happen when total >= 5 and the
        # cells add up to it; kept as a safety net.)
        return Column(shown, HIDDEN)
    return Column(shown, str(total))


def table(rows: Sequence[str], metrics: Sequence[str],
          counts: Mapping[tuple[str, str], int],
          totals: Mapping[str, int]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Shown texts per row and metric, and per metric the shown total."""
    out: dict[str, dict[str, str]] = {r: {} for r in rows}
    shown_totals: dict[str, str] = {}
    for metric in metrics:
        col = column({r: counts.get((r, metric), 0) for r in rows}, totals.get(metric, 0))
        for r in rows:
            out[r][metric] = col.cells[r]
        shown_totals[metric] = col.total
    return out, shown_totals


def enough(n: int) -> bool:
    return n >= MIN


def rate(part: int, whole: int) -> str | None:
    """'42%' when neither `part` nor `whole - part` is 1–4 and whole >= 5; else None."""
    if whole < MIN or small(part) or small(whole - part):
        return None
    return f"{round(100 * part / whole)}%"
