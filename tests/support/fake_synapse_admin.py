"""Synapse's asynchronous room-delete API as a model (for the purge queue's tests)."""

from __future__ import annotations

from bot.matrix.admin import PurgeAnswer


class FakeSynapse:
    """Synapse's delete API as a model: tasks by delete id, each scheduled → active →
    complete or failed (the test moves them); `down`: no answer at all."""

    def __init__(self) -> None:
        self.tasks: dict[str, list[str]] = {}  # delete id → [room id, status]
        self.calls: list[tuple[str, str]] = []
        self.down = False
        self.unknown_rooms: set[str] = set()  # a 404 to the DELETE

    async def start_purge(self, room_id: str) -> PurgeAnswer:
        self.calls.append(("DELETE", room_id))
        if self.down:
            return PurgeAnswer("error", detail="ClientConnectorError")
        if room_id in self.unknown_rooms:
            return PurgeAnswer("unknown")
        for delete_id, (room, status) in self.tasks.items():
            if room == room_id and status in ("scheduled", "active"):
                return PurgeAnswer("busy", delete_id)
        delete_id = f"task{len(self.tasks) + 1}"
        self.tasks[delete_id] = [room_id, "scheduled"]
        return PurgeAnswer("started", delete_id)

    async def purge_status(self, delete_id: str) -> PurgeAnswer:
        self.calls.append(("GET", delete_id))
        if self.down:
            return PurgeAnswer("error", delete_id, "ClientConnectorError")
        if delete_id not in self.tasks:
            return PurgeAnswer("unknown", delete_id)
        return PurgeAnswer(self.tasks[delete_id][1], delete_id)  # type: ignore[arg-type]

    def finish(self, delete_id: str, status: str = "complete") -> None:
        self.tasks[delete_id][1] = status

    def deletes(self) -> int:
        return sum(1 for method, _ in self.calls if method == "DELETE")


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t
