"""Session room, pure parts: commands, follow-up times, power levels, summary, config."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config.session import SessionConfig
from bot.domain.session_rules import (
    PROTECTED_EVENTS,
    case_ref,
    mentioned_user,
    no_show_due,
    opening_too_late,
    outcome_choices,
    outcome_label,
    outcome_of,
    parse_followup,
    power_levels,
    room_name,
    room_topic,
    split_outcome,
    summary_message,
)
from bot.texts import Catalogue, UserError

TZ = ZoneInfo("Europe/Brussels")
CFG = SessionConfig()
TEXTS = Catalogue.default()
BOT, SARA, YOUTH = "@chathulp:localhost", "@sara:localhost", "@y-abc123:localhost"


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


# --- commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [("#K7Q-4MX", "K7Q-4MX"), ("#k7q4mx", "K7Q-4MX"), ("#K7Q-4MX.", "K7Q-4MX"),
     ("#1", None), ("K7Q-4MX", None), ("#K7Q-4MXY", None)],
)
def test_case_ref(token: str, expected: str | None) -> None:
    assert case_ref(token) == expected


def test_mentioned_user() -> None:
    assert mentioned_user("@Tom:localhost") == "@tom:localhost"
    assert mentioned_user("please @tom.v:example.org:8448 thanks") == "@tom.v:example.org:8448"
    html = '<a href="https://matrix.to/#/@tom:localhost">Tom</a>'
    assert mentioned_user("Tom", html) == "@tom:localhost"
    assert mentioned_user("Tom", '<a href="https://matrix.to/#/%40tom%3Alocalhost">T</a>') == (
        "@tom:localhost"
    )
    assert mentioned_user("Tom") is None


# --- follow-up times --------------------------------------------------------------------------

# 2026-06-03 is a Wednesday; summer time (UTC+2).
NOW = local(2026, 6, 3, 14, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("di 15:00", local(2026, 6, 9, 15)),
        ("dinsdag 15:00", local(2026, 6, 9, 15)),
        ("Tue 15:00", local(2026, 6, 9, 15)),
        ("tuesday 3pm", local(2026, 6, 9, 15)),
        ("wo 15:00", local(2026, 6, 10, 15)),  # today's weekday: next week, not today
        ("do 9u", local(2026, 6, 4, 9)),
        ("vrijdag om 15u30", local(2026, 6, 5, 15, 30)),
        ("2026-12-15 15:00", local(2026, 12, 15, 15)),
        ("15/12 15:00", local(2026, 12, 15, 15)),
        ("15/12/2026 15.00", local(2026, 12, 15, 15)),
        ("15-12-2026 15u", local(2026, 12, 15, 15)),
        ("15 december 15:00", local(2026, 12, 15, 15)),
        ("15 dec 2026 15:00", local(2026, 12, 15, 15)),
        ("morgen 10:00", local(2026, 6, 4, 10)),
        ("tomorrow 10:00", local(2026, 6, 4, 10)),
        ("Morgen om 10 uur", local(2026, 6, 4, 10)),
        ("overmorgen 10:00", local(2026, 6, 5, 10)),
        ("vandaag 16:00", local(2026, 6, 3, 16)),
        ("16:00", local(2026, 6, 3, 16)),
        ("10:00", local(2026, 6, 4, 10)),  # earlier today: tomorrow
        ("next week", local(2026, 6, 10, 14, 30)),
        ("volgende week", local(2026, 6, 10, 14, 30)),
        ("volgende week 10:00", local(2026, 6, 10, 10)),
        ("volgende week dinsdag 10:00", local(2026, 6, 9, 10)),
        ("over 2 weken", local(2026, 6, 17, 14, 30)),
        ("in 3 days 9:00", local(2026, 6, 6, 9)),
        ("di 15 dec 15:00", local(2026, 12, 15, 15)),  # 15 Dec 2026 is a Tuesday
    ],
)
def test_parse_followup(text: str, expected: datetime) -> None:
    result = parse_followup(text, NOW, TZ)
    assert isinstance(result, datetime), result
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next week", local(2026, 6, 10, 16)),
        ("volgende week", local(2026, 6, 10, 16)),
        ("di", local(2026, 6, 9, 16)),
        ("morgen", local(2026, 6, 4, 16)),
        ("15/12", local(2026, 12, 15, 16)),
        ("next week 9:00", local(2026, 6, 10, 9)),  # an explicit time wins
    ],
)
def test_parse_followup_default_time(text: str, expected: datetime) -> None:
    assert parse_followup(text, NOW, TZ, time(16, 0)) == expected


def test_next_week_across_dst_keeps_the_wall_clock() -> None:
    now = local(2026, 10, 21, 15)  # CEST, UTC+2
    result = parse_followup("next week", now, TZ)
    assert result == local(2026, 10, 28, 15)  # CET, UTC+1
    assert isinstance(result, datetime)
    assert result.astimezone(TZ).hour == 15
    assert result == datetime(2026, 10, 28, 14, tzinfo=UTC)
    assert result - now == timedelta(days=7, hours=1)
    assert now.utcoffset() != result.astimezone(TZ).utcoffset()
    assert parse_followup("volgende week", now, TZ, time(15, 0)) == result


def test_spring_forward_gap_is_refused() -> None:
    now = local(2026, 3, 25, 12)
    with pytest.raises(UserError) as info:
        parse_followup("29/03 02:30", now, TZ)
    assert "does not exist" in TEXTS.render("en", info.value).plain
    assert parse_followup("29/03 03:30", now, TZ) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "xyz",
        "di",  # no time and no default
        "morgen",
        "2026-01-01 10:00",  # past
        "vandaag 10:00",  # earlier today
        "25:00",
        "di 15:61",
        "32/12 10:00",
        "2028-01-01 10:00",  # more than a year ahead
        "ma 15 dec 15:00",  # 15 Dec 2026 is a Tuesday
        "morgen volgende week 10:00",
        "15 foo 15:00",
    ],
)
def test_parse_followup_errors(text: str) -> None:
    with pytest.raises(UserError) as info:
        parse_followup(text, NOW, TZ)
    key = info.value.key
    assert key.startswith("commands.followup_")
    for lang in ("nl", "en"):
        shown = TEXTS.render(lang, info.value).plain
        assert shown and "{" not in shown


@given(
    st.text(alphabet=st.sampled_from(list("0123456789:/-. dimaowvrzu")), max_size=20),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1)),
)
@settings(max_examples=400)
def test_followup_never_in_the_past(text: str, naive_now: datetime) -> None:
    now = naive_now.replace(tzinfo=TZ)
    try:
        result = parse_followup(text, now, TZ, time(10, 0))
    except UserError:
        return
    assert result > now
    assert result.tzinfo is UTC


# --- power levels -----------------------------------------------------------------------------


def test_power_levels() -> None:
    pl = power_levels(BOT, SARA, YOUTH)
    assert pl["users"] == {BOT: 100, SARA: 50, YOUTH: 0}
    assert pl["users_default"] == 0
    assert pl["events_default"] == 0
    assert pl["state_default"] == 100
    for action in ("invite", "kick", "ban", "redact"):
        assert pl[action] == 50
    counselor = pl["users"][SARA]
    youth = pl["users"][YOUTH]
    assert counselor >= pl["invite"] > youth
    assert pl["events_default"] <= youth  # both may write
    for event_type in (
        "m.room.power_levels", "m.room.encryption", "m.room.history_visibility",
        "m.room.join_rules", "m.room.guest_access", "m.room.name", "m.room.topic",
        "m.room.tombstone", "m.room.server_acl",
    ):
        assert pl["events"][event_type] == 100
        assert counselor < pl["events"][event_type]
    assert all(level > counselor for level in pl["events"].values())
    assert set(PROTECTED_EVENTS) == set(pl["events"])
    assert counselor < pl["state_default"]


def test_power_levels_need_three_users() -> None:
    with pytest.raises(ValueError):
        power_levels(BOT, SARA, SARA)


# --- room texts and summary -------------------------------------------------------------------


def test_room_name_and_topic() -> None:
    start = datetime(2026, 12, 15, 14, tzinfo=UTC)
    assert room_name(TEXTS, "nl", start, TZ) == "Gesprek 15 dec 15:00"
    assert room_name(TEXTS, "en", start, TZ) == "Chat 15 Dec 15:00"
    assert room_name(TEXTS, "xx", start, TZ) == "Gesprek 15 dec 15:00"
    assert room_topic(TEXTS, "en")
    assert "{" not in room_topic(TEXTS, "nl")


def test_summary_escapes_user_text() -> None:
    msg = summary_message(
        TEXTS, "nl",
        [("Onderwerp", "School"), ("Gemeente", "<b>Kortrijk</b>")],
        "ik <b>wil</b> <script>x</script>\nregel 2",
        2,
        "Sara <i>",
    )
    assert "<b>Kortrijk</b>" not in msg.html
    assert "&lt;b&gt;Kortrijk&lt;/b&gt;" in msg.html
    assert "<script>" not in msg.html
    assert "&lt;b&gt;wil&lt;/b&gt;" in msg.html
    assert "Sara &lt;i&gt;" in msg.html
    assert "<b>wil</b>" in msg.plain  # the plain body shows the text as typed
    assert "Onderwerp: School" in msg.plain
    assert "Wat je ons al vertelde" in msg.plain
    assert "Eerdere gesprekken met Sara <i>: 2" in msg.plain
    assert msg.plain.startswith("Hoi")
    assert "regel 2" in msg.plain


def test_summary_without_story_or_history() -> None:
    msg = summary_message(TEXTS, "en", [("Topic", "School")], None, 0, "Sara")
    assert "Earlier chats" not in msg.plain
    assert "In your own words" not in msg.plain
    assert "Sara" in msg.plain
    assert summary_message(TEXTS, "en", [], "  ", 0, "Sara").plain.count("own words") == 0


# --- outcomes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done", "done"),
        ("DONE", "done"),
        ("klaar", "done"),
        ("Afgerond", "done"),
        ("follow-up", "follow-up"),
        ("followup", "follow-up"),
        ("Follow up", "follow-up"),
        ("vervolggesprek", "follow-up"),
        ("referred", "referred"),
        ("doorverwezen", "referred"),
        ("Doorverwezen naar CAW", "referred"),
        ("no-show", "no-show"),
        ("noshow", "no-show"),
        ("niet opgedaagd", "no-show"),
        ("whatever", None),
        ("", None),
    ],
)
def test_outcome_of(text: str, expected: str | None) -> None:
    assert outcome_of(CFG, text) == expected


def test_outcome_accents_and_rest() -> None:
    cfg = SessionConfig.model_validate({"outcomes": [
        {"id": "done", "label": {"nl": "afgerond", "en": "done"}},
        {"id": "referred", "label": {"nl": "doorverwezen", "en": "referred"},
         "synonyms": ["verwezen naar één lijn"]},
    ]})
    assert outcome_of(cfg, "Verwezen naar EEN lijn") == "referred"
    assert split_outcome(CFG, "referred to CAW Kortrijk") == ("referred", "CAW Kortrijk")
    assert split_outcome(CFG, "doorverwezen naar Awel") == ("referred", "naar Awel")
    assert outcome_label(CFG, "no-show", "nl") == "niet opgedaagd"
    assert outcome_label(CFG, "no-show", "xx") == "niet opgedaagd"
    assert outcome_label(CFG, "gone", "nl") == "gone"
    choices = outcome_choices(CFG, "nl")
    assert choices.startswith("done (afgerond), follow-up (vervolggesprek)")
    assert outcome_choices(CFG, "en") == "done, follow-up, referred, no-show"


# --- timers -----------------------------------------------------------------------------------


def test_no_show_due_and_grace() -> None:
    start = datetime(2026, 6, 3, 13, tzinfo=UTC)
    assert no_show_due(start, CFG) == (start + timedelta(minutes=5), start + timedelta(minutes=10))
    cfg = SessionConfig(counselor_no_show_minutes=3, youth_no_show_minutes=15)
    assert no_show_due(start, cfg) == (start + timedelta(minutes=3), start + timedelta(minutes=15))
    assert not opening_too_late(start, start + timedelta(minutes=30), CFG)
    assert opening_too_late(start, start + timedelta(minutes=31), CFG)


# --- config -----------------------------------------------------------------------------------


def test_defaults() -> None:
    cfg = SessionConfig()
    assert cfg.bot_stays is False
    assert (cfg.counselor_no_show_minutes, cfg.youth_no_show_minutes) == (5, 10)
    assert cfg.opening_grace_minutes == 30
    assert [o.id for o in cfg.outcomes] == ["done", "follow-up", "referred", "no-show"]
    assert cfg.texts == {}  # the texts are in the catalogue (bot/texts)
    session = TEXTS.texts("nl").session
    assert "{counselor} kan er niet bij zijn" in session.counselor_no_show_standin
    assert session.handover_question.startswith("{counselor} stelt voor dat {colleague}")


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        SessionConfig.model_validate(data)
    return str(info.value)


def test_missing_language_labels() -> None:
    msg = _error({"languages": ["nl", "en", "de"]})
    assert "outcome 'done' label has no text in 'de'" in msg


def test_older_texts_key_is_checked() -> None:
    """`session.texts` (the older place of the session texts) is still checked in place."""
    assert "non-empty" in _error({"texts": {"nl": {"greeting": ""}}})
    msg = _error({"texts": {"en": {"room_name": "Chat {whenn}"}}})
    assert "texts.en.room_name" in msg and "{whenn}" in msg
    assert "texts.en.room_topic" in _error({"texts": {"en": {"room_topic": "With {counselor}"}}})


def test_outcome_ids_unique_and_unambiguous() -> None:
    dup = {"id": "done", "label": {"nl": "klaar", "en": "done"}}
    assert "used twice" in _error({"outcomes": [dup, dup]})
    clash = [
        {"id": "done", "label": {"nl": "afgerond", "en": "done"}, "synonyms": ["ok"]},
        {"id": "referred", "label": {"nl": "doorverwezen", "en": "referred"},
         "synonyms": ["OK"]},
    ]
    assert "would choose both" in _error({"outcomes": clash})
    assert "id of lowercase" in _error(
        {"outcomes": [{"id": "Done!", "label": {"nl": "x", "en": "x"}}]}
    )
    assert "no outcome" in _error({"outcomes": []})


def test_unknown_key_and_ranges() -> None:
    assert "extra" in _error({"bot_stay": True}).lower()
    _error({"counselor_no_show_minutes": 0})
    _error({"opening_grace_minutes": -1})


@given(st.text(max_size=60))
@settings(max_examples=400)
def test_parse_followup_never_crashes(text: str) -> None:
    try:
        assert isinstance(parse_followup(text, NOW, TZ), datetime)
    except UserError as exc:
        assert TEXTS.render("en", exc).plain


@pytest.mark.parametrize(
    "text", ["0001-01-01 00:00", "31/12/9999 23:59", "@weekx", "@week99999999 10:00",
             "in 999 days 10:00", "over 99 weken"],
)
def test_parse_followup_extremes(text: str) -> None:
    with pytest.raises(UserError):
        parse_followup(text, NOW, TZ)
