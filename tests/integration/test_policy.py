"""Room policy on a real Synapse: invites the bot declines, the staff room's guard, and power
levels Synapse enforces in the DMs the bot opens."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from nio import RoomCreateResponse, RoomInviteError

from bot.matrix.client import ENCRYPTION_STATE
from tests.conftest import MatrixEnv
from tests.support.matrix_user import MatrixUser
from tests.support.waiting import wait_until

pytestmark = pytest.mark.synapse

CRISIS = "ik wil niet meer leven"


async def _state(mx: MatrixEnv, user: MatrixUser, room: str, path: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{mx.synapse.url}/_matrix/client/v3/rooms/{room}/{path}",
            headers={"Authorization": f"Bearer {user.client.access_token}"},
        ) as r:
            return await r.json() if r.status == 200 else {}


async def _membership(mx: MatrixEnv, user: MatrixUser, room: str, member: str) -> dict:
    return await _state(mx, user, room, f"state/m.room.member/{member}")


async def test_group_invites_declined_unencrypted_dms_left_with_a_notice(mx: MatrixEnv) -> None:
    bot_id = await mx.register("bot")
    app = await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"))
    youth = await mx.user("youth")
    other = await mx.user("other")
    texts = app.config.text(None)

    group = await youth.client.room_create(invite=[bot_id, other.user_id],
                                           initial_state=[ENCRYPTION_STATE])
    plain_dm = await youth.client.room_create(is_direct=True, invite=[bot_id])
    assert isinstance(group, RoomCreateResponse) and isinstance(plain_dm, RoomCreateResponse)

    # Not marked as a direct chat: declined with the reason, never joined.
    member = await wait_until(
        lambda: _membership(mx, youth, group.room_id, bot_id),
        lambda m: m.get("membership") == "leave", timeout=30)
    assert member.get("reason") == texts.group_room
    assert group.room_id not in app.transport.nio.rooms
    # A direct chat the summary says is not encrypted: joined, the notice in plain text
    # (the youth's client can read it), left. Never declined on the summary alone.
    await wait_until(
        lambda: _membership(mx, youth, plain_dm.room_id, bot_id),
        lambda m: m.get("membership") == "leave", timeout=30)
    notice = await youth.next_message(plain_dm.room_id, sender=bot_id, after=0)
    assert notice.body == texts.unencrypted_room


async def test_a_youth_cannot_invite_a_third_person_into_the_bots_dm(mx: MatrixEnv) -> None:
    bot_id = await mx.register("bot")
    app = await mx.start_bot(mx.config(bot_id, mx.tmp / "bot-data"))
    youth = await mx.user("youth")
    friend = await mx.register("friend")
    room = await app.router.youth.open_intake(youth.user_id, None)
    await youth.wait_for(lambda: room in youth.invites, 30, "the invite")
    await youth.join(room)
    resp = await youth.client.room_invite(room, friend)
    assert isinstance(resp, RoomInviteError)
    assert resp.status_code == "M_FORBIDDEN"
    levels = await _state(mx, youth, room, "state/m.room.power_levels")
    assert levels["invite"] == 100 and levels["users"].get(youth.user_id, 0) == 0


async def test_a_stranger_in_the_staff_room_is_removed_before_any_alert(mx: MatrixEnv) -> None:
    admin = await mx.user("admin")
    stranger = await mx.user("stranger")
    bot_id = await mx.register("bot")
    # A staff room the service made itself (so that its admin, 100, can invite anyone).
    created = await admin.client.room_create(
        name="staff", invite=[bot_id], initial_state=[ENCRYPTION_STATE],
        power_level_override={"users": {bot_id: 100}})  # room v12: creator implied
    assert isinstance(created, RoomCreateResponse)
    staff_room = created.room_id
    config = mx.config(bot_id, mx.tmp / "bot-data", admins=[admin.user_id],
                       staff_room={"room_id": staff_room, "invite": []})
    app = await mx.start_bot(config)
    await admin.wait_for(lambda: bot_id in admin.client.rooms[staff_room].users, 30, "bot")

    youth = await mx.user("youth")
    dm = await youth.open_dm(bot_id)
    await youth.say(dm, "hoi")
    await youth.next_message(dm, sender=bot_id, after=0)

    assert not isinstance(await admin.client.room_invite(staff_room, stranger.user_id),
                          RoomInviteError)
    await stranger.client.join(staff_room)  # may already fail: the invite was withdrawn
    mark = admin.mark()
    await youth.say(dm, CRISIS)
    alert = await admin.next_message(staff_room, sender=bot_id, after=mark, timeout=60)
    assert "1813" not in alert.body  # the staff alert, not the youth's crisis text

    member = await _membership(mx, admin, staff_room, stranger.user_id)
    assert member.get("membership") == "leave"
    assert member.get("reason") == app.config.text(None).staff_room_only
    # The stranger never got anything the bot posted there (nor its keys).
    assert [m for m in stranger.received if m.room_id == staff_room] == []
    # And in the room's timeline the alert comes after the stranger was removed.
    timeline = await _state(mx, admin, staff_room, "messages?dir=b&limit=50")
    order = [e.get("event_id") for e in reversed(timeline.get("chunk", []))]
    kick = next(e["event_id"] for e in timeline["chunk"]
                if e.get("type") == "m.room.member" and e.get("state_key") == stranger.user_id
                and e.get("content", {}).get("membership") == "leave")
    assert order.index(kick) < order.index(alert.event_id)


async def _async(value: Any) -> Any:
    return value
