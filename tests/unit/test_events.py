"""Incoming events: reply fallbacks are not part of what the sender says."""

from __future__ import annotations

from typing import Any

from nio import Event, RoomMessageText

from bot.matrix.events import classify, is_reply, strip_mx_reply


def _text(content: dict[str, Any]) -> Event:
    source = {"type": "m.room.message", "event_id": "$e", "sender": "@youth:localhost",
              "origin_server_ts": 1, "content": {"msgtype": "m.text", **content}}
    event = RoomMessageText.from_dict(source)
    assert isinstance(event, RoomMessageText)
    return event


REPLY = {"m.relates_to": {"m.in_reply_to": {"event_id": "$q"}}}


def test_the_quoted_original_of_a_reply_is_dropped() -> None:
    event = _text({"body": "> <@chathulp:localhost> Hoe oud ben je?\n> 1. Jonger\n\n3", **REPLY})
    assert is_reply(event)
    assert classify(event) == ("text", "3")


def test_a_typed_quote_that_is_no_reply_is_kept() -> None:
    event = _text({"body": "> dit zei mijn leraar\nen ik ben boos"})
    assert not is_reply(event)
    assert classify(event) == ("text", "> dit zei mijn leraar\nen ik ben boos")


def test_mx_reply_block_is_dropped_from_html() -> None:
    html = ('<mx-reply><blockquote><a href="https://matrix.to/#/!r/$q">In reply to</a> '
            '<a href="https://matrix.to/#/@chathulp:localhost">@chathulp</a><br>vraag'
            "</blockquote></mx-reply>!handover "
            '<a href="https://matrix.to/#/@c2:localhost">C2</a>')
    out = strip_mx_reply(html)
    assert out == '!handover <a href="https://matrix.to/#/@c2:localhost">C2</a>'
    assert strip_mx_reply("<MX-REPLY>x\ny</MX-REPLY>") is None
    assert strip_mx_reply(None) is None
    assert strip_mx_reply("<b>plain</b>") == "<b>plain</b>"
