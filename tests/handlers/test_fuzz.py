"""Fuzz the router and the intake (hypothesis) through the in-process harness.

Event contents as a homeserver could deliver them — arbitrary Unicode, huge, empty, HTML,
replies, edits and malformed contents — go through nio's own event parsing and the sync
loop's `classify`, then into the real Router. Nothing may escape or crash a handler, and every
text message a youth sends gets an answer. Bounded (a few dozen examples) to run in seconds.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nio import Event

from bot.handlers.transport import Incoming
from bot.matrix.events import classify
from bot.metrics import METRICS
from tests.support.harness import YOUTH, Harness

TEXT = st.text(max_size=300)
HUGE = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(2000, 20000))
HTML = st.sampled_from([
    "<b>1</b>", "<script>alert(1)</script>", "<mx-reply><blockquote>x</blockquote></mx-reply>2",
    "&lt;&gt;&amp;", "<a href='javascript:x'>hulp</a>", "<img src=x onerror=y>",
])
BODY = st.one_of(TEXT, HUGE, HTML, st.just(""), st.just(" \n\t "), st.sampled_from(
    ["1", "-1", "0", "99999999999999999999", "1.5", "hulp", "stop", "opnieuw", "nl", "en",
     "> <@bot:fake> vraag\n\n2", "\u202e\u200b", "\x00", "🙂" * 50]))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
TEXT_CONTENT = st.fixed_dictionaries(
    {"msgtype": st.sampled_from(["m.text", "m.notice", "m.emote"]), "body": BODY},
    optional={"format": st.just("org.matrix.custom.html"), "formatted_body": BODY,
              "m.relates_to": st.one_of(
                  st.just({"m.in_reply_to": {"event_id": "$x"}}),
                  st.just({"rel_type": "m.replace", "event_id": "$x"}), JSON)},
)
MALFORMED = st.one_of(
    st.dictionaries(TEXT, JSON, max_size=4),
    st.fixed_dictionaries({"msgtype": st.one_of(TEXT, JSON), "body": JSON}),
    st.fixed_dictionaries({"msgtype": st.sampled_from(["m.image", "m.file", "m.audio"]),
                           "body": BODY}),
)
CONTENT = st.one_of(TEXT_CONTENT, TEXT_CONTENT, MALFORMED)


def _event(n: int, content: dict[str, Any]) -> Event:
    return Event.parse_event({
        "type": "m.room.message", "event_id": f"$fuzz{n}", "sender": YOUTH,
        "origin_server_ts": 1_700_000_000_000 + n, "content": content,
    })


async def _scenario(contents: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        h = await Harness.start(Path(tmp))
        try:
            room = await h.dm(YOUTH)
            errors = METRICS.registry.get_sample_value("chathulp_errors_total") or 0.0
            for n, content in enumerate(contents):
                event = _event(n, content)
                kind = classify(event)
                if kind is None:
                    continue
                msg = Incoming(room_id=room, event_id=event.event_id, sender=YOUTH,
                               kind=kind[0], body=kind[1], room_encrypted=True, member_count=2,
                               timestamp_ms=1_700_000_000_000 + n,
                               formatted_body=getattr(event, "formatted_body", None))
                mark = h.mark()
                await h.router.on_message(msg)  # an exception here fails the test
                replies = h.since(mark, room)
                if kind[0] == "text":
                    assert replies, f"no answer to text message {n}"
            # No handler failed behind the router's safety net either.
            after = METRICS.registry.get_sample_value("chathulp_errors_total") or 0.0
            assert after == errors
        finally:
            await h.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(CONTENT, min_size=1, max_size=8))
def test_router_and_intake_survive_any_content(contents: list[dict[str, Any]]) -> None:
    asyncio.run(_scenario(contents))
