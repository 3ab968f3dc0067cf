"""Room policy in-process: which invites are joined, the invite flood limit, who may invite in
the rooms the bot makes, and the staff-room guard (bot/handlers/policy.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handlers.policy import dm_power_levels, staff_power_levels
from bot.handlers.transport import Invite, InviteSummary, Membership
from bot.metrics import METRICS
from bot.storage import sync_state as tstore
from tests.support.harness import BOT, SARA, YOUTH, Harness

STRANGER = "@stranger:fake"
CRISIS = "ik wil niet meer leven"


def _metric(name: str) -> float:
    value = METRICS.registry.get_sample_value(name)
    return value or 0.0


async def _invite(h: Harness, inviter: str, *, direct: bool, summary: InviteSummary | None,
                  others: tuple[str, ...] = ()) -> str:
    room = h.transport.add_room(inviter, *others, bot_joined=False)
    if summary is not None:
        h.transport.summaries[room] = summary
    await h.router.on_invite(Invite(room, inviter, direct))
    return room


async def test_an_encrypted_dm_is_joined(h: Harness) -> None:
    room = await _invite(h, YOUTH, direct=True, summary=InviteSummary(True, 1))
    assert h.transport.joins == [room] and h.transport.declined == []


class Killed(BaseException):
    """`kill -9` of the bot, right after a network call went through."""


async def test_a_kill_right_after_the_join_leaves_the_dm_recorded(h: Harness) -> None:
    """The join goes through and the bot dies before anything else (seen in the crash drill:
    the room stayed unknown to the bot's database, so erasing the youth left that room's
    handled events and outbox rows behind). The room is recorded before the join is made."""
    room = h.transport.add_room(YOUTH, bot_joined=False)
    h.transport.summaries[room] = InviteSummary(True, 1)
    real_join = h.transport.join

    async def join_then_die(room_id: str) -> bool:
        await real_join(room_id)
        raise Killed

    h.transport.join = join_then_die  # type: ignore[method-assign]
    with pytest.raises(Killed):
        await h.router.on_invite(Invite(room, YOUTH, True))
    assert h.transport.joins == [room]
    assert await tstore.room_kind(h.db, room) == "dm"
    assert await tstore.dm_rooms_of(h.db, YOUTH) == [room]


async def test_a_group_invite_is_declined_with_a_reason(h: Harness) -> None:
    room = await _invite(h, YOUTH, direct=False, summary=InviteSummary(True, 1))
    assert h.transport.joins == []
    assert h.transport.declined == [(room, h.config.text(None).group_room)]


async def _checked(h: Harness) -> None:
    for task in list(h.router.policy._tasks):
        await task


async def test_a_dm_marked_direct_with_other_members_is_left_after_joining(h: Harness) -> None:
    room = await _invite(h, YOUTH, direct=True, summary=InviteSummary(True, 3),
                         others=("@other:fake", "@third:fake"))
    await _checked(h)
    assert h.transport.declined == []
    assert h.transport.joins == [room] and h.transport.left == [room]
    assert h.transport.to(room) == [h.config.text(None).group_room]


async def test_an_unencrypted_dm_is_left_after_joining_with_a_plain_notice(h: Harness) -> None:
    room = h.transport.add_room(YOUTH, encrypted=False, bot_joined=False)
    h.transport.summaries[room] = InviteSummary(False, 1)
    await h.router.on_invite(Invite(room, YOUTH, True))
    await _checked(h)
    assert h.transport.joins == [room] and h.transport.left == [room]
    assert h.transport.sent[-1].plaintext
    reason = h.config.text(None).unencrypted_room
    assert h.transport.to(room) == [reason] and "versleuteld" in reason


@pytest.mark.parametrize("lagging", [InviteSummary(True, 2), InviteSummary(False, 1)])
async def test_a_lagging_summary_does_not_lose_a_youths_dm(
        h: Harness, lagging: InviteSummary) -> None:
    """Synapse's summary comes from room statistics updated in the background: a fresh
    encrypted one-to-one DM was once counted with two joined members and declined. The
    room's own state decides: the youth's DM is joined and kept."""
    room = await _invite(h, YOUTH, direct=True, summary=lagging)
    await _checked(h)
    assert h.transport.declined == [] and h.transport.left == []
    assert h.transport.joins == [room] and h.transport.to(room) == []


async def test_without_a_summary_a_group_is_left_after_joining(h: Harness) -> None:
    room = await _invite(h, YOUTH, direct=True, summary=None, others=("@other:fake",))
    assert h.transport.joins == [room]
    for task in list(h.router.policy._tasks):
        await task
    assert h.transport.left == [room]
    assert h.transport.to(room) == [h.config.text(None).group_room]


async def test_without_a_summary_an_unencrypted_dm_is_left_after_joining(h: Harness) -> None:
    room = h.transport.add_room(YOUTH, encrypted=False, bot_joined=False)
    await h.router.on_invite(Invite(room, YOUTH, True))
    for task in list(h.router.policy._tasks):
        await task
    assert h.transport.left == [room]
    assert h.transport.sent[-1].plaintext
    assert h.transport.to(room) == [h.config.text(None).unencrypted_room]


async def test_without_a_summary_a_real_dm_is_kept(h: Harness) -> None:
    room = await _invite(h, YOUTH, direct=True, summary=None)
    for task in list(h.router.policy._tasks):
        await task
    assert h.transport.left == [] and h.transport.to(room) == []


async def test_an_invite_flood_is_ignored_after_the_limit(h: Harness) -> None:
    limit = h.config.matrix.invites_per_hour
    before = _metric("chathulp_invites_ignored_total")
    for _ in range(limit + 3):
        await _invite(h, STRANGER, direct=False, summary=None)
    # Only the first `limit` got an answer (declined); the rest were not even looked at.
    assert len(h.transport.declined) == limit
    assert _metric("chathulp_invites_ignored_total") - before == 3
    # Another user is not affected by the stranger's flood.
    await _invite(h, YOUTH, direct=True, summary=InviteSummary(True, 1))
    assert len(h.transport.joins) == 1


async def test_an_invite_handled_again_is_no_flood(h: Harness) -> None:
    """A youth's first invite while the disk is full: the sync batch comes again every 2 s
    until writing works. However often, it is one room, and it is joined in the end."""
    room = h.transport.add_room(YOUTH, bot_joined=False)
    h.transport.summaries[room] = InviteSummary(True, 1)
    before = _metric("chathulp_invites_ignored_total")
    deliveries = h.config.matrix.invites_per_hour * 3
    for _ in range(deliveries):
        await h.router.on_invite(Invite(room, YOUTH, True))
    # Every delivery tried the join (while writing failed, each attempt was rolled back).
    assert h.transport.joins.count(room) == deliveries
    assert _metric("chathulp_invites_ignored_total") == before


async def test_the_staff_room_invite_is_always_joined(h: Harness) -> None:
    h.transport.rooms[h.staff_room].members.discard(BOT)
    await h.router.on_invite(Invite(h.staff_room, STRANGER, False))
    assert h.transport.joins == [h.staff_room]


async def test_dms_the_bot_opens_let_only_the_bot_invite(h: Harness) -> None:
    room = await h.router.youth.open_intake(YOUTH, None)
    levels = h.transport.rooms[room].created["power_levels"]  # type: ignore[index]
    assert levels == dm_power_levels(BOT, YOUTH, creators_have_power=False)
    assert levels["invite"] == 100 and levels["users"] == {BOT: 100, YOUTH: 0}
    counselor_room = await h.counselor_dm(SARA)
    levels = h.transport.rooms[counselor_room].created["power_levels"]  # type: ignore[index]
    assert levels["invite"] == 100 and levels["users"][SARA] == 0


def test_staff_room_levels_put_invite_above_staff() -> None:
    levels = staff_power_levels(BOT, [SARA], creators_have_power=False)
    assert levels["users"] == {BOT: 100, SARA: 50}
    assert levels["invite"] > levels["users"][SARA] and levels["kick"] == 100
    v12 = staff_power_levels(BOT, [SARA], creators_have_power=True)
    assert BOT not in v12["users"]


async def test_a_stranger_in_the_staff_room_is_removed(h: Harness) -> None:
    h.transport.user_joins(h.staff_room, SARA)
    h.transport.user_joins(h.staff_room, STRANGER)
    await h.router.on_membership(Membership(h.staff_room, "$m1", STRANGER, "join", "invite"))
    assert h.transport.kicks == [(h.staff_room, STRANGER)]
    assert STRANGER not in h.transport.rooms[h.staff_room].members


async def test_an_invited_stranger_is_removed_too(h: Harness) -> None:
    h.transport.rooms[h.staff_room].invited.add(STRANGER)
    await h.router.on_membership(Membership(h.staff_room, "$m1", STRANGER, "invite", None))
    assert h.transport.kicks == [(h.staff_room, STRANGER)]


async def test_no_alert_while_a_stranger_is_in_the_staff_room(tmp_path: Path) -> None:
    h = await Harness.start(tmp_path)
    try:
        # The kick is refused (e.g. no power): the stranger stays, the alert is held.
        h.transport.fail["kick"] = RuntimeError("forbidden")
        h.transport.user_joins(h.staff_room, STRANGER)
        mark = h.mark()
        await h.youth_says(YOUTH, CRISIS)
        assert h.since(mark, h.staff_room) == []
        assert _metric("chathulp_staff_posts_held_total") >= 1
        # The stranger leaves: the held alert goes out then, once.
        del h.transport.fail["kick"]
        h.transport.rooms[h.staff_room].members.discard(STRANGER)
        await h.router.on_membership(Membership(h.staff_room, "$m2", STRANGER, "leave", "join"))
        alerts = h.since(mark, h.staff_room)
        assert len(alerts) == 1
        await h.router.on_membership(Membership(h.staff_room, "$m3", SARA, "join", "invite"))
        assert len(h.since(mark, h.staff_room)) == 1
    finally:
        await h.close()


async def test_with_only_staff_the_alert_goes_out_at_once(h: Harness) -> None:
    h.transport.user_joins(h.staff_room, SARA)
    mark = h.mark()
    await h.youth_says(YOUTH, CRISIS)
    assert len(h.since(mark, h.staff_room)) == 1


async def test_a_held_alert_survives_a_restart_and_goes_out_once_the_room_is_clean(
    h: Harness,
) -> None:
    from bot.handlers.router import Router
    from bot.storage import intents

    h.transport.fail["kick"] = RuntimeError("forbidden")
    h.transport.user_joins(h.staff_room, SARA)
    h.transport.user_joins(h.staff_room, STRANGER)
    mark = h.mark()
    await h.youth_says(YOUTH, CRISIS)
    assert h.since(mark, h.staff_room) == []
    held = await intents.held_staff_posts(h.db)
    assert len(held) == 1
    stored = await h.db.fetchval("SELECT body FROM held_staff_posts")
    assert held[0].message.plain not in stored  # sealed at rest

    # A restart (a new router, nothing in memory) while the stranger is still there: held.
    h.router = Router(h.ctx)
    async with h.db.transaction():
        assert await h.router.policy.release_held() == 0
    assert h.since(mark, h.staff_room) == []

    # The stranger is gone (removed while the bot was down): at start-up it goes out, once.
    del h.transport.fail["kick"]
    h.transport.rooms[h.staff_room].members.discard(STRANGER)
    h.router = Router(h.ctx)
    await h.router.policy.guard_staff_room(release=False)
    async with h.db.transaction():
        assert await h.router.policy.release_held() == 1
    assert h.since(mark, h.staff_room) == [held[0].message.plain]
    assert await intents.held_staff_posts(h.db) == []
    await h.router.on_membership(Membership(h.staff_room, "$m9", SARA, "join", "invite"))
    assert len(h.since(mark, h.staff_room)) == 1


async def test_a_held_alert_is_erased_with_its_youth(h: Harness) -> None:
    from bot.storage import intents, rights

    h.transport.fail["kick"] = RuntimeError("forbidden")
    h.transport.user_joins(h.staff_room, STRANGER)
    other = "@other:fake"
    await h.youth_says(YOUTH, CRISIS)
    await h.youth_says(other, CRISIS)
    assert len(await intents.held_staff_posts(h.db)) == 2
    case_ids = {r["case_id"] for r in await h.db.fetchall("SELECT case_id FROM held_staff_posts")}
    assert None not in case_ids and len(case_ids) == 2  # each tied to its case
    await rights.erase_youth(h.db, YOUTH)
    (left,) = await intents.held_staff_posts(h.db)
    assert await h.db.fetchval("SELECT youth_id FROM cases WHERE id = ?",
                               (await h.db.fetchval("SELECT case_id FROM held_staff_posts"),)
                               ) == other
    # Once the room is clean only the other youth's alert goes out.
    del h.transport.fail["kick"]
    h.transport.rooms[h.staff_room].members.discard(STRANGER)
    mark = h.mark()
    await h.router.on_membership(Membership(h.staff_room, "$m2", STRANGER, "leave", "join"))
    assert h.since(mark, h.staff_room) == [left.message.plain]


async def test_a_stranger_is_removed_after_the_event_commits_never_inside_it(
        h: Harness) -> None:
    from bot.handlers.transport import Incoming
    from bot.matrix.sync import handle_once

    inside: list[bool] = []
    h.transport.fail["kick"] = lambda *_: inside.append(h.db.in_transaction)  # type: ignore
    h.transport.user_joins(h.staff_room, SARA)
    h.transport.user_joins(h.staff_room, STRANGER)
    member = Membership(h.staff_room, "$m1", STRANGER, "join", "invite")

    class Killed(BaseException):
        pass

    async def killed_before_commit() -> None:
        await h.router.on_membership(member)
        raise Killed

    async def settled() -> None:
        while h.router.policy._tasks:  # a removal, then the wait for a clean room
            await next(iter(h.router.policy._tasks))

    # A kill before the commit: nobody was removed (the event comes again).
    try:
        await handle_once(h.db, "$m1", h.staff_room, killed_before_commit)
    except Killed:
        pass
    await settled()
    assert h.transport.kicks == []

    # A crisis alert while the stranger is there: held; the removal is made after the commit.
    room = await h.dm(YOUTH)
    mark = h.mark()
    msg = Incoming(room_id=room, event_id="$c", sender=YOUTH, kind="text", body=CRISIS,
                   room_encrypted=True, member_count=2, timestamp_ms=0)
    await handle_once(h.db, "$c", room, lambda: h.router.on_message(msg))
    assert h.since(mark, h.staff_room) == []
    await settled()
    assert h.transport.kicks == [(h.staff_room, STRANGER)] and inside == [False]
    # The bot's own removal is no event it handles: once the member list is clean, the held
    # alert goes out all the same.
    assert len(h.since(mark, h.staff_room)) == 1

    # The join event again: the stranger is gone, nothing more; nor after their leave.
    await handle_once(h.db, "$m1", h.staff_room, lambda: h.router.on_membership(member))
    leave = Membership(h.staff_room, "$m2", STRANGER, "leave", "join")
    await handle_once(h.db, "$m2", h.staff_room, lambda: h.router.on_membership(leave))
    await settled()
    assert len(h.transport.kicks) == 1
    assert len(h.since(mark, h.staff_room)) == 1
