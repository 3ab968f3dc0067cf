"""The first sync after a restart, asked for at the process start (bot/matrix/prefetch.py),
on a real Synapse: used when it is the one the bot needs, never when it is not."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.matrix import prefetch
from tests.conftest import MatrixEnv

pytestmark = pytest.mark.synapse


def quick_config(mx: MatrixEnv, data_dir: Path) -> Path:
    """Only what the quick read looks at; `data_dir` relative, as admins often write it."""
    path = data_dir.parent / "prefetch.yaml"
    path.write_text(yaml.safe_dump({"matrix": {"homeserver": mx.synapse.url + "/"},
                                    "data_dir": f"./{data_dir.name}"}))
    return path


async def bot_and_youth(mx: MatrixEnv):
    """A bot that answered a youth once (so it has a sync token to prefetch with)."""
    bot_id = await mx.register("bot")
    data_dir = mx.tmp / "bot-data"
    app = await mx.start_bot(mx.config(bot_id, data_dir))
    youth = await mx.user("youth")
    room = await youth.open_dm(bot_id)
    await youth.say(room, "hoi")
    await youth.next_message(room, sender=bot_id, after=0)
    return bot_id, data_dir, app, youth, room


async def test_youth_who_wrote_while_down_is_answered_from_the_prefetched_sync(
        mx: MatrixEnv) -> None:
    bot_id, data_dir, app, youth, room = await bot_and_youth(mx)
    assert not app.sync.prefetched  # the very first start has no sync token to prefetch with
    await mx.stop_bot(app)

    mark = youth.mark()
    await youth.say(room, "ben je er nog")
    prefetch.start(quick_config(mx, data_dir))
    job = prefetch._pending
    assert job is not None
    assert await asyncio.to_thread(job.done.wait, 30) and job.body is not None

    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    assert app2.sync.prefetched
    assert prefetch._pending is None  # taken once
    # The full state came with it: the room is known, encrypted, with both members.
    nio_room = app2.transport.nio.rooms[room]
    assert nio_room.encrypted
    assert set(nio_room.users) == {bot_id, youth.user_id}
    reply = await youth.next_message(room, sender=bot_id, after=mark)
    assert reply.body
    # Exactly one answer to the message sent while the bot was down, and it was read.
    before = youth.mark()
    await youth.say(room, "nog eentje")
    await youth.next_message(room, sender=bot_id, after=before)
    after = [m for m in youth.received[mark:] if m.sender == bot_id]
    assert len(after) == 2
    assert not youth.undecryptable


async def test_a_prefetch_for_another_sync_token_is_not_used(mx: MatrixEnv) -> None:
    bot_id, data_dir, app, youth, room = await bot_and_youth(mx)
    # Asked while the bot still runs: the token it then stores moves on.
    prefetch.start(quick_config(mx, data_dir))
    stale = prefetch._pending
    assert stale is not None
    before = youth.mark()
    await youth.say(room, "nog iets")
    await youth.next_message(room, sender=bot_id, after=before)
    await mx.stop_bot(app)

    app2 = await mx.start_bot(mx.config(bot_id, data_dir))
    assert not app2.sync.prefetched
    assert prefetch._pending is None
    mark = youth.mark()
    await youth.say(room, "na de herstart")
    assert (await youth.next_message(room, sender=bot_id, after=mark)).body
