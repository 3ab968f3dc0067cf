"""The session room, pure parts: counselor commands, follow-up times, power levels, summary.

No I/O: time and config are passed in. Datetimes handed out are aware UTC datetimes; wall-clock
input is read in the service's zone (DST-correct, see `bot.domain.agenda_time`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from bot.config.intake import answer_key
from bot.config.session import SessionConfig
from bot.domain.agenda_time import parse_day, wall_exists
from bot.domain.messages import Message, fill, text_to_html
from bot.domain.when import MONTHS, short_when
from bot.texts import Catalogue, UserError

# --- counselor commands (declared in bot/handlers/staff.py) ----------------------------------

# '#K7Q-4MX' (also lowercase, and without the dash).
_REF = re.compile(r"^#([A-Za-z0-9]{3})-?([A-Za-z0-9]{3})[.,;:!?]*$")


def strip_reply_fallback(text: str) -> str:
    """Drop a Matrix reply fallback ('> <@user> quoted…' lines and the blank line after)."""
    if not text.startswith(">"):
        return text
    lines = text.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    return "\n".join(lines[i:]).lstrip("\n")


def case_ref(token: str) -> str | None:
    """'K7Q-4MX' for a token like '#k7q4mx' (a case reference), else None."""
    m = _REF.match(token)
    return f"{m[1].upper()}-{m[2].upper()}" if m else None


_MXID = re.compile(r"@[A-Za-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::\d+)?")
_MATRIX_TO = re.compile(r"https://matrix\.to/#/((?:@|%40)[^\"'?<>\s]+)", re.IGNORECASE)


def mentioned_user(args: str, formatted_body: str | None = None) -> str | None:
    """The user id in `!handover` arguments, or in an Element mention pill of the HTML body.

    Element puts only the display name in the plain body of a mention; the id is in the
    `https://matrix.to/#/@user:server` link of the formatted body. The localpart is lowercased.
    """
    m = _MXID.search(args)
    if m is None and formatted_body:
        link = _MATRIX_TO.search(formatted_body)
        m = _MXID.search(unquote(link[1])) if link else None
    if m is None:
        return None
    local, _, server = m[0].partition(":")
    return f"{local.lower()}:{server}"


# --- outcomes ---------------------------------------------------------------------------------


def _outcome_keys(cfg: SessionConfig) -> dict[str, str]:
    keys: dict[str, str] = {}
    for o in cfg.outcomes:
        for word in (o.id, *o.label.values(), *o.synonyms):
            key = answer_key(word)
            if key:
                keys.setdefault(key, o.id)
    return keys


def split_outcome(cfg: SessionConfig, text: str) -> tuple[str, str] | None:
    """(outcome id, the rest) for `!end referred to CAW Kortrijk` → ('referred', 'to CAW …').

    The longest leading run of words that names an outcome wins (id, label in any language or
    synonym; case-, accent- and punctuation-insensitive).
    """
    keys = _outcome_keys(cfg)
    words = text.split()
    for n in range(len(words), 0, -1):
        oid = keys.get(answer_key(" ".join(words[:n])))
        if oid is not None:
            return oid, " ".join(words[n:])
    return None


def outcome_of(cfg: SessionConfig, text: str) -> str | None:
    """The outcome id named by `text` (see `split_outcome`), or None."""
    found = split_outcome(cfg, text)
    return found[0] if found else None


def outcome_label(cfg: SessionConfig, outcome_id: str, language: str) -> str:
    o = cfg.outcome(outcome_id)
    if o is None:
        return outcome_id
    return o.label.get(language) or o.label.get(cfg.languages[0]) or outcome_id


def outcome_choices(cfg: SessionConfig, language: str) -> str:
    """'done (afgerond), follow-up (vervolggesprek), …' for help and error texts."""
    out = []
    for o in cfg.outcomes:
        label = outcome_label(cfg, o.id, language)
        out.append(o.id if answer_key(label) == answer_key(o.id) else f"{o.id} ({label})")
    return ", ".join(out)


# --- follow-up times --------------------------------------------------------------------------

MAX_FOLLOWUP_DAYS = 366

_WEEKDAY_WORDS: dict[str, int] = {}
for _i, _names in enumerate([
    ("ma", "maa", "maan", "maandag", "mo", "mon", "monday"),
    ("di", "din", "dins", "dinsdag", "tu", "tue", "tues", "tuesday"),
    ("wo", "woe", "woens", "woensdag", "we", "wed", "wednesday"),
    ("do", "don", "donder", "donderdag", "th", "thu", "thur", "thurs", "thursday"),
    ("vr", "vri", "vrij", "vrijdag", "fr", "fri", "friday"),
    ("za", "zat", "zaterdag", "sa", "sat", "saturday"),
    ("zo", "zon", "zondag", "su", "sun", "sunday"),
]):
    for _n in _names:
        _WEEKDAY_WORDS[_n] = _i

_MONTH_WORDS: dict[str, int] = {}
for _lang in MONTHS.values():
    for _i, _m in enumerate(_lang, 1):
        _MONTH_WORDS[_m.lower()] = _i
        _MONTH_WORDS[_m.lower()[:3]] = _i
_MONTH_WORDS.update({"mrt": 3, "sept": 9, "okt": 10})

_FILLER = frozenset({
    "om", "at", "on", "op", "de", "the", "uur", "u", "h", "rond", "around", "about",
    "omstreeks", "o'clock", "oclock", "van", "from", "next", "volgende", "komende", "coming",
    "this", "deze",
})
_TODAY = {"vandaag", "today"}
_TOMORROW = {"morgen", "tomorrow", "tmrw"}
_DAY_AFTER = {"overmorgen"}

_MARKER = re.compile(r"@(week|day)(\d{1,3})")
_TIME_HM = re.compile(r"^(\d{1,2})[:.hu](\d{2})(am|pm)?$")
_TIME_H = re.compile(r"^(\d{1,2})(am|pm|u|h)?$")

# Whole-phrase rewrites, applied before the words are read.
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:next|volgende|komende) week\b"), " @week1 "),
    (re.compile(r"\b(?:over|in) (?:een|één|a|one|1) week\b"), " @week1 "),
    (re.compile(r"\b(?:over|in) (\d{1,2}) (?:weken|weeks)\b"), r" @week\1 "),
    (re.compile(r"\b(?:over|in) (\d{1,3}) (?:dagen|days?)\b"), r" @day\1 "),
    (re.compile(r"\bday after tomorrow\b"), " overmorgen "),
]


def _read_time(token: str) -> time | None:
    m = _TIME_HM.match(token)
    if m:
        hour, minute, half = int(m[1]), int(m[2]), m[3]
    else:
        m = _TIME_H.match(token)
        if not m:
            return None
        hour, minute, half = int(m[1]), 0, m[2] if m[2] in ("am", "pm") else None
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_followup(
    text: str, now: datetime, tz: ZoneInfo, default_time: time | None = None
) -> datetime:
    """The start of a follow-up as an aware UTC datetime; raises `UserError` (a key of the
    catalogue group `commands`, e.g. 'commands.followup_past') when it cannot be read.

    Days: a weekday (`di`, `dinsdag`, `tue`, `tuesday`: the NEXT such day, 1 to 7 days ahead,
    never today), `vandaag`/`today`, `morgen`/`tomorrow`, `overmorgen`, `2026-12-15`, `15/12`,
    `15-12-2026`, `15.12`, `15 december`, `next week`/`volgende week` (today + 7 days; with a
    weekday: that day of next calendar week), `over 2 weken`/`in 3 days`.
    Times: `15:00`, `15.00`, `15u`, `15u30`, `15h`, `3pm`, `15` (a bare hour).
    Without a time, `default_time` is used (e.g. the current session's start, so `next week`
    means the same slot next week); without that, the time of day of `now`, for week/day
    offsets only. Without a day, the next occurrence of the time (today or tomorrow).
    The wall clock is read in `tz`; a time that does not exist there (spring-forward gap) and
    a moment not after `now` are refused, as is more than a year ahead.
    """
    raw = " ".join(text.split())
    if not raw:
        raise UserError("commands.followup_empty")
    shown = raw[:40]
    local_now = now.astimezone(tz)
    today = local_now.date()
    t = raw.lower().replace(",", " ")
    for pattern, repl in _PHRASES:
        t = pattern.sub(repl, t)
    tokens = [tok for tok in (w.rstrip(".;!?") for w in t.split()) if tok]

    day: date | None = None
    week_offset: int | None = None  # 'next week' seen (weeks)
    day_offset: int | None = None
    weekday: int | None = None
    at: time | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        marker = _MARKER.fullmatch(tok)
        if marker and marker[1] == "week":
            week_offset = int(marker[2])
        elif marker:
            day_offset = int(marker[2])
        elif tok in _WEEKDAY_WORDS and weekday is None:
            weekday = _WEEKDAY_WORDS[tok]
        elif tok in _TODAY and day is None:
            day = today
        elif tok in _TOMORROW and day is None:
            day = today + timedelta(days=1)
        elif tok in _DAY_AFTER and day is None:
            day = today + timedelta(days=2)
        elif tok.isdecimal() and nxt in _MONTH_WORDS and day is None:
            year_tok = tokens[i + 2] if i + 2 < len(tokens) else ""
            year = int(year_tok) if re.fullmatch(r"\d{4}", year_tok) else None
            found = _day_month(int(tok), _MONTH_WORDS[nxt], year, today)
            if found is None:
                raise UserError("commands.followup_not_a_date", text=f"{tok} {nxt}")
            day = found
            i += 2 if year is None else 3
            continue
        elif day is None and not tok.isdecimal() and (d := parse_day(tok, today, today)):
            day = d
        elif at is None and (tm := _read_time(tok)) is not None:
            at = tm
        elif tok in ("am", "pm") and at is not None and 1 <= at.hour <= 12:
            at = time(at.hour % 12 + (12 if tok == "pm" else 0), at.minute)
        elif tok in _FILLER:
            pass
        else:
            if tok == shown.lower():
                raise UserError("commands.followup_unreadable_all", text=shown)
            raise UserError("commands.followup_unreadable", word=tok[:20], text=shown)
        i += 1

    offsets = week_offset is not None or day_offset is not None
    if day is not None and (weekday is not None or offsets):
        # 'di 15/12' is fine when 15/12 is a Tuesday; a date plus an offset is not.
        if weekday is not None and day.weekday() != weekday:
            raise UserError("commands.followup_date_and_weekday", text=shown)
        if offsets:
            raise UserError("commands.followup_date_and_offset", text=shown)
    if day is None:
        if week_offset is not None and weekday is not None:
            monday = today - timedelta(days=today.weekday())
            day = monday + timedelta(weeks=week_offset, days=weekday)
        elif weekday is not None:
            day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
            if day_offset is not None:
                raise UserError("commands.followup_weekday_and_days", text=shown)
        elif week_offset is not None or day_offset is not None:
            day = today + timedelta(weeks=week_offset or 0, days=day_offset or 0)
            if at is None and default_time is None:
                at = time(local_now.hour, local_now.minute)
    if at is None:
        at = default_time
    if day is None:
        if at is None:
            raise UserError("commands.followup_no_day_or_time", text=shown)
        day = today
        if datetime.combine(day, at, tzinfo=tz) <= local_now:
            day += timedelta(days=1)
    if at is None:
        raise UserError("commands.followup_no_time", text=shown)
    if day < today:
        raise UserError("commands.followup_past", when=day.isoformat())
    if day > today + timedelta(days=MAX_FOLLOWUP_DAYS):
        raise UserError("commands.followup_too_far", day=day.isoformat())
    minute = at.hour * 60 + at.minute
    if not wall_exists(day, minute, tz):
        raise UserError("commands.followup_gap", time=f"{at:%H:%M}", day=day.isoformat())
    start = datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
    if start <= now:
        raise UserError("commands.followup_past", when=f"{day.isoformat()} {at:%H:%M}")
    if start - now > timedelta(days=MAX_FOLLOWUP_DAYS):
        raise UserError("commands.followup_too_far", day=day.isoformat())
    return start


def _day_month(d: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        try:
            return date(year, month, d)
        except ValueError:
            return None
    for y in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = date(y, month, d)
        except ValueError:  # 29 February outside a leap year
            continue
        if candidate >= today:
            return candidate
    return None


# --- the room ---------------------------------------------------------------------------------

BOT_LEVEL = 100
COUNSELOR_LEVEL = 50
YOUTH_LEVEL = 0

# State events that only the bot (100) may send: who gets in, encryption, history, identity.
PROTECTED_EVENTS: tuple[str, ...] = (
    "m.room.power_levels",
    "m.room.encryption",
    "m.room.history_visibility",
    "m.room.join_rules",
    "m.room.guest_access",
    "m.room.name",
    "m.room.topic",
    "m.room.avatar",
    "m.room.canonical_alias",
    "m.room.tombstone",
    "m.room.server_acl",
    "m.room.pinned_events",
    "m.space.parent",
    "m.space.child",
    "im.vector.modular.widgets",
    "io.element.widgets.layout",
    "org.matrix.msc3401.call.member",
)


def power_levels(bot_id: str, counselor_id: str, youth_id: str) -> dict[str, Any]:
    """The `m.room.power_levels` content of a session room.

    Bot 100, counselor 50 (moderator: invite, kick, ban, redact), youth 0. Every state event
    needs 100 (`state_default` and each type in `events`), so neither the counselor nor the
    youth can change power levels, encryption, history visibility, join rules, name or topic.
    Messages need 0. Raises ValueError when the three ids are not distinct.
    """
    if len({bot_id, counselor_id, youth_id}) != 3:
        raise ValueError("bot, counselor and youth must be three different users")
    return {
        "users": {bot_id: BOT_LEVEL, counselor_id: COUNSELOR_LEVEL, youth_id: YOUTH_LEVEL},
        "users_default": YOUTH_LEVEL,
        "events_default": 0,
        "state_default": BOT_LEVEL,
        "events": {event_type: BOT_LEVEL for event_type in PROTECTED_EVENTS},
        "invite": COUNSELOR_LEVEL,
        "kick": COUNSELOR_LEVEL,
        "ban": COUNSELOR_LEVEL,
        "redact": COUNSELOR_LEVEL,
        "notifications": {"room": COUNSELOR_LEVEL},
    }


def room_link(room_id: str) -> str:
    """A matrix.to link that opens the room in any Matrix client (via the room's server)."""
    server = room_id.partition(":")[2]
    via = f"?via={quote(server, safe='')}" if server else ""
    return f"https://matrix.to/#/{quote(room_id, safe='!:')}{via}"


def room_name(texts: Catalogue, language: str, start: datetime, tz: ZoneInfo) -> str:
    """'Gesprek 15 dec 15:00' / 'Chat 15 Dec 15:00' (wall clock in `tz`)."""
    lang = texts.lang(language)
    return texts.plain(lang, "session.room_name", when=short_when(start, tz, lang))


def room_topic(texts: Catalogue, language: str) -> str:
    return texts.texts(language).session.room_topic


def summary_message(
    texts: Catalogue,
    language: str,
    answers_described: list[tuple[str, str]],
    free_text: str | None,
    earlier_sessions: int,
    counselor_name: str,
) -> Message:
    """The first message in the session room, to youth and counselor alike.

    Greeting, then the summary (title; one 'label: value' line per intake answer from
    `IntakeFlow.describe`; the youth's own words under `story_label` when given), then the
    earlier-sessions line when they talked before. All user text is escaped in the HTML body.
    """
    t = texts.texts(language).session
    greeting = fill(t.greeting, {"counselor": counselor_name})
    plain_lines = [t.summary_title]
    html = f"<p><b>{text_to_html(t.summary_title)}</b></p>"
    story = (free_text or "").strip()
    # The youth's own words once: in the quote below, not also as a summary line.
    answers_described = [(label, value) for label, value in answers_described
                         if not story or value.strip() != story]
    if answers_described:
        items = []
        for label, value in answers_described:
            plain_lines.append(f"• {label}: {value}")
            items.append(f"<li><b>{text_to_html(label)}</b>: {text_to_html(value)}</li>")
        html += f"<ul>{''.join(items)}</ul>"
    if story:
        plain_lines.append(f"{t.story_label}:")
        plain_lines.extend(f"> {line}" for line in story.split("\n"))
        html += (f"<p><b>{text_to_html(t.story_label)}</b>:</p>"
                 f"<blockquote>{text_to_html(story)}</blockquote>")
    summary = Message("\n".join(plain_lines), html)
    message = greeting + summary
    if earlier_sessions > 0:
        message = message + fill(
            t.earlier_sessions, {"counselor": counselor_name, "count": str(earlier_sessions)}
        )
    return message


# --- timers -----------------------------------------------------------------------------------


def no_show_due(start: datetime, cfg: SessionConfig) -> tuple[datetime, datetime]:
    """(when to check that the counselor is in, when to check that the youth is in)."""
    return (
        start + timedelta(minutes=cfg.counselor_no_show_minutes),
        start + timedelta(minutes=cfg.youth_no_show_minutes),
    )


def opening_too_late(start: datetime, now: datetime, cfg: SessionConfig) -> bool:
    """True when a session room missed (bot down) should no longer be opened."""
    return now - start > timedelta(minutes=cfg.opening_grace_minutes)
