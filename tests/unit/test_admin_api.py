"""The homeserver admin client reads Synapse's asynchronous delete API right: the DELETE's
200 is only a started task, `delete_status` says when it is complete, a delete already in
progress is followed, errors carry no ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.matrix.admin import HomeserverAdmin, PurgeAnswer

ROOM = "!abc:test"


class Synapse:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.delete: tuple[int, dict[str, Any]] = (200, {"delete_id": "d1"})
        self.status: tuple[int, dict[str, Any]] = (200, {"status": "active"})
        self.by_room: tuple[int, dict[str, Any]] = (404, {"errcode": "M_NOT_FOUND"})

    def app(self) -> web.Application:
        async def delete(request: web.Request) -> web.Response:
            assert request.headers["Authorization"] == "Bearer secret"
            assert request.match_info["room_id"] == ROOM
            self.bodies.append(await request.json())
            return web.json_response(self.delete[1], status=self.delete[0])

        async def status(request: web.Request) -> web.Response:
            assert request.match_info["delete_id"] == "d1"
            return web.json_response(self.status[1], status=self.status[0])

        async def by_room(request: web.Request) -> web.Response:
            assert request.match_info["room_id"] == ROOM
            return web.json_response(self.by_room[1], status=self.by_room[0])

        app = web.Application()
        app.router.add_delete("/_synapse/admin/v2/rooms/{room_id}", delete)
        app.router.add_get("/_synapse/admin/v2/rooms/delete_status/{delete_id}", status)
        app.router.add_get("/_synapse/admin/v2/rooms/{room_id}/delete_status", by_room)
        return app


@pytest.fixture
async def served() -> AsyncIterator[tuple[Synapse, HomeserverAdmin]]:
    synapse = Synapse()
    server = TestServer(synapse.app())
    await server.start_server()
    yield synapse, HomeserverAdmin(str(server.make_url("")), "secret", timeout=5)
    await server.close()


async def test_delete_starts_a_task_and_its_status_is_read(
    served: tuple[Synapse, HomeserverAdmin],
) -> None:
    synapse, admin = served
    assert await admin.start_purge(ROOM) == PurgeAnswer("started", "d1")
    assert synapse.bodies == [{"block": False, "purge": True, "force_purge": True}]
    assert await admin.purge_status("d1") == PurgeAnswer("active", "d1")
    synapse.status = (200, {"delete_id": "d1", "status": "complete", "shutdown_room": {}})
    assert await admin.purge_status("d1") == PurgeAnswer("complete", "d1")
    synapse.status = (200, {"status": "failed"})
    assert await admin.purge_status("d1") == PurgeAnswer("failed", "d1")
    synapse.status = (404, {"errcode": "M_NOT_FOUND", "error": "delete id 'd1' not found"})
    assert await admin.purge_status("d1") == PurgeAnswer("unknown", "d1")
    synapse.status = (502, {})
    assert await admin.purge_status("d1") == PurgeAnswer("error", "d1", "HTTP 502")


async def test_a_delete_in_progress_is_followed(served: tuple[Synapse, HomeserverAdmin]) -> None:
    synapse, admin = served
    synapse.delete = (400, {"errcode": "M_UNKNOWN",
                            "error": f"Purge already in progress for {ROOM}"})
    synapse.by_room = (200, {"results": [
        {"delete_id": "old", "status": "failed"}, {"delete_id": "d1", "status": "active"}]})
    assert await admin.start_purge(ROOM) == PurgeAnswer("busy", "d1")
    synapse.by_room = (404, {"errcode": "M_NOT_FOUND"})  # finished meanwhile
    assert await admin.start_purge(ROOM) == PurgeAnswer("busy", None)


async def test_refusals_and_no_answer_carry_no_ids(
    served: tuple[Synapse, HomeserverAdmin],
) -> None:
    synapse, admin = served
    synapse.delete = (404, {"errcode": "M_NOT_FOUND"})
    assert await admin.start_purge(ROOM) == PurgeAnswer("unknown")
    synapse.delete = (403, {"errcode": "M_FORBIDDEN", "error": f"no admin for {ROOM}"})
    answer = await admin.start_purge(ROOM)
    assert answer == PurgeAnswer("error", detail="HTTP 403 M_FORBIDDEN")
    down = HomeserverAdmin("http://127.0.0.1:9", "secret", timeout=5)
    answer = await down.start_purge(ROOM)
    assert answer.status == "error" and answer.detail == "ClientConnectorError"
