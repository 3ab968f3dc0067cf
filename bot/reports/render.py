"""Writing a `Report`: one CSV per table, PNG bar charts and a one-page PDF (matplotlib).

Blocking work: call `write` in a thread (`asyncio.to_thread`) from the bot.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.reports.build import Report, Table


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return buf.getvalue().encode("utf-8")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(ax, table: Table, title: str) -> None:
    assert table.chart is not None
    labels = [label for label, _ in table.chart]
    values = [n or 0 for _, n in table.chart]
    ax.barh(range(len(labels)), values, color="#3b7dd8")
    for i, value in enumerate(values):  # a hidden count has no bar, only its text (<5, x)
        ax.text(value, i, f" {table.rows[i][1]}", va="center", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=9)
    ax.tick_params(axis="x", labelsize=7)
    ax.margins(x=0.15)


def chart_tables(report: Report) -> list[Table]:
    return [t for t in report.tables if t.chart and t.name in ("municipality", "topic",
                                                                "age_band")]


def png_bytes(table: Table, title: str) -> bytes:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 0.35 * max(3, len(table.rows)) + 1))
    _bars(ax, table, title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def pdf_bytes(report: Report, chart_titles: dict[str, str]) -> bytes:
    """One A4 page: title, the summary table, three charts, the privacy note."""
    plt = _pyplot()
    fig = plt.figure(figsize=(8.27, 11.69))
    fig.suptitle(report.title, fontsize=14, y=0.975)
    ax = fig.add_axes((0.08, 0.60, 0.84, 0.33))
    ax.axis("off")
    tbl = ax.table(cellText=report.summary.rows, colLabels=report.summary.columns,
                   loc="upper center", colWidths=[0.62, 0.38], cellLoc="left")
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(8)
    tbl.scale(1, 1.25)
    charts = chart_tables(report)
    slots = [(0.30, 0.33, 0.62, 0.22), (0.30, 0.09, 0.25, 0.20), (0.72, 0.09, 0.22, 0.20)]
    for table, rect in zip(charts, slots, strict=False):
        _bars(fig.add_axes(rect), table, chart_titles[table.name])
    fig.text(0.08, 0.025, report.note, fontsize=7, wrap=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def files(report: Report, chart_titles: dict[str, str]) -> dict[str, bytes]:
    """File name → content: the CSVs, PNG charts and the PDF."""
    stem = f"chathulp-{report.period.replace(' – ', '_')}"
    out = {f"{stem}-{t.name}.csv": csv_bytes(t) for t in [report.summary, *report.tables]}
    for t in chart_tables(report):
        out[f"{stem}-{t.name}.png"] = png_bytes(t, chart_titles[t.name])
    out[f"{stem}.pdf"] = pdf_bytes(report, chart_titles)
    return out


def write(report: Report, chart_titles: dict[str, str], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files(report, chart_titles).items():
        path = out_dir / name
        path.write_bytes(data)
        written.append(path)
    return written
