"""Choosing "now" on a real Synapse with E2EE clients: the room opens at once with a pointer in
the youth's DM; while the one counselor is busy, youths queue, keep their order over a restart,
get the counselor when she ends her session, and can leave the queue to book."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.domain.now_queue import order
from bot.storage import now_queue
from tests.conftest import MatrixEnv
from tests.integration.test_booking import finish_intake, scheduling
from tests.integration.test_intake import ask
from tests.support.matrix_user import MatrixUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse
BRUSSELS = ZoneInfo("Europe/Brussels")
# Half a minute past the hour: a "now" session starts at 10:01, and its room must not wait
# for that minute (the fake clock stands still: an opening that waits never comes).
AT = datetime(2026, 12, 1, 10, 0, 30, tzinfo=BRUSSELS)  # a Tuesday
# The pointer must come this fast (seconds); the test machine is slow and shared.
PROMPT = 15


def nl(app: App, key: str, **values: str) -> str:
    return app.config.catalogue.plain("nl", key, **values)


async def start(mx: MatrixEnv) -> tuple[App, FakeClock, MatrixUser, str]:
    clock = FakeClock(AT)
    sara = await mx.user("counselor")
    bot_id = await mx.register("bot")
    config = mx.config(bot_id, mx.tmp / "bot-data", scheduling=scheduling(sara.user_id))
    return await mx.start_bot(config, clock), clock, sara, bot_id


async def youth_with_offer(mx: MatrixEnv, bot_id: str) -> tuple[MatrixUser, str, str]:
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    offer = (await finish_intake(youth, room, bot_id))[-1]
    return youth, room, offer


async def pointer(youth: MatrixUser, room: str, bot_id: str, mark: int) -> str:
    """The first bot message in the DM after `mark` with a link to a room."""
    def found() -> str | None:
        return next((m.body for m in youth.received[mark:]
                     if m.room_id == room and m.sender == bot_id and "matrix.to" in m.body),
                    None)
    await youth.wait_for(found, timeout=PROMPT, what="the pointer to the session room")
    body = found()
    assert body is not None
    return body


async def test_now_opens_the_room_within_seconds_with_a_pointer(mx: MatrixEnv) -> None:
    app, _, sara, bot_id = await start(mx)
    youth, dm, offer = await youth_with_offer(mx, bot_id)
    assert "1. Nu meteen, met Sara" in offer
    mark = youth.mark()
    (confirmation,) = await ask(youth, dm, bot_id, "1")
    assert confirmation == nl(app, "queue.booked_now", counselor="Sara")
    body = await pointer(youth, dm, bot_id, mark)
    assert body.startswith("Sara is er voor je")
    row = await app.db.fetchone("SELECT room_id FROM sessions WHERE state = 'open'")
    assert row is not None and row["room_id"] in body
    await youth.wait_for(lambda: row["room_id"] in youth.invites, timeout=PROMPT)
    await sara.wait_for(lambda: row["room_id"] in sara.invites, timeout=PROMPT)


async def test_three_youths_queue_keep_order_over_a_restart_and_get_the_counselor(
    mx: MatrixEnv,
) -> None:
    app, clock, sara, bot_id = await start(mx)
    # Sara is busy: a first youth talks with her now.
    first, first_dm, offer = await youth_with_offer(mx, bot_id)
    assert "1. Nu meteen, met Sara" in offer
    mark = first.mark()
    await ask(first, first_dm, bot_id, "1")
    await pointer(first, first_dm, bot_id, mark)

    # Three youths ask for "now": places 1, 2, 3, said honestly (no basis for an estimate).
    waiting: list[tuple[MatrixUser, str]] = []
    for place in (1, 2, 3):
        youth, dm, offer = await youth_with_offer(mx, bot_id)
        assert "1. " + nl(app, "queue.offer_queue") in offer
        (joined,) = await ask(youth, dm, bot_id, "1")
        assert joined == nl(app, "queue.joined", place=str(place),
                            estimate=nl(app, "queue.no_estimate"))
        waiting.append((youth, dm))
    ids = [y.user_id for y, _ in waiting]
    assert [w.youth_id for w in order(await now_queue.waiting(app.db))] == ids

    # A restart: the queue is in the database and keeps its order.
    config = app.config
    await mx.stop_bot(app)
    app = await mx.start_bot(config, clock)
    assert [w.youth_id for w in order(await now_queue.waiting(app.db))] == ids

    # Sara ends her session: youth 1 gets her at once; 2 and 3 are told their new place.
    marks = [y.mark() for y, _ in waiting]
    dm_sara = await app.router.counselor_dm(sara.user_id)
    await sara.wait_for(lambda: dm_sara in sara.invites, timeout=30)
    await sara.join(dm_sara)
    mark_sara = sara.mark()
    await sara.say(dm_sara, "!end done")
    assert "is afgesloten" in (await sara.next_message(dm_sara, sender=bot_id,
                                                       after=mark_sara)).body
    (one, one_dm), (two, two_dm), (three, three_dm) = waiting
    body = await pointer(one, one_dm, bot_id, marks[0])
    assert body.startswith("Sara is er voor je")
    said = [m.body for m in one.received[marks[0]:] if m.room_id == one_dm]
    assert nl(app, "queue.your_turn", counselor="Sara") in said
    no_basis = nl(app, "queue.no_estimate")
    for youth, dm, mark, place in ((two, two_dm, marks[1], 1), (three, three_dm, marks[2], 2)):
        told = await youth.next_message(dm, sender=bot_id, after=mark)
        assert told.body == nl(app, "queue.place", place=str(place), estimate=no_basis)

    async def open_for_one() -> bool:
        row = await app.db.fetchone(
            "SELECT s.room_id FROM sessions s JOIN bookings b ON b.id = s.booking_id "
            "WHERE b.youth_id = ? AND s.state = 'open'", (one.user_id,))
        return row is not None and row["room_id"] in body
    await wait_until(open_for_one, timeout=PROMPT)

    # Youth 3 would rather book a moment: out of the queue, moments offered, booked.
    (both,) = await ask(three, three_dm, bot_id, "boeken")  # one message, two paragraphs
    assert both.startswith(nl(app, "queue.left") + "\n\n")
    offer = both.removeprefix(nl(app, "queue.left"))
    assert nl(app, "queue.offer_queue") not in offer and "1. " in offer
    (booked,) = await ask(three, three_dm, bot_id, "1")
    assert booked.startswith("Top, je afspraak staat")
    assert [w.youth_id for w in await now_queue.waiting(app.db)] == [two.user_id]
    assert not any(u.undecryptable for u in (one, two, three, sara))
