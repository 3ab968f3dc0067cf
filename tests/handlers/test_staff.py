"""Counselor commands in their DM, in-process: what they do and every error path."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.storage import bookings
from bot.storage import sessions as store
from tests.support.harness import BRUSSELS, SARA, TOM, YOUTH, Harness


def like(reply: str, template: str) -> bool:
    """`reply` is `template` filled in: every literal part of it, in order."""
    pos = 0
    for part in (p.split("}", 1)[-1] for p in template.split("{")):
        found = reply.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return True


def texts(h: Harness):
    return h.config.text("nl").session


async def test_like_is_not_a_tautology(h: Harness) -> None:
    assert like("Notitie bij ABC bewaard.", texts(h).note_saved)
    assert not like("Notitie bij ABC weg.", texts(h).note_saved)


async def test_end_needs_an_outcome_it_knows(h: Harness) -> None:
    await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!end")
    assert like(reply, texts(h).which_outcome)
    (reply,) = await h.counselor_says(SARA, "!end fantastisch")
    assert like(reply, texts(h).unknown_outcome) and "fantastisch" in reply
    assert (await h.db.fetchval("SELECT outcome FROM sessions")) is None


async def test_end_closes_the_session_once(h: Harness) -> None:
    session = await h.open_now()
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.counselor_says(SARA, "!end done")
    assert like(reply, texts(h).ended)
    assert any(like(t, texts(h).session_closed) for t in h.since(mark, youth_dm))
    assert (await store.get(h.db, session.id)).outcome == "done"  # type: ignore[union-attr]
    (again,) = await h.counselor_says(SARA, "!end done")
    assert like(again, texts(h).already_ended)


async def test_end_of_someone_elses_or_an_unknown_case_is_refused(h: Harness) -> None:
    await h.open_now()
    ref = await h.db.fetchval("SELECT ref FROM cases")
    (forbidden,) = await h.counselor_says(TOM, f"!end done #{ref}")
    assert forbidden == texts(h).unknown_case.format(ref=ref)
    (unknown,) = await h.counselor_says(TOM, "!end done #ZZZ-999")
    # The same answer: a reference reveals nothing about a case that is not yours.
    assert unknown == forbidden.replace(ref, "ZZZ-999")
    (reply,) = await h.counselor_says(TOM, "!end done")  # Tom has no session at all
    assert reply == texts(h).no_case
    (reply,) = await h.counselor_says(TOM, f"!note iets #{ref}")
    assert reply == forbidden
    assert (await h.db.fetchval("SELECT outcome FROM sessions")) is None
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_notes") == 0
    # The owner can, naming the case.
    (reply,) = await h.counselor_says(SARA, f"!note vraagt naar budgethulp #{ref}")
    assert reply == texts(h).note_saved.format(ref=ref)


async def test_followup_with_an_unreadable_time(h: Harness) -> None:
    await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!followup ooit eens")
    commands = h.config.text("nl").commands
    assert like(reply, commands.followup_unreadable) and "ooit eens" in reply
    (reply,) = await h.counselor_says(SARA, "!followup 2026-11-30 10:00")  # the past
    assert like(reply, commands.followup_past)


async def followup_refused(h: Harness, when: str) -> None:
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.counselor_says(SARA, f"!followup {when}")
    assert like(reply, texts(h).followup_busy), reply
    assert await bookings.active_booking(h.db, YOUTH) is None
    assert h.since(mark, youth_dm) == []  # the youth hears nothing


async def test_followup_books_and_tells_the_youth(h: Harness) -> None:
    await h.open_now()
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    refreshes = h.timers.refreshes
    (reply,) = await h.counselor_says(SARA, "!followup 2026-12-08 10:00")
    assert like(reply, texts(h).followup_booked_counselor)
    (told,) = h.since(mark, youth_dm)
    assert like(told, texts(h).followup_booked_youth) and "Sara" in told
    booking = await bookings.active_booking(h.db, YOUTH)
    assert booking is not None and booking.counselor_id == SARA
    assert booking.start == datetime(2026, 12, 8, 10, 0, tzinfo=BRUSSELS)
    assert h.timers.refreshes == refreshes + 1
    # A second follow-up while the first is still to come: refused.
    (reply,) = await h.counselor_says(SARA, "!followup 2026-12-09 10:00")
    assert like(reply, texts(h).followup_youth_booked)


async def test_followup_when_the_counselor_is_booked_is_refused(h: Harness) -> None:
    await h.open_now()
    # Sara's own session today runs 10:00-10:45: 10:50 is inside its 15-minute buffer.
    await followup_refused(h, "vandaag 10:50")
    (reply,) = await h.counselor_says(SARA, "!followup vandaag 11:00")  # just clear of it
    assert like(reply, texts(h).followup_booked_counselor)


async def test_followup_outside_working_hours_is_refused(h: Harness) -> None:
    await h.open_now()
    await followup_refused(h, "2026-12-08 21:30")  # Sara works 09:00-21:00
    await followup_refused(h, "2026-12-08 20:30")  # starts inside, ends after 21:00


async def test_followup_during_an_absence_is_refused(h: Harness) -> None:
    await h.open_now()
    (noted,) = await h.counselor_says(SARA, "!away 2026-12-07 2026-12-09")
    assert like(noted, texts(h).away_noted)
    await followup_refused(h, "2026-12-08 10:00")
    (back,) = await h.counselor_says(SARA, "!followup 2026-12-10 10:00")
    assert like(back, texts(h).followup_booked_counselor)


async def test_followup_outside_opening_hours_or_on_a_closure_is_refused(
    tmp_path: Path,
) -> None:
    opening = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    h = await Harness.start(tmp_path, scheduling={"opening_hours": opening,
                                                  "closures": ["2026-12-10"]})
    try:
        await h.open_now()
        await followup_refused(h, "2026-12-08 19:00")  # Sara works, the service is closed
        await followup_refused(h, "2026-12-10 10:00")  # a closure day
    finally:
        await h.close()


async def test_note_without_text_gets_help_and_saves_nothing(h: Harness) -> None:
    await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!note   ")
    assert like(reply, h.config.text("nl").commands.usage) and "!note" in reply
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_notes") == 0
    (saved,) = await h.counselor_says(SARA, "!note vraagt naar budgethulp")
    assert like(saved, texts(h).note_saved)
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_notes") == 1


async def test_handover_needs_a_known_colleague(h: Harness) -> None:
    await h.open_now()
    (reply,) = await h.counselor_says(SARA, "!handover iemand")
    assert reply.startswith(texts(h).bad_user + "\n")
    (reply,) = await h.counselor_says(SARA, f"!handover {SARA}")  # not to oneself
    assert reply.startswith(texts(h).bad_user + "\n")
    (reply,) = await h.counselor_says(SARA, "!handover @stranger:fake")
    assert reply.startswith(texts(h).unknown_colleague.format(colleague="@stranger:fake") + "\n")
    assert await h.db.fetchval("SELECT COUNT(*) FROM handovers") == 0


async def test_handover_asks_the_youth_and_their_yes_decides(h: Harness) -> None:
    await h.open_now()
    youth_dm = await h.dm(YOUTH)
    mark = h.mark()
    (reply,) = await h.counselor_says(SARA, f"!handover {TOM}")
    assert like(reply, texts(h).handover_asked)
    (question,) = h.since(mark, youth_dm)
    assert like(question, texts(h).handover_question) and "Tom" in question
    (answer,) = await h.youth_says(YOUTH, "ja")
    assert like(answer, texts(h).handover_accepted)
    assert await h.db.fetchval("SELECT counselor_id FROM cases") == TOM


async def test_away_with_bad_dates_is_explained(h: Harness) -> None:
    for args in ("", "gisteren-ish", "2026-12-20 2026-12-10", "2026-11-01"):
        (reply,) = await h.counselor_says(SARA, f"!away {args}")
        assert "!away" in reply and not like(reply, texts(h).away_noted), args
    assert await bookings.list_absences(h.db) == []


async def test_back_when_not_away(h: Harness) -> None:
    (reply,) = await h.counselor_says(SARA, "!back")
    assert reply == texts(h).back_not_away
    await h.counselor_says(SARA, "!away vandaag")
    (reply,) = await h.counselor_says(SARA, "!back")
    assert reply == texts(h).back_noted


async def test_unknown_command_and_agenda(h: Harness) -> None:
    (reply,) = await h.counselor_says(SARA, "!dance")
    assert reply == texts(h).unknown_command
    (reply,) = await h.counselor_says(SARA, "!agenda")
    assert reply == texts(h).agenda_empty
    await h.book_now()
    (reply,) = await h.counselor_says(SARA, "!agenda")
    assert reply.startswith(texts(h).agenda_title)


async def test_a_youth_typing_commands_gets_nothing_done(h: Harness) -> None:
    await h.open_now()
    for text in ("!end done", "!note hallo", f"!handover {TOM}"):
        await h.youth_says(YOUTH, text)
    assert await h.db.fetchval("SELECT outcome FROM sessions") is None
    assert await h.db.fetchval("SELECT COUNT(*) FROM case_notes") == 0
    assert await h.db.fetchval("SELECT COUNT(*) FROM handovers") == 0
