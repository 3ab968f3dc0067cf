"""The queue for "now" on SQLite and PostgreSQL: one place per youth, crisis flag and urgency
for the order, recent session lengths for the estimate, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.now_queue import order
from bot.storage import alerts, rights
from bot.storage import now_queue as store
from bot.storage.db import Database
from tests.unit.test_bookings_store import NOW, add_youth


async def test_places_order_and_erasure(db: Database) -> None:
    a, b, c = [await add_youth(db, n) for n in (1, 2, 3)]
    await db.execute("UPDATE cases SET urgency = 'today' WHERE id = ?", (c[1],))
    for i, (youth, case_id) in enumerate((a, b, c)):
        assert await store.join(db, youth, case_id, NOW + timedelta(minutes=i)) is not None
    assert await store.join(db, a[0], a[1], NOW) is None  # one place per youth
    await alerts.raise_alert(db, b[1], b[0], "suicide", None, NOW)
    entries = await store.waiting(db)
    assert [w.youth_id for w in order(entries)] == [b[0], c[0], a[0]]
    flags = {w.youth_id: (w.crisis, w.urgent) for w in entries}
    assert flags == {a[0]: (False, False), b[0]: (True, False), c[0]: (False, True)}

    entry = await store.of_youth(db, a[0])
    assert entry is not None and entry.place_told is None
    await store.set_place_told(db, entry.id, 3)
    assert (await store.get(db, entry.id)).place_told == 3  # type: ignore[union-attr]
    assert await store.remove(db, entry.id)
    assert not await store.remove(db, entry.id)  # gone already: nobody takes it twice

    # Erasing a youth removes their place.
    assert await rights.erase_youth(db, b[0]) > 0
    assert [w.youth_id for w in await store.waiting(db)] == [c[0]]


async def test_recent_session_minutes(db: Database) -> None:
    youth, case_id = await add_youth(db, 1)
    start = int(NOW.timestamp())
    for i, (minutes, outcome) in enumerate(((40, "done"), (50, "no-show"), (30, "done"))):
        booking_id = await db.fetchval(
            "INSERT INTO bookings (case_id, youth_id, counselor_id, start_at, end_at, status, "
            "created_at, updated_at) VALUES (?, ?, '@sara:x', ?, ?, 'done', ?, ?) RETURNING id",
            (case_id, youth, start + i * 7200, start + i * 7200 + 2700, start, start))
        await db.execute(
            "INSERT INTO sessions (booking_id, nonce, counselor_id, created_at, state, "
            "outcome, opened_at, ended_at) VALUES (?, ?, '@sara:x', ?, 'ended', ?, ?, ?)",
            (booking_id, f"n{i}", start, outcome, start + i * 7200,
             start + i * 7200 + minutes * 60))
    # Newest first; the no-show does not count (nobody talked).
    assert await store.recent_session_minutes(db) == [30.0, 40.0]
    assert datetime.fromtimestamp(start, UTC) == NOW
