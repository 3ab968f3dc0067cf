"""Intake DMs for web sign-ups are durable intents (bot/intakes.py): a sign-up the page
answered with "invited" gets its DM after a refusal or a restart, and exactly one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.intakes import IntakeOpener
from bot.metrics import METRICS
from bot.storage import intents, youths
from tests.support.harness import YOUTH, Harness

OTHER = "@other:fake"


class Killed(BaseException):
    """The process dies here: nothing catches it, the transaction is not committed."""


async def sign_up(h: Harness, opener: IntakeOpener, user_id: str = YOUTH) -> None:
    """What the web hook does before the page answers: the intent commits."""
    async with h.db.transaction():
        await opener.request(user_id, "krt-school-3")


async def test_a_refused_opening_waits_and_a_restart_opens_it_once(h: Harness) -> None:
    opener = IntakeOpener(h.db, h.router.youth, backoff_max=0.01)
    h.transport.fail["create_room"] = RuntimeError("creating a room failed: M_LIMIT_EXCEEDED")
    await sign_up(h, opener)
    await opener.pump()
    assert h.transport.created == []
    intent = await intents.intake_intent(h.db, YOUTH)
    assert intent is not None and intent.attempts == 1
    assert METRICS.get("chathulp_intake_pending") == 1
    assert await youths.dm_room_of(h.db, YOUTH) is None

    # The bot restarts (a new opener on the same database); the homeserver takes it now.
    del h.transport.fail["create_room"]
    restarted = IntakeOpener(h.db, h.router.youth)
    await restarted.pump()
    await restarted.pump()
    assert len(h.transport.created) == 1
    room = h.transport.created[0]
    assert h.transport.rooms[room].invited == {YOUTH}
    assert await youths.dm_room_of(h.db, YOUTH) == room
    assert await intents.intake_intent(h.db, YOUTH) is None
    assert METRICS.get("chathulp_intake_pending") == 0
    await h.joins(room, YOUTH)
    first = h.transport.to(room)
    assert len(first) == 2 and "taal" in first[-1].lower()


async def test_a_room_created_just_before_a_kill_is_reused_not_doubled(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    opener = IntakeOpener(h.db, h.router.youth)
    await sign_up(h, opener)

    async def killed(*_args: object) -> None:
        raise Killed

    monkeypatch.setattr(h.router.youth, "record_intake", killed)
    intent = await intents.intake_intent(h.db, YOUTH)
    assert intent is not None
    with pytest.raises(Killed):
        await opener.open_one(intent)
    assert len(h.transport.created) == 1  # the room exists, nothing was recorded
    assert await intents.intake_intent(h.db, YOUTH) is not None
    assert await youths.dm_room_of(h.db, YOUTH) is None

    monkeypatch.undo()
    await IntakeOpener(h.db, h.router.youth).pump()
    assert len(h.transport.created) == 1
    assert await youths.dm_room_of(h.db, YOUTH) == h.transport.created[0]
    assert await intents.intake_intent(h.db, YOUTH) is None


async def test_the_caller_waits_for_the_room_and_others_are_not_held_up(
    h: Harness, tmp_path: Path
) -> None:
    opener = IntakeOpener(h.db, h.router.youth)
    opener.start()
    try:
        await sign_up(h, opener)
        await sign_up(h, opener, OTHER)
        assert await opener.wait(YOUTH, timeout=5)
        assert await opener.wait(OTHER, timeout=5)
        assert len(h.transport.created) == 2
        assert await opener.wait(YOUTH, timeout=0.1)  # done before: at once
    finally:
        await opener.stop()


async def test_a_youth_who_wrote_first_keeps_their_own_dm(h: Harness) -> None:
    """The youth logged in and wrote to the bot before the intake DM could be opened."""
    opener = IntakeOpener(h.db, h.router.youth)
    await sign_up(h, opener)
    await h.youth_says(YOUTH, "hoi")
    own = await h.dm(YOUTH)
    await opener.pump()
    assert h.transport.created == []
    assert await youths.dm_room_of(h.db, YOUTH) == own
    assert await intents.intake_intent(h.db, YOUTH) is None
