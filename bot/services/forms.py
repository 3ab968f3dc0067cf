"""What the form of a session (chat, video, phone, visit) changes in what people read.

The booking service stores the form with the booking (`bookings.form`, `bookings.place`);
this module words it: the youth's booking confirmation and reminders, the counselor's
reminder and agenda, the youth's history, and the call link in a video session's room.
Rules (which forms open a room, link names, phone numbers): `bot.domain.forms`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.domain import forms as rules
from bot.domain.messages import Message

if TYPE_CHECKING:
    from bot.config.followup import Office
    from bot.handlers.context import Context
    from bot.storage.bookings import Booking


def joined(first: Message, second: Message) -> Message:
    """Two texts as one paragraph (a space between, not a blank line)."""
    return Message(f"{first.plain} {second.plain}", f"{first.html} {second.html}")


class Forms:
    def __init__(self, ctx: Context, name: Callable[[str], str]) -> None:
        self.ctx = ctx
        self.name = name  # a counselor's display name

    def say(self, language: str | None, key: str, **values: str) -> Message:
        return self.ctx.config.catalogue.say(language, f"followup.{key}", **values)

    def office(self, booking: Booking) -> Office | None:
        return self.ctx.config.followup.office(booking.place)

    def _office_values(self, booking: Booking, language: str) -> dict[str, str]:
        office = self.office(booking)
        if office is None:
            return {"office": "", "address": "", "hours": ""}
        fallback = self.ctx.config.default_language
        return {"office": office.say("name", language, fallback),
                "address": office.say("address", language, fallback),
                "hours": office.say("hours", language, fallback)}

    def label(self, form: str, place: str | None, language: str | None) -> str:
        """'videogesprek', 'gesprek op kantoor (JAC Kortrijk)', …"""
        lang = self.ctx.config.catalogue.lang(language)
        office = self.ctx.config.followup.office(place) if form == "visit" else None
        name = office.say("name", lang, self.ctx.config.default_language) if office else ""
        return self.ctx.config.catalogue.plain(lang, f"followup.form_{form}", office=name)

    # --- the youth ---------------------------------------------------------------------------

    def booked(self, booking: Booking, language: str, *, how: bool = True,
               hint: bool = True) -> Message | None:
        """After a booking confirmation: how it takes place (`how`), and how to send the
        counselor a message (`hint`); None when neither."""
        counselor = self.name(booking.counselor_id)
        form = booking.form if booking.form in rules.FORMS else rules.DEFAULT_FORM
        parts = []
        if how:
            parts.append(self.say(language, f"booked_{form}", counselor=counselor,
                                  **self._office_values(booking, language)))
        if hint:
            parts.append(self.say(language, "message_hint", counselor=counselor))
        if not parts:
            return None
        out = parts[0]
        for part in parts[1:]:
            out = out + part
        return out

    def office_nameless(self, booking: Booking, language: str) -> Message | None:
        """A visit's office, address and hours without the counselor (no longer in the
        config); None for any other form."""
        if booking.form != "visit":
            return None
        return self.say(language, "booked_visit_no_counselor",
                        **self._office_values(booking, language))

    def reminder(self, booking: Booking, language: str, when: str,
                 phone: str | None, named: bool = True) -> Message | None:
        """The youth's reminder of a video, phone or visit session; None for chat (the
        reminder of old). `named` False: the counselor is no longer in the config, so the
        `_no_counselor` variant, which does not name them."""
        values = {"when": when}
        suffix = ""
        if named:
            values["counselor"] = self.name(booking.counselor_id)
        else:
            suffix = "_no_counselor"
        if booking.form == "video":
            return self.say(language, "reminder_video" + suffix, **values)
        if booking.form == "phone":
            if phone:
                return self.say(language, "reminder_phone" + suffix, number=phone, **values)
            return self.say(language, "reminder_phone_no_number" + suffix, **values)
        if booking.form == "visit":
            return self.say(language, "reminder_visit" + suffix, **values,
                            **self._office_values(booking, language))
        return None

    def history_note(self, form: str, place: str | None, language: str) -> Message:
        return self.say(language, "history_form", form=self.label(form, place, language))

    # --- the counselor (the service's default language) ---------------------------------------

    def staff_note(self, booking: Booking, phone: str | None = None,
                   with_phone: bool = False) -> Message:
        """'Vorm: telefoongesprek.' (+ the number to call, for the reminder)."""
        lang = self.ctx.config.default_language
        note = self.say(lang, "staff_form", form=self.label(booking.form, booking.place, lang))
        if with_phone and booking.form == "phone":
            line = (self.say(lang, "staff_reminder_phone", number=phone) if phone
                    else self.say(lang, "staff_reminder_phone_none"))
            note = joined(note, line)
        return note

    # --- the session room ----------------------------------------------------------------------

    def call_link(self) -> str | None:
        """A fresh call link for a video session; None when video is not set up."""
        base = self.ctx.config.followup.video_url
        return rules.call_link(base, rules.call_room_name()) if base else None
