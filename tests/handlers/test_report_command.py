"""`!report` in-process: admins get the table and encrypted attachments, others are refused."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.harness import SARA, TOM, Harness
from tests.support.report_seed import generate, load


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.start(tmp_path, admins=[SARA])
    data = generate(seed=3, youths=60)
    await load(harness.db, data)
    harness.seed = data  # type: ignore[attr-defined]
    yield harness
    await harness.close()


def say(h: Harness, key: str, **values: str) -> str:
    return h.config.catalogue.plain("nl", key, **values)


async def test_an_admin_gets_the_table_and_the_files_in_their_dm(h: Harness) -> None:
    room = await h.counselor_dm(SARA)
    replies = await h.counselor_says(SARA, "!report 2026-09")
    assert len(replies) == 2
    table, done = replies
    assert table.startswith("Cijfers chathulp 2026-09") and "Nieuwe contacten" in table
    assert done == say(h, "report.sent", period="2026-09")
    files = {f.filename: f for f in h.transport.files}
    assert all(f.room_id == room for f in files.values())
    assert sorted(n.rsplit("-", 1)[-1] for n in files if n.endswith(".csv")) == sorted(
        f"{n}.csv" for n in ("summary", "municipality", "topic", "age_band", "language",
                             "campaign", "outcome", "crisis", "referral"))
    pdf = files["chathulp-2026-09.pdf"]
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    # The table in the chat says what the summary CSV says.
    rows = list(csv.reader(io.StringIO(files["chathulp-2026-09-summary.csv"].data.decode())))
    for label, value in rows[1:]:
        assert any(line.startswith(label) and line.endswith(value)
                   for line in table.splitlines())
    secrets = [*h.seed.youths, *(c.ref for c in h.seed.cases), "SECRET"]  # type: ignore[attr-defined]
    for f in files.values():
        if f.filename.endswith(".csv"):
            assert not any(s in f.data.decode() for s in secrets)
    assert not any(s in table for s in secrets)


async def test_a_counselor_who_is_not_an_admin_is_refused(h: Harness) -> None:
    (reply,) = await h.counselor_says(TOM, "!report 2026-09")
    assert reply == say(h, "commands.not_allowed", command="!report")
    assert h.transport.files == []
    (help_tom,) = await h.counselor_says(TOM, "!help")
    (help_sara,) = await h.counselor_says(SARA, "!help")
    assert "!report" not in help_tom and "!report" in help_sara


async def test_report_in_the_staff_room(h: Harness) -> None:
    assert await h.message(h.staff_room, TOM, "even overleggen over vanmiddag") == []
    replies = await h.message(h.staff_room, SARA, "!cijfers 2026-10")
    assert replies[-1] == say(h, "report.sent", period="2026-10")
    assert {f.room_id for f in h.transport.files} == {h.staff_room}
    assert len(h.transport.files) == 10
    (refused,) = await h.message(h.staff_room, TOM, "!report 2026-10")
    assert refused == say(h, "commands.not_allowed", command="!report")
    assert await h.message(h.staff_room, SARA, "!agenda") == []  # other commands: DM only


async def test_a_month_that_cannot_be_read(h: Harness) -> None:
    (reply,) = await h.counselor_says(SARA, "!report september")
    assert reply.startswith(say(h, "report.bad_month", text="september"))
    assert "<JJJJ-MM>" in reply
    (reply,) = await h.counselor_says(SARA, "!report")
    assert "<JJJJ-MM>" in reply
    assert h.transport.files == []
