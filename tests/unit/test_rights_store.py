"""The rights queries on both engines: erasure over the table list, retention selections,
service accounts and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.intake import IntakeState
from bot.storage import alerts, rights, sealing, youths
from bot.storage.db import Database

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def test_erase_and_retention_queries(db: Database) -> None:
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    fresh = IntakeState(status="active", step="age", language="nl", answers={})
    for user in ("@a:test", "@b:test"):
        await youths.first_contact(db, user, f"!dm-{user}", fresh, NOW)
    await rights.record_service_account(db, "@a:test", NOW)
    assert await rights.is_service_account(db, "@a:test")
    later = NOW + timedelta(days=31)
    assert sorted(await rights.youths_without_session(db, later)) == ["@a:test", "@b:test"]
    assert await rights.youths_without_session(db, NOW) == []
    assert sorted(await rights.youths_expired(db, later)) == ["@a:test", "@b:test"]
    assert await rights.unused_service_accounts(db, later) == ["@a:test"]

    # Retention keeps the account record (deactivated later); a request removes it.
    assert await rights.erase_youth(db, "@a:test", keep_account=True) >= 2
    assert await rights.is_service_account(db, "@a:test")
    await rights.erase_youth(db, "@b:test")
    assert await db.fetchval("SELECT COUNT(*) FROM youths") == 0
    assert await db.fetchval("SELECT COUNT(*) FROM cases") == 0
    await rights.forget_service_account(db, "@a:test")
    assert not await rights.is_service_account(db, "@a:test")

    await rights.audit(db, "erasure", "youth request", NOW)
    await rights.audit(db, "purge", "youth request", NOW, count=2)
    trail = await rights.audit_trail(db)
    assert [(a.action, a.count) for a in trail] == [("purge", 2), ("erasure", 1)]


async def test_concern_question_is_taken_once_expires_and_is_erased(db: Database) -> None:
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    fresh = IntakeState(status="active", step="age", language="nl", answers={})
    for user in ("@a:test", "@b:test"):
        _, case = await youths.first_contact(db, user, f"!dm-{user}", fresh, NOW)
        await alerts.ask_question(db, user, case.id, "suicide", NOW)
    later = NOW + timedelta(minutes=5)
    taken = await alerts.take_question(db, "@a:test", later, 600)
    assert taken is not None and (taken.youth_id, taken.category) == ("@a:test", "suicide")
    assert await alerts.take_question(db, "@a:test", later, 600) is None  # taken once
    assert await alerts.take_question(db, "@b:test", NOW + timedelta(minutes=11), 600) is None
    # Asked again and erased with the youth.
    _, case = await youths.first_contact(db, "@b:test", "!dm-@b:test", fresh, NOW)
    await alerts.ask_question(db, "@b:test", case.id, "suicide", NOW)
    await rights.erase_youth(db, "@b:test")
    assert await db.fetchval("SELECT COUNT(*) FROM crisis_questions") == 0
