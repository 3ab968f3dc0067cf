"""The invite summary counts who else is in the room: when the bot's own join went through
but its record did not commit (a kill, a storage fault), the invite comes again and the bot
must not count itself as a third person and leave the youth's new DM as "a group room"."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.matrix.client import MatrixTransport


def transport_answering(data: dict[str, Any] | None) -> Any:
    async def api(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        assert method == "GET" and path.startswith("/v1/room_summary/")
        return data

    return SimpleNamespace(_api=api)


async def summary(data: dict[str, Any] | None) -> Any:
    return await MatrixTransport.invite_summary(transport_answering(data), "!dm:fake")  # type: ignore[arg-type]


async def test_the_bot_already_joined_is_not_someone_else() -> None:
    got = await summary({"num_joined_members": 2, "membership": "join",
                         "encryption": "m.megolm.v1.aes-sha2"})
    assert got is not None and got.joined_members == 1 and got.encrypted


async def test_an_invite_counts_everybody_joined() -> None:
    got = await summary({"num_joined_members": 2, "membership": "invite",
                         "encryption": "m.megolm.v1.aes-sha2"})
    assert got is not None and got.joined_members == 2
    assert await summary({"membership": "invite"}) is None
