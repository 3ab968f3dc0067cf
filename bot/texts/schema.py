"""The shape of the text catalogue: every key a person can read, with its placeholders.

One pydantic model per group; a field is one text. `text("when", "counselor")` declares which
{placeholders} the text may use (none is required). The built-in Dutch and English texts are in
`bot/texts/nl.py` and `bot/texts/en.py`; a config file may override any of them (`texts:`).
The top level of a language block holds the bot's own DM texts (greeting, appointments, staff
notices), so `texts.nl.greeting` in an older config file still means what it meant.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def text(*placeholders: str, markup: bool = False) -> Any:
    """A required text field that may use these {placeholders}.

    `markup`: a web text that may hold simple HTML (<b>); it is written into pages as is.
    """
    return Field(json_schema_extra={"placeholders": list(placeholders), "markup": markup})


class TextGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntakeTexts(TextGroup):
    """The intake's own texts (the questions themselves are service config: `intake.steps`)."""

    # Sent once before the first question.
    intro: str = text()
    # When an answer to a choice question was not understood; the options follow.
    reprompt_choice: str = text()
    # When a required free-text question got an empty answer.
    reprompt_text: str = text()
    # Answer to the help words. {help} {stop} {restart} {skip}: the first word of each list.
    help: str = text("help", "stop", "restart", "skip")
    # Answer to the stop words.
    paused: str = text()
    # Before the current question again, when a paused or returning youth writes.
    welcome_back: str = text()
    # Answer to the restart words, before the first question.
    restarted: str = text()
    # When the last question is answered.
    completed: str = text()
    # To every later message (until later parts of the bot take over).
    done: str = text()
    # When a free-text answer was cut. {max}: the maximum number of characters.
    truncated: str = text("max")
    # Default referral (age outside 12-25) when an option has no referral text of its own.
    referral: str = text()
    # How a skipped free-text answer shows in summaries.
    skipped: str = text()


class SessionTexts(TextGroup):
    """The session room and the counselor's command replies."""

    # Name of the session room. {when}: short date and time ('15 dec 15:00').
    room_name: str = text("when")
    # Topic of the session room. No placeholders: it must not reveal anyone's identity.
    room_topic: str = text()
    # First message in the room, to youth and counselor. {counselor}: display name.
    greeting: str = text("counselor")
    # Heading of the triage summary.
    summary_title: str = text()
    # Label of the youth's own words in the summary.
    story_label: str = text()
    # Under the summary when they talked before.
    earlier_sessions: str = text("counselor", "count")
    # Posted when both are in and the bot leaves the room.
    bot_leaves: str = text("counselor")
    # To the youth when the counselor ends the session. {outcome}: its label.
    session_closed: str = text("outcome", "counselor")
    # To the youth when the counselor did not come and a colleague steps in.
    counselor_no_show_standin: str = text("counselor", "standin")
    # To the youth when the counselor did not come and nobody can step in; new slots follow.
    counselor_no_show_none: str = text("counselor")
    # To the booked counselor who did not come / to the colleague who steps in.
    standin_took_over: str = text("ref", "standin")
    standin_invited: str = text("ref")
    no_standin: str = text("ref")
    # To the counselor when the youth did not come.
    youth_no_show: str = text("ref", "minutes", "when")
    # Follow-up booked: to the youth / to the counselor.
    followup_booked_youth: str = text("when", "counselor")
    followup_booked_counselor: str = text("when", "ref")
    # The counselor is not free at the follow-up time.
    followup_busy: str = text("when")
    # Handover. {counselor}: current counselor; {colleague}: proposed one.
    handover_question: str = text("counselor", "colleague")
    handover_asked: str = text("counselor", "colleague", "ref")
    handover_accepted: str = text("counselor", "colleague", "ref")
    handover_declined: str = text("counselor", "colleague", "ref")
    already_ended: str = text("ref")
    followup_youth_booked: str = text("ref")
    # Absences noted ({first}, {last}: dates); back.
    away_noted: str = text("first", "last")
    back_noted: str = text()
    back_not_away: str = text()
    # Confirmations to the counselor.
    ended: str = text("ref", "outcome")
    note_saved: str = text("ref")
    # Agenda (`!agenda`).
    agenda_title: str = text()
    agenda_item: str = text("when", "ref")
    agenda_empty: str = text()
    # Errors to the counselor.
    unknown_command: str = text()
    unknown_case: str = text("ref")
    not_your_case: str = text("ref")
    no_case: str = text()
    which_outcome: str = text("outcomes")
    unknown_outcome: str = text("text", "outcomes")
    bad_user: str = text()
    unknown_colleague: str = text("colleague")


class CommandTexts(TextGroup):
    """`!help` and usage replies, generated from the command declarations."""

    # First line of `!help`.
    help_intro: str = text()
    # One line per command in `!help`. {command}: '!end'; {usage}: its arguments; {help}.
    help_line: str = text("command", "usage", "help")
    # Under an error about a command's arguments. {line}: that command's help line.
    usage: str = text("line")
    # A command the sender's role may not use.
    not_allowed: str = text("command")
    # What each command does (in `!help`). {outcomes}: the outcomes of `!end`.
    help_help: str = text()
    help_end: str = text("outcomes")
    help_followup: str = text()
    help_note: str = text()
    help_handover: str = text()
    help_agenda: str = text()
    help_away: str = text()
    help_back: str = text()
    # How arguments are shown in usage lines.
    arg_case: str = text()
    arg_outcome: str = text()
    arg_when: str = text()
    arg_text: str = text()
    arg_user: str = text()
    arg_days: str = text()
    # `!followup <when>` that could not be read. {text}: what was typed (shortened).
    followup_empty: str = text()
    followup_unreadable: str = text("word", "text")
    followup_unreadable_all: str = text("text")
    followup_not_a_date: str = text("text")
    followup_date_and_weekday: str = text("text")
    followup_date_and_offset: str = text("text")
    followup_weekday_and_days: str = text("text")
    followup_no_day_or_time: str = text("text")
    followup_no_time: str = text("text")
    followup_past: str = text("when")
    followup_too_far: str = text("day")
    followup_gap: str = text("time", "day")
    followup_examples: str = text()
    # `!away <days>` that could not be read.
    away_empty: str = text()
    away_unreadable: str = text("text")
    away_bad_date: str = text("text")
    away_order: str = text("first", "last")
    away_past: str = text("day")
    away_too_long: str = text()
    away_examples: str = text()


class CrisisTexts(TextGroup):
    # The reply to a youth whose message has words of acute danger. {lines}: the
    # crisis.extra_lines, one per line (appended at the end when the placeholder is absent).
    reply: str = text("lines")
    # The urgent staff-room notice. Never contains the youth's words.
    staff_alert: str = text("ref", "category", "step")
    # {step} when the intake is over.
    no_step: str = text()


class WebTexts(TextGroup):
    """The invite pages (`/join/<code>`). Texts marked markup may hold simple HTML."""

    other_lang: str = text()
    title: str = text()
    lead: str = text(markup=True)
    free: str = text(markup=True)
    anon: str = text(markup=True)
    enc: str = text(markup=True)
    who: str = text(markup=True)
    hours_h: str = text()
    # Instead of the hours when neither scheduling.opening_hours nor web.opening_hours_text
    # is set.
    hours_unknown: str = text()
    hours_note: str = text(markup=True)
    # Opening hours lines: 'maandag t/m vrijdag: 12:00–22:00 en …'.
    hours_through: str = text()
    hours_and: str = text()
    closed: str = text()
    way1_h: str = text()
    way1_p: str = text(markup=True)
    way1_btn: str = text()
    own_pw: str = text()
    pw1: str = text("n")
    pw2: str = text()
    way2_h: str = text()
    way2_p: str = text(markup=True)
    way2_btn: str = text()
    way2_code: str = text(markup=True)
    strip: str = text()
    strip_more: str = text()
    crisis_h: str = text()
    crisis_p: str = text(markup=True)
    privacy: str = text(markup=True)
    reg_closed: str = text()
    done_title: str = text()
    done_write: str = text(markup=True)
    done_user: str = text()
    done_pw: str = text()
    done_own_pw: str = text(markup=True)
    done_hs: str = text()
    done_steps_h: str = text()
    done_s1: str = text(markup=True)
    done_s2: str = text("hs", markup=True)
    done_s3: str = text(markup=True)
    done_s4: str = text(markup=True)
    done_btn: str = text()
    done_fallback: str = text("bot", markup=True)
    nf_title: str = text()
    nf_p: str = text()
    forbidden_title: str = text()
    forbidden_p: str = text()
    again: str = text()
    rl_title: str = text()
    rl_p: str = text("min")
    err_title: str = text()
    err_p: str = text()
    pw_short: str = text("n")
    # A form body that could not be read (malformed, wrong type).
    bad_title: str = text()
    bad_p: str = text()
    pw_long: str = text()
    pw_mismatch: str = text()
    back: str = text()


class PosterTexts(TextGroup):
    """The A4 poster (scripts/make_posters.py), in the service's default language."""

    title: str = text()
    subtitle: str = text()
    facts: str = text()
    scan_hint: str = text()
    crisis_head: str = text()


class Texts(TextGroup):
    """Every text of one language. Top level: the bot's own texts in a youth's DM."""

    # The first message, before the intake's intro.
    greeting: str = text()
    # In a room that is not encrypted (said once, then the bot is silent there).
    unencrypted_room: str = text()
    # The language of these three is not known yet: the defaults say it in Dutch and English.
    group_room: str = text()
    undecryptable: str = text()
    crash: str = text()
    # A picture, file or voice message.
    not_understood_media: str = text()
    # Appointments. {when}: date and time; {counselor}: the counselor's display name.
    offer_intro: str = text()
    offer_now: str = text("when", "counselor")
    offer_slot: str = text("when", "counselor")
    offer_outro: str = text()
    continuity_away: str = text("counselor")
    continuity_no_slot: str = text("counselor")
    continuity_gone: str = text("counselor")
    no_slots: str = text()
    slot_taken: str = text()
    booked: str = text("when", "counselor")
    appointment_show: str = text("when", "counselor")
    appointment_none: str = text()
    cancelled: str = text()
    reminder: str = text("when", "counselor")
    late_apology: str = text()
    # Notices to counselors (in their DM with the bot) and the staff room. {ref}: case.
    staff_new_booking: str = text("when", "ref")
    staff_cancelled: str = text("when", "ref")
    staff_reminder: str = text("when", "ref")
    staff_no_slots: str = text("ref")
    # Staff room, operations: messages wait (e.g. rate limits). {count} waiting, {minutes} old.
    staff_outbox_backlog: str = text("count", "minutes")
    # Staff room, operations: the database cannot be written (disk full, read-only), and again.
    staff_storage_fault: str = text()
    staff_storage_ok: str = text()

    intake: IntakeTexts
    session: SessionTexts
    commands: CommandTexts
    crisis: CrisisTexts
    web: WebTexts
    poster: PosterTexts


GROUPS: dict[str, type[TextGroup]] = {
    "intake": IntakeTexts,
    "session": SessionTexts,
    "commands": CommandTexts,
    "crisis": CrisisTexts,
    "web": WebTexts,
    "poster": PosterTexts,
}


def placeholders(model: type[TextGroup], name: str) -> set[str]:
    extra = model.model_fields[name].json_schema_extra
    assert isinstance(extra, dict)
    return set(extra["placeholders"])  # type: ignore[arg-type]


def top_level_keys() -> list[str]:
    return [name for name in Texts.model_fields if name not in GROUPS]


def all_keys() -> list[str]:
    """Every key in dotted form: 'greeting', 'session.room_name', 'web.title', …"""
    keys = top_level_keys()
    for group, model in GROUPS.items():
        keys += [f"{group}.{name}" for name in model.model_fields]
    return keys


def placeholders_of(key: str) -> set[str]:
    group, _, name = key.rpartition(".")
    return placeholders(GROUPS[group] if group else Texts, name)
