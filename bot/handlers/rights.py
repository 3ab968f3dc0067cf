"""The youth's rights in their DM: `geschiedenis`/`history` (also as a file), `vergeet mij`/
`forget me` (after a typed confirmation) and `privacy`. Youth words, no commands."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.domain import session_rules as rules
from bot.domain.messages import Message
from bot.domain.when import format_when
from bot.handlers.commands import Words, first_match
from bot.handlers.context import Context
from bot.services.erasure import Eraser
from bot.services.forms import joined
from bot.storage import bookings, rights, youths

if TYPE_CHECKING:
    from bot.domain.intake import IntakeFlow
    from bot.services.booking import BookingService

log = logging.getLogger(__name__)

HISTORY = Words("history", {"nl": ("geschiedenis", "mijn geschiedenis"),
                            "en": ("history", "my history")})
HISTORY_FILE = Words("history_file", {"nl": ("geschiedenis bestand",),
                                      "en": ("history file",)})
FORGET = Words("forget", {"nl": ("vergeet mij", "vergeet me", "wis mij", "wis mijn gegevens"),
                          "en": ("forget me", "erase me", "delete my data")})
PRIVACY = Words("privacy", {"nl": ("privacy",), "en": ("privacy",)})
WORDS = (HISTORY, HISTORY_FILE, FORGET, PRIVACY)
# The typed confirmation of an erasure (the first word of the youth's language is shown).
CONFIRM = Words("confirm", {"nl": ("wis alles",), "en": ("erase everything",)})
# A question to be forgotten that is not confirmed within this time lapses.
CONFIRM_WITHIN = timedelta(minutes=30)


class YouthRights:
    def __init__(self, ctx: Context, flow: IntakeFlow, booking: BookingService) -> None:
        self.ctx = ctx
        self.flow = flow
        self.booking = booking
        self.eraser = Eraser(ctx, booking)

    async def on_text(self, youth: youths.Youth, room_id: str,
                      text: str) -> list[Message] | None:
        """The reply when `text` is about the youth's rights (or answers the erasure
        question); None when it is not, and the conversation goes on as usual."""
        language = youth.intake.language or self.ctx.config.default_language
        say = self.ctx.config.catalogue.say
        asked = await rights.forget_asked(self.ctx.db, youth.user_id)
        if asked is not None:
            await rights.clear_forget(self.ctx.db, youth.user_id)
            if self.ctx.clock.now() - asked <= CONFIRM_WITHIN:
                if CONFIRM.matches(text):
                    return await self._forget(youth.user_id, room_id, language)
                return [say(language, "rights.forget_kept")]
        word = first_match(WORDS, text)
        if word is None:
            return None
        if word == "history":
            return [await self.history(youth.user_id, language)]
        if word == "history_file":
            return await self._history_file(youth.user_id, room_id, language)
        if word == "forget":
            await rights.ask_forget(self.ctx.db, youth.user_id, self.ctx.clock.now())
            confirm = CONFIRM.words.get(language, CONFIRM.words["nl"])[0]
            return [say(language, "rights.forget_ask", confirm=confirm.upper())]
        key = "rights.privacy_bot_stays" if self.bot_stays else "rights.privacy"
        return [say(language, key, url=self.privacy_url(language))]

    @property
    def bot_stays(self) -> bool:
        return self.ctx.config.session.bot_stays

    def greeting(self, language: str | None) -> Message:
        """The first message: truthful about who reads what (the bot stays, or leaves)."""
        key = "greeting_bot_stays" if self.bot_stays else "greeting"
        return self.ctx.config.catalogue.say(language, key)

    def privacy_url(self, language: str) -> str:
        base = self.ctx.config.web.public_base_url.rstrip("/")
        return f"{base}/privacy?lang={'en' if language == 'en' else 'nl'}"

    # --- history ----------------------------------------------------------------------------

    async def entries(self, youth_id: str, language: str) -> dict[str, Any]:
        """The youth's sessions and next appointment, in their language (no notes, ever)."""
        cfg = self.ctx.config
        unknown = cfg.catalogue.plain(language, "rights.history_unknown")
        items = []
        for item in await rights.history(self.ctx.db, youth_id):
            outcome = (rules.outcome_label(cfg.session, item.outcome, language)
                       if item.outcome else
                       cfg.catalogue.plain(language, "rights.history_open"))
            items.append({
                "start": item.start.isoformat(),
                "when": self._when(item.start, language),
                "service": cfg.web.service_name,
                "municipality": self._answer("municipality", item.municipality, language)
                or unknown,
                "counselor": self.booking.name(item.counselor_id),
                "topic": self._answer("topic", item.topic, language) or unknown,
                "outcome": outcome,
                "form": self.booking.forms.label(item.form, item.place, language),
            })
        upcoming = await bookings.active_booking(self.ctx.db, youth_id)
        following = None
        if upcoming is not None:
            following = {"start": upcoming.start.isoformat(),
                         "when": self._when(upcoming.start, language),
                         "counselor": self.booking.name(upcoming.counselor_id),
                         "form": self.booking.forms.label(upcoming.form, upcoming.place,
                                                          language)}
        return {"service": cfg.web.service_name, "sessions": items,
                "next_appointment": following}

    async def history(self, youth_id: str, language: str) -> Message:
        data = await self.entries(youth_id, language)
        say = self.ctx.config.catalogue.say
        if data["sessions"]:
            message = say(language, "rights.history_title")
            for item in data["sessions"]:
                values = {k: v for k, v in item.items() if k not in ("start", "form")}
                message = message + joined(say(language, "rights.history_item", **values),
                                           say(language, "followup.history_form",
                                               form=item["form"]))
        else:
            message = say(language, "rights.history_none")
        if data["next_appointment"]:
            nxt = data["next_appointment"]
            message = message + joined(
                say(language, "rights.history_next", when=nxt["when"],
                    counselor=nxt["counselor"]),
                say(language, "followup.history_form", form=nxt["form"]))
        return message + say(language, "rights.history_hint")

    async def _history_file(self, youth_id: str, room_id: str,
                            language: str) -> list[Message]:
        say = self.ctx.config.catalogue.say
        data = await self.entries(youth_id, language)
        text = (await self.history(youth_id, language)).plain
        data["exported_at"] = self.ctx.clock.now().isoformat()
        name = "geschiedenis" if language == "nl" else "history"
        sent_text = await self.ctx.transport.send_file(
            room_id, f"{name}.txt", text.encode("utf-8"), "text/plain")
        sent_json = await self.ctx.transport.send_file(
            room_id, f"{name}.json",
            json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"),
            "application/json")
        if sent_text is None or sent_json is None:
            return [say(language, "rights.history_file_failed")]
        return [say(language, "rights.history_file")]

    def _answer(self, step: str, value: str | None, language: str) -> str | None:
        if not value:
            return None
        described = self.flow.describe({step: value}, language)
        return described[0][1] if described else value

    def _when(self, at: datetime, language: str) -> str:
        return format_when(at, self.ctx.config.tz, language, self.ctx.clock.now())

    # --- erasure ----------------------------------------------------------------------------

    async def _forget(self, youth_id: str, room_id: str, language: str) -> list[Message]:
        erased = await self.eraser.erase(youth_id, "youth request")
        say = self.ctx.config.catalogue.say
        replies = [say(language, "rights.forget_done")]
        if erased.rooms_kept:
            replies.append(say(language, "rights.forget_rooms_kept"))
        elif erased.rooms_to_purge:  # purged in the background (bot/purges.py): not done yet
            replies.append(say(language, "rights.forget_rooms_pending"))
        if not erased.account_ours:
            return replies
        # An account the service made goes last: first the youth reads the confirmation
        # (sent at once, past the outbox, which would send it after the deactivation).
        for reply in replies:
            await self.ctx.transport.send_now(room_id, reply)
        await self.eraser.deactivate(erased, "youth request")
        return []

