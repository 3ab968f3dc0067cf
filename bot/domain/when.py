"""Dates and times as a youth reads them, in the service's time zone, without OS locales."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DAYS = {
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}
AT = {"nl": "om", "en": "at"}
TODAY = {"nl": "vandaag", "en": "today"}
TOMORROW = {"nl": "morgen", "en": "tomorrow"}


def format_when(at: datetime, tz: ZoneInfo, language: str, now: datetime | None = None) -> str:
    """'dinsdag 15 december om 15:00' / 'today at 15:00' (wall clock in `tz`)."""
    lang = language if language in DAYS else "nl"
    local = at.astimezone(tz)
    clock = f"{local:%H:%M}"
    if now is not None:
        days = (local.date() - now.astimezone(tz).date()).days
        if days == 0:
            return f"{TODAY[lang]} {AT[lang]} {clock}"
        if days == 1:
            return f"{TOMORROW[lang]} {AT[lang]} {clock}"
    day = DAYS[lang][local.weekday()]
    month = MONTHS[lang][local.month - 1]
    if lang == "en":
        return f"{day} {local.day} {month} {AT[lang]} {clock}"
    return f"{day} {local.day} {month} {AT[lang]} {clock}"


def short_when(at: datetime, tz: ZoneInfo, language: str) -> str:
    """'15 dec 15:00' — room names and staff notices."""
    lang = language if language in MONTHS else "nl"
    local = at.astimezone(tz)
    return f"{local.day} {MONTHS[lang][local.month - 1][:3]} {local:%H:%M}"
