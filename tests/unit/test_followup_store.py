"""A session's form, a phone session's sealed number and the message records, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.storage import bookings as store
from bot.storage import followup, rights, sealing
from bot.storage.db import Database
from tests.unit.test_bookings_store import NOW, T10, add_youth, book, slot


async def test_form_phone_and_messages(db: Database) -> None:
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    youth = await add_youth(db, 1)
    chat = await book(db, youth, slot(T10))
    assert chat.booking is not None and chat.booking.form == "chat"
    assert not await followup.set_phone(db, chat.booking.id, "0470 12 34 56")  # not phone
    assert await store.cancel(db, chat.booking.id, NOW)

    phone = await book(db, youth, slot(T10 + timedelta(hours=2)), form="phone")
    assert phone.booking is not None and phone.booking.form == "phone"
    booking_id = phone.booking.id
    assert await followup.set_phone(db, booking_id, "0470 12 34 56")
    raw = await db.fetchval("SELECT phone FROM bookings WHERE id = ?", (booking_id,))
    assert raw.startswith("cx1:") and "0470" not in raw
    assert await followup.phone_of(db, booking_id) == "0470 12 34 56"

    # Moved: the form and the number go with it, and stay in one place only.
    moved = await store.move(db, booking_id, slot=slot(T10 + timedelta(hours=4)), now=NOW,
                             reminders=[])
    assert moved.booking is not None and moved.booking.form == "phone"
    assert await followup.phone_of(db, moved.booking.id) == "0470 12 34 56"
    assert await followup.phone_of(db, booking_id) is None
    assert await followup.forget_phone(db, moved.booking.id)
    assert not await followup.forget_phone(db, moved.booking.id)
    assert await followup.phone_of(db, moved.booking.id) is None

    visit = await book(db, await add_youth(db, 2), slot(T10 + timedelta(hours=6)),
                       form="visit", place="kortrijk")
    assert visit.booking is not None and (visit.booking.form, visit.booking.place) == (
        "visit", "kortrijk")

    for minutes in (0, 30, 90):
        await followup.record_message(db, case_id=youth[1], youth_id=youth[0],
                                      counselor_id="@sara:localhost",
                                      direction="to_counselor",
                                      now=NOW + timedelta(minutes=minutes))
    recent = await followup.messages_since(db, youth[0], "to_counselor",
                                           NOW + timedelta(minutes=30))
    assert [m.at for m in recent] == [NOW + timedelta(minutes=30), NOW + timedelta(minutes=90)]
    assert await followup.messages_since(db, youth[0], "to_youth", NOW) == []
    await rights.erase_youth(db, youth[0])
    assert await db.fetchval("SELECT COUNT(*) FROM case_messages") == 0
