"""Incoming Matrix events turned into plain, transport-neutral records for the handlers."""

from __future__ import annotations

from nio import (
    BadEvent,
    Event,
    ReactionEvent,
    RoomEncryptedMedia,
    RoomMemberEvent,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageNotice,
    RoomMessageText,
    RoomMessageUnknown,
    UnknownBadEvent,
    UnknownEvent,
)

from bot.handlers.transport import Incoming, Kind, Membership

# Longest text a handler ever sees; longer messages are cut here (the domain caps again).
MAX_BODY = 60_000

__all__ = ["MAX_BODY", "Incoming", "Kind", "Membership", "classify", "membership_of"]


def classify(event: Event) -> tuple[Kind, str] | None:
    """What kind of message an event is, with its text; None for non-message events."""
    if isinstance(event, RoomMessageText | RoomMessageNotice | RoomMessageEmote):
        relates = (event.source.get("content") or {}).get("m.relates_to") or {}
        if relates.get("rel_type") == "m.replace":
            return "edit", ""
        return "text", (event.body or "")[:MAX_BODY]
    if isinstance(event, RoomMessageMedia | RoomEncryptedMedia):
        return "media", ""
    if isinstance(event, ReactionEvent):
        return "reaction", ""
    if isinstance(event, RoomMessageUnknown):
        return "other", ""
    if isinstance(event, UnknownEvent) and event.type == "m.reaction":
        return "reaction", ""
    if isinstance(event, BadEvent | UnknownBadEvent):
        # A malformed message (e.g. media without its file) still deserves an answer.
        source = getattr(event, "source", None) or {}
        if source.get("type") == "m.room.message":
            return "other", ""
    return None


def membership_of(event: Event, room_id: str) -> Membership | None:
    if not isinstance(event, RoomMemberEvent):
        return None
    prev = (event.prev_content or {}).get("membership") if event.prev_content else None
    return Membership(room_id, event.event_id, event.state_key, event.membership, prev)
