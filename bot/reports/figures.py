"""The report's figures from facts: pure, no I/O.

Every figure is a count keyed (month, breakdown, value, metric), so counts of months and of
youths whose rows were deleted (kept in `report_counts`) simply add up. Definitions (README,
"Figures for funders"):

- contacts: cases opened in the month (a youth who comes back after a finished case counts
  again); intakes: those whose intake was completed (status open or closed); referrals_intake:
  cases referred by the intake; referrals_session: held sessions ended with outcome
  'referred' (two figures, so that neither can be worked out from a sum and the other).
- referral (breakdown): those held sessions ended as 'referred', by the line of the referral
  directory the counselor named (`!end referred <line>`; unknown when none was named).
- sessions_booked: bookings starting in the month that were not cancelled; sessions_held:
  those ended as held (status done); no_show_youth / no_show_counselor: ended as no-show with /
  without the counselor in the room (and bookings marked missed, without a session).
- crisis_alerts: crisis alerts raised in the month; per category (breakdown 'crisis') also
  `claimed`: those a counselor claimed within CLAIM_MINUTES of the alert (crisis_alerts.
  claimed_at; an alert claimed later or never does not count).
- follow-up (breakdown 'followup'): youths with a held session in the month, and those of them
  who by the end of the month had two held sessions with one and the same counselor. Over
  several months these are summed (youth-months).
- waits: first message (case opened) → the case's first held session, for cases whose first
  held session is in the month, in seconds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from bot.storage.reports import BookingFact, CaseFact, Facts, KeptCount

DIMENSIONS = ("municipality", "topic", "age_band", "language", "campaign")
METRICS = ("contacts", "intakes", "sessions_booked", "sessions_held", "no_show_youth",
           "no_show_counselor", "referrals_intake", "referrals_session", "crisis_alerts")
TOTAL = "total"
# How long a crisis alert may wait for a counselor to claim it, for the `claimed` figure.
CLAIM_MINUTES = 15
UNKNOWN = "unknown"
Key = tuple[str, str, str]  # (breakdown, value, metric)


@dataclass(frozen=True)
class Period:
    months: tuple[str, ...]  # 'YYYY-MM', in order
    start: int  # epoch seconds, first month's start in the service's zone
    end: int  # exclusive


def period(first: str, last: str, tz: tzinfo) -> Period:
    """The months first..last ('YYYY-MM'); ValueError when unreadable or reversed."""
    a, b = _month(first), _month(last)
    if b < a:
        raise ValueError("the last month is before the first")
    months = []
    y, m = a.year, a.month
    while (y, m) <= (b.year, b.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(months) > 120:
        raise ValueError("at most 120 months")
    start = datetime(a.year, a.month, 1, tzinfo=tz)
    ny, nm = (b.year + 1, 1) if b.month == 12 else (b.year, b.month + 1)
    end = datetime(ny, nm, 1, tzinfo=tz)
    return Period(tuple(months), int(start.timestamp()), int(end.timestamp()))


def _month(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def month_of(ts: int, tz: tzinfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m")


@dataclass
class Figures:
    """Counts and waiting times over a period (or of one youth, per month)."""

    counts: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)  # month first
    waits: list[tuple[str, int]] = field(default_factory=list)

    def add(self, month: str, breakdown: str, value: str, metric: str, n: int = 1) -> None:
        self.counts[(month, breakdown, value, metric)] += n

    def add_kept(self, kept: Iterable[KeptCount], waits: Iterable[tuple[str, int]]) -> None:
        for k in kept:
            self.add(k.month, k.breakdown, k.value, k.metric, k.count)
        self.waits += list(waits)

    def as_kept(self) -> list[KeptCount]:
        return [KeptCount(m, b, v, x, n) for (m, b, v, x), n in sorted(self.counts.items()) if n]

    def total(self) -> Counter[Key]:
        """Summed over the months."""
        out: Counter[Key] = Counter()
        for (_, b, v, x), n in self.counts.items():
            out[(b, v, x)] += n
        return out

    def wait_seconds(self) -> list[int]:
        return sorted(s for _, s in self.waits)


def _dims(case: CaseFact | None) -> list[tuple[str, str]]:
    if case is None:  # an alert without a case: counted as unknown everywhere
        return [(TOTAL, ""), *((d, UNKNOWN) for d in DIMENSIONS)]
    values = (case.municipality, case.topic, case.age_band, case.language, case.campaign)
    return [(TOTAL, ""), *((d, v or UNKNOWN) for d, v in zip(DIMENSIONS, values, strict=True))]


def compute(facts: Facts, months: Sequence[str], tz: tzinfo) -> Figures:
    """The figures of `months` from `facts` (which may hold rows of earlier months too)."""
    wanted = set(months)
    fig = Figures()
    cases = {c.id: c for c in facts.cases}

    def count(ts: int, case: CaseFact | None, metric: str) -> None:
        month = month_of(ts, tz)
        if month in wanted:
            for dim, value in _dims(case):
                fig.add(month, dim, value, metric)

    for c in facts.cases:
        count(c.created_at, c, "contacts")
        if c.status in ("open", "closed"):
            count(c.created_at, c, "intakes")
        if c.status == "referred":
            count(c.created_at, c, "referrals_intake")
    first_held: dict[int, BookingFact] = {}
    held_by_youth: dict[str, list[BookingFact]] = defaultdict(list)
    for b in facts.bookings:  # in start order
        case = cases.get(b.case_id)
        if b.status != "cancelled":
            count(b.start_at, case, "sessions_booked")
        if b.status == "done":
            count(b.start_at, case, "sessions_held")
            held_by_youth[b.youth].append(b)
            first_held.setdefault(b.case_id, b)
            if b.outcome == "referred":
                count(b.start_at, case, "referrals_session")
                month = month_of(b.start_at, tz)
                if month in wanted:
                    fig.add(month, "referral", b.referred_to or UNKNOWN, "referrals")
        elif b.status == "no_show":
            count(b.start_at, case, "no_show_youth" if b.counselor_joined
                  else "no_show_counselor")
        elif b.status == "missed":
            count(b.start_at, case, "no_show_counselor")
        if b.status == "done" and b.outcome:  # how held sessions ended; adds up to held
            month = month_of(b.start_at, tz)
            if month in wanted:
                fig.add(month, "outcome", b.outcome, "sessions")
    for a in facts.crises:
        count(a.created_at, cases.get(a.case_id) if a.case_id is not None else None,
              "crisis_alerts")
        month = month_of(a.created_at, tz)
        if month in wanted:
            fig.add(month, "crisis", a.category, "alerts")
            if a.claimed_at is not None and a.claimed_at - a.created_at <= CLAIM_MINUTES * 60:
                fig.add(month, "crisis", a.category, "claimed")
    for case_id, b in first_held.items():
        case = cases.get(case_id)
        month = month_of(b.start_at, tz)
        if case is not None and month in wanted:
            fig.waits.append((month, max(0, b.start_at - case.created_at)))
    for month in months:
        for held in held_by_youth.values():
            if not any(month_of(b.start_at, tz) == month for b in held):
                continue
            fig.add(month, "followup", "", "youths")
            until = [b for b in held if month_of(b.start_at, tz) <= month]
            per_counselor = Counter(b.counselor for b in until)
            if max(per_counselor.values()) >= 2:
                fig.add(month, "followup", "", "returned")
    return fig


def percentile(sorted_values: Sequence[int], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); needs a value."""
    if not sorted_values:
        raise ValueError("no values")
    k = (len(sorted_values) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)
