"""A stand-in reads the case they took over with `!case`, on a real Synapse with E2EE clients:
the notes of the counselor they replace, decrypted by the stand-in's own client; the read is
in the audit trail."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.storage import rights
from tests.conftest import MatrixEnv
from tests.integration.test_intake import ask
from tests.integration.test_sessions import BRUSSELS, Journey

pytestmark = pytest.mark.synapse

NOTE = "Wil liever bellen dan chatten <b>echt</b>"


async def test_a_standin_reads_the_notes_of_the_case_they_took_over(mx: MatrixEnv) -> None:
    j = await Journey.start(mx, n_counselors=2)
    sara, tom = j.staff
    await ask(j.youth, j.room, j.bot_id, "1")  # "now"
    room = await j.session_room()
    booked_id = await j.app.db.fetchval("SELECT counselor_id FROM bookings")
    booked, standin = (sara, tom) if booked_id == sara.user_id else (tom, sara)
    ref = await j.app.db.fetchval("SELECT ref FROM cases WHERE youth_id = ?",
                                  (j.youth.user_id,))
    texts = j.app.ctx.config.catalogue
    # The booked counselor writes a note; the colleague may not read the case yet.
    assert await j.command(booked, f"!note {NOTE} #{ref}") == texts.plain(
        "nl", "session.note_saved", ref=ref)
    assert await j.command(standin, f"!case #{ref}") == texts.plain(
        "nl", "session.unknown_case", ref=ref)

    # The booked counselor does not come: the colleague stands in.
    await j.join(j.youth, room)
    before = standin.mark()
    j.clock.set(datetime(2026, 12, 1, 10, 6, tzinfo=BRUSSELS))
    await j.app.timers.refresh()
    await standin.wait_for(lambda: room in standin.invites, timeout=30)

    dm = await j.dm(standin)
    # The invite comes before the take-over commits; the notice that says so comes after.
    await standin.wait_for(
        lambda: any(m.room_id == dm and m.sender == j.bot_id and ref in m.body
                    for m in standin.received[before:]),
        timeout=30, what="the stand-in notice")
    mark = standin.mark()
    await standin.say(dm, f"!case #{ref}")
    reply = await standin.next_message(dm, sender=j.bot_id, after=mark)  # decrypted by Tom
    assert f"#{ref}" in reply.body and NOTE in reply.body
    assert reply.html is not None and "<ul>" in reply.html
    assert "&lt;b&gt;echt&lt;/b&gt;" in reply.html and "<b>echt</b>" not in reply.html
    assert j.youth.user_id not in reply.body and j.youth.user_id not in reply.html

    trail = [(e.action, e.reason, e.actor) for e in await rights.audit_trail(j.app.db)]
    assert ("case_read", f"#{ref}", standin.user_id) in trail
    assert ("case_read_refused", f"#{ref}", standin.user_id) in trail
