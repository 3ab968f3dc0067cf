"""`chathulp migrate-db`: a released SQLite database copied to PostgreSQL, verified by counts."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import cli
from bot.domain.availability import Slot
from bot.domain.intake import IntakeState
from bot.storage import bookings, migrations, sessions, transfer, youths
from bot.storage.db import Database
from tests.support.postgres import PostgresServer
from tests.unit.test_migrations import RELEASED_V5

ROOT = Path(__file__).resolve().parents[2]


def released_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "chathulp.db"
    con = sqlite3.connect(path)
    con.executescript(RELEASED_V5.read_text())
    con.close()
    return path


async def run_cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_migrate_sqlite_to_postgresql(tmp_path: Path, postgres: PostgresServer) -> None:
    source = released_sqlite(tmp_path)
    target = await postgres.create_database("migrate")
    code, out, err = await run_cli("migrate-db", "--from", f"sqlite://{source}", "--to", target)
    assert code == 0, err
    counts = {line.split()[0]: line.split()[1:] for line in out.splitlines()[:-1]}
    assert set(counts) == set(transfer.TABLES)
    assert counts["bookings"] == ["1", "1", "ok"] and counts["timers"] == ["3", "3", "ok"]
    assert "all counts match" in out

    db = Database(target)
    await db.open()
    try:
        assert await migrations.current_version(db) == migrations.latest_version()
        case = await sessions.case_by_ref(
            db, await db.fetchval("SELECT ref FROM cases WHERE youth_id = '@y:localhost'"))
        assert case is not None and case.topic == "school"
        booked = await bookings.active_booking(db, "@y:localhost")
        assert booked is not None and booked.counselor_id == "@sara:localhost"
        assert len(await bookings.pending_timers(db)) == 3
        assert (await sessions.pending_handover(db, "@y:localhost")) is not None
        # The id sequences continue after the copied rows: new rows can be written.
        now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        youth, new_case = await youths.first_contact(
            db, "@z:localhost", "!dm2:localhost", IntakeState("intake", "age", "nl"), now)
        assert new_case.id > case.id
        s = Slot("@sara:localhost", booked.end + timedelta(hours=1),
                 booked.end + timedelta(hours=2))
        result = await bookings.book(db, case_id=new_case.id, youth_id=youth.user_id, slot=s,
                                     now=now, reminders=[])
        assert result.ok and result.booking is not None and result.booking.id > booked.id
    finally:
        await db.close()

    # A second copy into the now filled target is refused, nothing written.
    code, out, err = await run_cli("migrate-db", "--from", f"sqlite://{source}", "--to", target)
    assert code == 1 and "not empty" in err


async def test_count_mismatch_exits_non_zero(
    tmp_path: Path, postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def lossy(source: Database, target: Database, progress: object) -> list[object]:
        return [transfer.TableCount("kv", 2, 1), transfer.TableCount("rooms", 1, 1)]

    monkeypatch.setattr(transfer, "copy_database", lossy)
    code = await cli.migrate_db(f"sqlite://{released_sqlite(tmp_path)}",
                                await postgres.create_database("lossy"))
    out, err = capsys.readouterr()
    assert code == 1
    assert "kv" in out and "MISMATCH" in out and "counts differ" in err
