"""The monthly report on a seeded database: every figure against a count made by hand from the
seed's records, small counts hidden (also through totals), files that open."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import statistics
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from bot.reports import chart_titles, figures_for, report_for, retain_youth
from bot.reports.figures import period
from bot.reports.render import files
from bot.reports.suppress import column, rate
from bot.storage.db import Database
from tests.support.harness import make_config
from tests.support.report_seed import MONTHS, TZ, SeedData, generate, load

DIMS = {"municipality": "municipality", "topic": "topic", "age_band": "age_band",
        "language": "language", "campaign": "campaign"}
METRICS = ("contacts", "intakes", "sessions_booked", "sessions_held", "no_show_youth",
           "no_show_counselor", "referrals_intake", "referrals_session",
           "crisis_alerts")


def month(ts: int) -> str:
    return datetime.fromtimestamp(ts, TZ).strftime("%Y-%m")


def by_hand(data: SeedData, months: set[str]) -> dict[str, Counter[tuple[str, str]]]:
    """Per breakdown: (value, metric) -> count, written out without the bot's code."""
    cases = {c.id: c for c in data.cases}
    out: dict[str, Counter[tuple[str, str]]] = {d: Counter() for d in [*DIMS, "total"]}

    def add(case_id: int | None, metric: str) -> None:
        case = cases.get(case_id) if case_id is not None else None
        out["total"][("", metric)] += 1
        for dim, attr in DIMS.items():
            value = getattr(case, attr) if case is not None else None
            out[dim][(value or "unknown", metric)] += 1

    for c in data.cases:
        if month(c.created_at) not in months:
            continue
        add(c.id, "contacts")
        if c.status == "open" or c.status == "closed":
            add(c.id, "intakes")
        if c.status == "referred":
            add(c.id, "referrals_intake")
    for b in data.bookings:
        if month(b.start_at) not in months:
            continue
        if b.status != "cancelled":
            add(b.case_id, "sessions_booked")
        if b.status == "done":
            add(b.case_id, "sessions_held")
            if b.outcome == "referred":
                add(b.case_id, "referrals_session")
        if b.status == "no_show" and b.counselor_joined:
            add(b.case_id, "no_show_youth")
        if (b.status == "no_show" and not b.counselor_joined) or b.status == "missed":
            add(b.case_id, "no_show_counselor")
    for a in data.alerts:
        if month(a.created_at) in months:
            add(a.case_id, "crisis_alerts")
    return out


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def check_cell(shown: str, true: int) -> None:
    """A shown cell against the hand count: exact, or hidden for a reason."""
    if shown == "<5":
        assert 1 <= true <= 4
    elif shown == "x":
        assert true >= 5
    else:
        assert int(shown) == true
        assert not 1 <= true <= 4


def check_column(shown: list[str], true: list[int], shown_total: str, total: int) -> None:
    """Hidden cells of a column with a shown total: none, or at least two adding up to >= 5."""
    for s, t in zip(shown, true, strict=True):
        check_cell(s, t)
    check_cell(shown_total, total)
    assert sum(true) == total
    hidden = [t for s, t in zip(shown, true, strict=True) if s in ("<5", "x")]
    if shown_total not in ("<5", "x") and hidden:
        assert len(hidden) >= 2 and sum(hidden) >= 5


@pytest.fixture
async def seeded(db: Database) -> SeedData:
    data = generate()
    await load(db, data)
    return data


@pytest.fixture
def config(tmp_path: Path):
    return make_config(tmp_path)


@pytest.mark.parametrize("months", [MONTHS, ("2026-09",)])
async def test_every_csv_matches_the_hand_count(db: Database, seeded: SeedData, config,
                                                months: tuple[str, ...]) -> None:
    report = await report_for(db, config, months[0], months[-1])
    out = files(report, chart_titles(config))
    stem = f"chathulp-{months[0]}" + (f"_{months[-1]}" if len(months) > 1 else "")
    expected = by_hand(seeded, set(months))
    labels = {m: config.catalogue.plain("nl", f"report.{m}") for m in METRICS}
    hidden_seen = Counter()
    for dim in DIMS:
        rows = read_csv(out[f"{stem}-{dim}.csv"])
        assert rows[0] == [config.catalogue.plain("nl", f"report.{dim}"),
                           *(labels[m] for m in METRICS)]
        body, total = rows[1:-1], rows[-1]
        assert total[0] == "Totaal"
        values = sorted({v for (v, _m) in expected[dim]})
        assert len(body) == len(values)
        # Rows are labelled; map labels back through the hand count's values.
        label_of = report_values(config, dim, values)
        row_of = {r[0]: r for r in body}
        assert set(row_of) == set(label_of.values())
        for i, metric in enumerate(METRICS, start=1):
            shown = [row_of[label_of[v]][i] for v in values]
            true = [expected[dim][(v, metric)] for v in values]
            check_column(shown, true, total[i], expected["total"][("", metric)])
            hidden_seen.update(s for s in shown if s in ("<5", "x"))
    assert hidden_seen["<5"] > 0  # the seed has small counts: suppression was exercised
    if len(months) == 3:
        assert hidden_seen["x"] > 0  # and complementary suppression too

    summary = {r[0]: r[1] for r in read_csv(out[f"{stem}-summary.csv"])[1:]}
    for metric in METRICS:
        check_cell(summary[labels[metric]], expected["total"][("", metric)])
        assert summary[labels[metric]] == next(
            r for r in read_csv(out[f"{stem}-municipality.csv"]) if r[0] == "Totaal"
        )[1 + METRICS.index(metric)]
    # Crisis alerts claimed within 15 minutes (crisis_alerts.claimed_at), as a share.
    alerts = [a for a in seeded.alerts if month(a.created_at) in months]
    in_time = [a for a in alerts
               if a.claimed_at is not None and a.claimed_at - a.created_at <= 900]
    assert summary["Opgenomen binnen 15 minuten"] == (
        rate(len(in_time), len(alerts)) or "te weinig om te tonen")
    if len(months) == 3:
        assert summary["Opgenomen binnen 15 minuten"].endswith("%")  # shown, not hidden
    # Follow-up: youths with a held session in a month; those with two with one counselor.
    youths = returned = 0
    for m in months:
        held = [b for b in seeded.bookings if b.status == "done"]
        in_month = {b.youth for b in held if month(b.start_at) == m}
        youths += len(in_month)
        for y in in_month:
            per = Counter(b.counselor for b in held if b.youth == y and month(b.start_at) <= m)
            returned += max(per.values()) >= 2
    assert summary["Vervolggesprek met dezelfde hulpverlener"] == (
        rate(returned, youths) or "te weinig om te tonen")
    assert youths >= 5
    # Waiting time: case opened -> the case's first held session, by the session's month.
    waits = []
    for c in seeded.cases:
        held = sorted(b.start_at for b in seeded.bookings
                      if b.case_id == c.id and b.status == "done")
        if held and month(held[0]) in months:
            waits.append(held[0] - c.created_at)
    assert len(waits) >= 5

    def duration(seconds: float) -> str:
        hours = round(seconds / 3600)
        return f"{hours // 24} d {hours % 24} u"

    median = statistics.median(waits)
    p90 = statistics.quantiles(waits, n=10, method="inclusive")[-1]
    assert summary["Wachttijd eerste bericht → eerste gesprek (mediaan)"] == duration(median)
    assert summary["Wachttijd eerste bericht → eerste gesprek (90% binnen)"] == duration(p90)

    # Outcomes and crisis categories: one column each, total included.
    outcome_rows = read_csv(out[f"{stem}-outcome.csv"])
    true_outcomes = Counter(b.outcome for b in seeded.bookings
                            if b.status == "done" and month(b.start_at) in months)
    outcome_label = report_values(config, "outcome", sorted(true_outcomes))
    shown = {r[0]: r[1] for r in outcome_rows[1:-1]}
    assert set(shown) == set(outcome_label.values())
    check_column([shown[outcome_label[o]] for o in sorted(true_outcomes)],
                 [true_outcomes[o] for o in sorted(true_outcomes)],
                 outcome_rows[-1][1], sum(true_outcomes.values()))
    assert outcome_rows[-1][1] == summary[labels["sessions_held"]]  # held sessions, all
    crisis_rows = read_csv(out[f"{stem}-crisis.csv"])
    true_alerts = Counter(a.category for a in seeded.alerts if month(a.created_at) in months)
    shown = {r[0]: r[1] for r in crisis_rows[1:-1]}
    assert set(shown) == set(true_alerts)
    check_column([shown[k] for k in sorted(true_alerts)], [true_alerts[k] for k in
                 sorted(true_alerts)], crisis_rows[-1][1], sum(true_alerts.values()))
    assert crisis_rows[0][2] == "Opgenomen binnen 15 minuten"
    for category in true_alerts:
        of = [a for a in alerts if a.category == category]
        claimed = [a for a in of
                   if a.claimed_at is not None and a.claimed_at - a.created_at <= 900]
        row = next(r for r in crisis_rows[1:-1] if r[0] == category)
        assert row[2] == (rate(len(claimed), len(of)) or "te weinig om te tonen")
    assert crisis_rows[-1][2] == summary["Opgenomen binnen 15 minuten"]
    assert crisis_rows[-1][1] == summary[labels["crisis_alerts"]]

    # Nothing that points at a youth, anywhere.
    secrets = [*seeded.youths, *(c.ref for c in seeded.cases), "SECRET-STORY", "@"]
    for name, content in out.items():
        if name.endswith(".csv"):
            text = content.decode()
            assert not any(s in text for s in secrets), name


def report_values(config, dim: str, values: list[str]) -> dict[str, str]:
    from bot.reports.build import Labels

    lab = Labels(config)
    return {v: lab.value(dim, v) for v in values}


async def test_the_pdf_and_pngs_open(db: Database, seeded: SeedData, config,
                                     tmp_path: Path) -> None:
    from PIL import Image

    report = await report_for(db, config, MONTHS[0], MONTHS[-1])
    out = files(report, chart_titles(config))
    pngs = [n for n in out if n.endswith(".png")]
    assert len(pngs) == 3
    for name in pngs:
        image = Image.open(io.BytesIO(out[name]))
        image.load()
        assert image.width > 300 and image.height > 200
    pdf = out[next(n for n in out if n.endswith(".pdf"))]
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed; scripts/test.sh installs it")
    await asyncio.to_thread(check_pdf, pdf, tmp_path, [*seeded.youths, "SECRET-STORY", "-REF"])


def check_pdf(data: bytes, tmp_path: Path, secrets: list[str]) -> None:
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1  # one page
    assert Image.open(pages[0]).width > 200
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    assert "Cijfers chathulp 2026-08 – 2026-10" in text
    assert "Nieuwe contacten" in text
    assert not any(s in text for s in secrets)


async def test_figures_survive_erasing_youths(db: Database, seeded: SeedData, config) -> None:
    p = period(MONTHS[0], MONTHS[-1], TZ)
    before = await figures_for(db, p, TZ)
    gone = sorted(seeded.youths)[::7]
    for user in gone:
        async with db.transaction() as conn:
            await retain_youth(db, user, TZ)
            await conn.execute("DELETE FROM youths WHERE user_id = ?", (user,))
    assert await db.fetchval("SELECT COUNT(*) FROM cases WHERE youth_id = ?", (gone[0],)) == 0
    after = await figures_for(db, p, TZ)
    assert +after.total() == +before.total()
    assert after.wait_seconds() == before.wait_seconds()
    kept = await db.fetchall("SELECT * FROM report_counts")
    assert kept and all("@" not in str(v) for row in kept for v in row.values())


def test_suppression_rules() -> None:
    # One small cell and a shown total: a second cell is hidden with it.
    col = column({"a": 3, "b": 10, "c": 20}, 33)
    assert col.cells == {"a": "<5", "b": "x", "c": "20"} and col.total == "33"
    # Two small cells that add up to less than 5 would still tell: hide one more.
    col = column({"a": 1, "b": 2, "c": 7, "d": 9}, 19)
    assert col.cells == {"a": "<5", "b": "<5", "c": "x", "d": "9"}
    # Two small cells adding up to 5 or more are safe together.
    col = column({"a": 2, "b": 3, "c": 9}, 14)
    assert col.cells == {"a": "<5", "b": "<5", "c": "9"} and col.total == "14"
    # A small total is itself hidden; zeros are shown.
    col = column({"a": 3, "b": 0}, 3)
    assert col.cells == {"a": "<5", "b": "0"} and col.total == "<5"
    assert rate(6, 10) is None and rate(5, 10) == "50%" and rate(0, 12) == "0%"
    assert rate(3, 4) is None


def test_the_report_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main
    from bot.storage import migrations

    data_dir = tmp_path / "data"
    example = (Path(__file__).resolve().parents[2] / "config.example.yaml").read_text()
    lines = [f"data_dir: {data_dir}" if line.startswith("data_dir:") else line
             for line in example.splitlines()]
    config_file = tmp_path / "config.yaml"
    config_file.write_text("\n".join(lines) + "\n")

    async def seed() -> None:
        data_dir.mkdir()
        db = Database(f"sqlite://{data_dir / 'chathulp.db'}")
        await db.open()
        await migrations.upgrade(db)
        await load(db, generate(seed=7, youths=40))
        await db.close()

    asyncio.run(seed())
    out = tmp_path / "out"
    assert main(["report", "-c", str(config_file), "--month", "2026-09", "--to", "2026-10",
                 "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert sorted(Path(line).name for line in capsys.readouterr().out.split()) == names
    assert "chathulp-2026-09_2026-10.pdf" in names
    assert "chathulp-2026-09_2026-10-municipality.csv" in names
    assert len([n for n in names if n.endswith(".csv")]) == 9
    assert main(["report", "-c", str(config_file), "--month", "2026-13", "--out",
                 str(out)]) == 1
    assert "not a month" in capsys.readouterr().err


def test_referrals_after_a_session_are_counted_per_directory_line() -> None:
    from bot.reports.build import make_report
    from bot.reports.figures import compute
    from bot.storage.reports import BookingFact, CaseFact, Facts

    start = int(datetime(2026, 9, 10, 12, 0, tzinfo=TZ).timestamp())
    cases = [CaseFact(i, f"@y{i}:x", "closed", "nl", "16-18", "school", "kortrijk", None,
                      start) for i in range(16)]
    lines = ["druglijn"] * 6 + ["lumi"] * 5 + [None] * 5
    bookings = [BookingFact(i, f"@y{i}:x", "@c:x", start + i, "done", "referred", True, line)
                for i, line in enumerate(lines)]
    bookings.append(BookingFact(0, "@y0:x", "@c:x", start + 99, "done", "done", True, None))
    p = period("2026-09", "2026-09", TZ)
    fig = compute(Facts(cases, bookings, []), p.months, TZ)
    total = fig.total()
    assert total[("referral", "druglijn", "referrals")] == 6
    assert total[("referral", "lumi", "referrals")] == 5
    assert total[("referral", "unknown", "referrals")] == 5
    assert total[("total", "", "referrals_session")] == 16
    table = next(t for t in make_report(fig, p, make_config(Path("/tmp/x"))).tables
                 if t.name == "referral")
    assert table.heading == "Doorverwezen naar (na een gesprek)"
    rows = {r[0]: r[1] for r in table.rows}
    assert rows["De Druglijn"] == "6" and rows["Lumi"] == "5" and rows["Onbekend"] == "5"
    assert rows["Totaal"] == "16"


def test_claimed_within_15_minutes_counts_the_limit_itself_and_nothing_later() -> None:
    from bot.reports.figures import compute
    from bot.storage.reports import CrisisFact, Facts

    t = int(datetime(2026, 9, 10, 12, 0, tzinfo=TZ).timestamp())
    crises = [CrisisFact(None, "suicide", t, t + 900), CrisisFact(None, "suicide", t, t + 901),
              CrisisFact(None, "suicide", t, None), CrisisFact(None, "abuse", t, t + 60)]
    fig = compute(Facts([], [], crises), ["2026-09"], TZ).total()
    assert fig[("crisis", "suicide", "alerts")] == 3
    assert fig[("crisis", "suicide", "claimed")] == 1
    assert fig[("crisis", "abuse", "claimed")] == 1
