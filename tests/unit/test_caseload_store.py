"""The case-access facts, the caseload and the case record on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.availability import Slot
from bot.domain.case_access import Access, access
from bot.domain.intake import IntakeState
from bot.storage import alerts, bookings, caseload, sealing, youths
from bot.storage import sessions as store
from bot.storage.db import Database

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SARA, TOM, YOUTH = "@sara:test", "@tom:test", "@youth:test"


async def test_facts_caseload_and_record(db: Database) -> None:
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    fresh = IntakeState(status="active", step="age", language="nl", answers={})
    _, case = await youths.first_contact(db, YOUTH, "!dm:test", fresh, NOW)
    assert await caseload.facts_by_ref(db, "ZZZ-999") is None
    facts = await caseload.facts_by_ref(db, case.ref.lower())
    assert facts is not None and facts.counselor_id is None and facts.latest_session is None
    assert await caseload.candidate_cases(db, SARA) == []

    # Booked with Sara: hers by the upcoming booking.
    slot = Slot(SARA, NOW, NOW + timedelta(minutes=45))
    booked = await bookings.book(db, case_id=case.id, youth_id=YOUTH, slot=slot, now=NOW,
                                 reminders=[])
    assert booked.ok and booked.booking is not None
    facts = await caseload.facts(db, case.id)
    assert facts is not None and facts.upcoming is not None
    assert facts.upcoming.counselor_id == SARA
    assert await caseload.candidate_cases(db, SARA) == [case.id]
    item = await caseload.caseload_item(db, case.id)
    assert item is not None and item.next_session == NOW and item.last_session is None

    # The session opens; Tom stands in; a note, a declined and an accepted handover, alerts.
    session, _ = await store.begin(db, booked.booking.id, SARA, NOW)
    await store.set_room(db, session.id, "!room:test")
    session = await store.get(db, session.id)  # type: ignore[assignment]
    assert session is not None
    await store.mark_open(db, session, NOW)
    await store.replace_counselor(db, session.id, TOM, SARA)
    await store.add_note(db, case.id, TOM, "geheime <notitie>", NOW)
    assert await db.fetchval("SELECT body FROM case_notes") != "geheime <notitie>"  # sealed
    await store.propose_handover(db, case.id, TOM, SARA, NOW)
    pending = await store.pending_handover(db, YOUTH)
    assert pending is not None
    await store.decide_handover(db, pending.id, False, NOW)
    await alerts.note_concern(db, case.id, YOUTH, "suicide", None, NOW)
    await alerts.raise_alert(db, case.id, YOUTH, "suicide", None, NOW)
    facts = await caseload.facts(db, case.id)
    assert facts is not None and facts.latest_session is not None
    assert facts.latest_session.counselor_id == TOM and facts.upcoming is None
    assert facts.handovers == ()  # a declined one does not count
    assert access(facts, TOM, {SARA, TOM}, ()) is Access.ACT
    assert access(facts, SARA, {SARA, TOM}, ()) is Access.NONE
    assert await caseload.candidate_cases(db, TOM) == [case.id]

    item = await caseload.caseload_item(db, case.id)
    assert item is not None and item.last_session == NOW and item.next_session is None
    assert item.open_alerts == 1
    record = await caseload.record(db, case.id)
    assert record is not None and record.case.ref == case.ref
    assert [(s.counselor_id, s.standin_for, s.status) for s in record.sessions] == [
        (TOM, SARA, "opened")]
    assert [n.body for n in record.notes] == ["geheime <notitie>"]
    assert [(h.from_id, h.to_id, h.state) for h in record.handovers] == [
        (TOM, SARA, "declined")]
    assert sorted((a.tier, a.state) for a in record.alerts) == [
        ("acute", "open"), ("concern", "closed")]

    # Handed over (accepted) from Tom to Sara: Sara's, Tom's no more.
    later = NOW + timedelta(minutes=5)
    await store.propose_handover(db, case.id, TOM, SARA, later)
    pending = await store.pending_handover(db, YOUTH)
    assert pending is not None
    await store.decide_handover(db, pending.id, True, later)
    facts = await caseload.facts(db, case.id)
    assert facts is not None and facts.counselor_id == SARA
    assert [(h.from_id, h.to_id) for h in facts.handovers] == [(TOM, SARA)]
    assert access(facts, SARA, {SARA, TOM}, ()) is Access.ACT
    assert access(facts, TOM, {SARA, TOM}, ()) is Access.NONE
    assert await caseload.record(db, case.id + 1000) is None
