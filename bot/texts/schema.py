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
    # {lines}: the option's `refer_to` lines of the referral directory, one per row.
    referral: str = text("lines")
    # How a skipped free-text answer shows in summaries.
    skipped: str = text()
    # An option with `refer_to` but no `refer` (a municipality outside the region): the
    # intake goes on. {lines}: where else the youth can go (the directory's lines).
    outside_region: str = text("lines")
    # Instead of reprompt_choice at the step that asks the language (not known yet): in
    # every language the intake offers.
    reprompt_language: str = text()


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
    # To the youth when the counselor did not come and nobody can step in; the offer follows
    # (new moments, or that there is none): promise neither here.
    counselor_no_show_none: str = text("counselor")
    # To the booked counselor who did not come / to the colleague who steps in.
    standin_took_over: str = text("ref", "standin")
    standin_invited: str = text("ref")
    # To the colleague who steps in for a phone session whose counselor is no longer in the
    # config (the form and the number to call follow, as in the counselor's reminder).
    standin_phone: str = text("ref")
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
    # After an accepted handover, per upcoming booking with the previous counselor ({when}),
    # in the youth's one answer: it goes on at the same time with {colleague}, or it stays
    # with {counselor} because {colleague} is not free then.
    handover_booking_moved_youth: str = text("when", "colleague")
    handover_booking_kept_youth: str = text("when", "counselor", "colleague")
    # The same when the previous counselor has left the config (never named: they will not
    # come; at the time a colleague on duty steps in, or the youth is offered new moments).
    handover_booking_kept_youth_unnamed: str = text("when", "colleague")
    # The same to the previous counselor (moved / kept), and to the colleague when kept.
    handover_booking_moved_staff: str = text("when", "ref", "colleague")
    handover_booking_kept_staff: str = text("when", "ref", "colleague")
    handover_booking_kept_colleague: str = text("when", "ref", "counselor")
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
    no_case: str = text()
    which_outcome: str = text("outcomes")
    unknown_outcome: str = text("text", "outcomes")
    bad_user: str = text()
    unknown_colleague: str = text("colleague")
    # `!end referred <line>`: to the youth, the line's details ({lines}; {line}: its name).
    referred_youth: str = text("line", "lines")
    # `!end referred <line>` with a line the directory does not have. {lines}: the ids.
    unknown_line: str = text("text", "lines")
    # In the youth's DM when their session room opens: who is coming and how to get in.
    # {link}: a matrix.to link to the session room.
    room_ready: str = text("counselor", "link")
    # Instead of session_closed, chosen by state: a next appointment is already booked
    # ({when}: its time) / the youth did not come ({when}: the missed session's time).
    session_closed_next: str = text("outcome", "counselor", "when")
    session_closed_no_show: str = text("outcome", "counselor", "when")
    # Instead of followup_booked_youth when no reminder will come (the follow-up is too near).
    followup_booked_youth_no_reminder: str = text("when", "counselor")
    # Staff room, at a session's opening: its counselor is no longer in the config (removed
    # by a reload or restart), so they were not invited; a stand-in took over / nobody could.
    staff_counselor_removed_standin: str = text("ref", "counselor", "standin")
    staff_counselor_removed_none: str = text("ref", "counselor")
    # The same for a visit session (no stand-in chosen, none is at the office by rule): a
    # colleague must receive the youth. {form}: the form's label.
    staff_counselor_removed_form: str = text("ref", "counselor", "form")
    # Staff room, at the reload that removed the counselor of an upcoming visit (else with
    # its first reminder), once per visit: a colleague must take it over or have it moved;
    # how, with `!reply` and the youth's `verzet`. {when}: its time; {form}: the label.
    staff_visit_counselor_removed: str = text("ref", "counselor", "when", "form")
    # A phone session: {standin} makes the call (the number is in their DM, never here).
    # Nobody free: staff_counselor_removed_none.
    staff_counselor_removed_phone: str = text("ref", "counselor", "standin")
    # {counselor} of counselor_no_show_none when the counselor's name is no longer known.
    your_counselor: str = text()


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
    help_audit: str = text()
    help_away: str = text()
    help_back: str = text()
    help_claim: str = text()
    help_alerts: str = text()
    help_close: str = text()
    help_duty: str = text()
    # How arguments are shown in usage lines.
    arg_case: str = text()
    arg_outcome: str = text()
    arg_when: str = text()
    arg_text: str = text()
    arg_user: str = text()
    arg_days: str = text()
    arg_month: str = text()
    arg_line: str = text()
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
    # `!reload` (admins): the config file read again and applied, or refused.
    help_reload: str = text()
    # Applied. {added}/{removed}: counselors' names, or `reload_nobody`.
    reload_done: str = text("added", "removed")
    reload_nobody: str = text()
    # Upcoming bookings kept with counselors no longer in the config. {count}.
    reload_orphaned: str = text("count")
    # Changed keys that take effect only after a restart. {keys}.
    reload_restart: str = text("keys")
    # Refused: {problems} is the validation message (which key, which line, what expected).
    reload_refused: str = text("problems")
    # The bot runs without a config file it could read again.
    reload_unavailable: str = text()
    # An optional page number (`!cases 2`).
    arg_page: str = text()
    # `!reply #REF <text>` (bot/handlers/followup.py) and its arguments; `!followup`'s form.
    help_reply: str = text()
    arg_form: str = text()
    arg_ref: str = text()


class CrisisTexts(TextGroup):
    # The reply to a youth whose message has words of acute danger. {lines}: the
    # crisis.extra_lines, one per line (appended at the end when the placeholder is absent).
    reply: str = text("lines")
    # The urgent staff-room notice. Never contains the youth's words.
    staff_alert: str = text("ref", "category", "step")
    # {step} when the intake is over.
    no_step: str = text()
    # After the crisis reply: someone of the team is on duty now / nobody is (honest).
    someone_online: str = text()
    nobody_online: str = text()
    # A second hit within crisis.quiet_minutes: a short reply instead of the whole text.
    again_online: str = text()
    again_nobody: str = text()
    # A concern-tier message (ambiguous): the direct question, and the answer to "no".
    concern_question: str = text()
    concern_no: str = text()
    # Added to the staff alert: who is on duty now, and how to take the alert.
    alert_duty: str = text("names")
    alert_nobody: str = text()
    alert_claim_hint: str = text("ref")
    # Another hit on a case whose alert is still open. {hits}: how many in all.
    alert_again: str = text("ref", "category", "hits")
    # Nobody claimed the alert in time: to the staff room and admins, and to the youth.
    escalate_staff: str = text("ref", "category", "minutes")
    escalate_youth: str = text()
    # To the youth when a counselor claimed the alert.
    youth_coming: str = text("counselor")
    # `!claim`, `!alerts`, `!close`, `!duty` replies (the staff's default language).
    claim_won: str = text("ref")
    claim_taken: str = text("ref", "counselor")
    claim_closed: str = text("ref")
    claim_ref: str = text()
    no_alert: str = text("ref")
    alerts_none: str = text()
    alerts_title: str = text()
    alerts_item: str = text("ref", "category", "when", "state")
    state_open: str = text()
    state_claimed: str = text("counselor")
    closed: str = text("ref")
    duty_on: str = text()
    duty_off: str = text()
    duty_now: str = text("names")
    duty_nobody: str = text()
    duty_usage: str = text()


class RightsTexts(TextGroup):
    """The youth's rights in their DM: history, erasure, privacy."""

    # `geschiedenis`: heading, one item per session, the next appointment, or none.
    history_title: str = text()
    # {when}: date and time; {service}; {municipality}; {counselor}; {topic}; {outcome}.
    history_item: str = text("when", "service", "municipality", "counselor", "topic",
                             "outcome")
    # The outcome of a session that did not end yet / a topic or place not given.
    history_open: str = text()
    history_unknown: str = text()
    history_next: str = text("when", "counselor")
    history_none: str = text()
    # Under the history: how to get it as a file, how to be forgotten.
    history_hint: str = text()
    # `geschiedenis bestand`: with the files; when they could not be sent.
    history_file: str = text()
    history_file_failed: str = text()
    # `vergeet mij`: what will be erased, and the words that confirm ({confirm}).
    forget_ask: str = text("confirm")
    # After the confirmation; then once more if the session rooms could not be removed, or
    # that their removal from the homeserver is under way (it completes in the background).
    forget_done: str = text()
    forget_rooms_kept: str = text()
    forget_rooms_pending: str = text()
    # Anything but the confirmation after the question.
    forget_kept: str = text()
    # `privacy`: what is read and stored, and where the notice is ({url}).
    privacy: str = text("url")
    privacy_bot_stays: str = text("url")
    # `!audit` for admins: heading, one line per entry, or none.
    audit_title: str = text()
    audit_item: str = text("when", "action", "reason", "count")
    audit_empty: str = text()
    # Who did it (staff actions, e.g. a case read), after an audit line.
    audit_by: str = text("actor")


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
    # The privacy notice (`/privacy`) and the link to it on every page.
    privacy_link: str = text()
    privacy_title: str = text()
    privacy_intro: str = text(markup=True)
    privacy_who_h: str = text()
    privacy_who_p: str = text("controller", "dpo", markup=True)
    privacy_what_h: str = text()
    privacy_what_p: str = text(markup=True)
    privacy_read_h: str = text()
    privacy_read_p: str = text(markup=True)
    # Instead of `who` and `privacy_read_p` when the bot stays in session rooms.
    who_bot_stays: str = text(markup=True)
    privacy_read_p_bot_stays: str = text(markup=True)
    privacy_keep_h: str = text()
    privacy_keep_p: str = text("free_text_days", "case_months", "intake_days",
                               "account_months", markup=True)
    privacy_rights_h: str = text()
    privacy_rights_p: str = text(markup=True)
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
    # "Start de chat": the browser chat (/chat), offered first on the invite page.
    chat_p: str = text(markup=True)
    chat_btn: str = text()
    app_p: str = text(markup=True)


class ChatTexts(TextGroup):
    """The browser chat (`/chat`). Plain text only (the page sets them as text, never HTML)."""

    # The tab title: neutral on purpose (a shared phone, a parent looking over a shoulder).
    page_title: str = text()
    other_lang: str = text()
    quick_exit: str = text()
    quick_exit_label: str = text()
    crisis_btn: str = text()
    crisis_h: str = text()
    crisis_p: str = text()
    loading: str = text()
    rooms_label: str = text()
    room_bot: str = text()
    room_session: str = text()
    room_old: str = text()
    messages_label: str = text()
    composer_label: str = text()
    send: str = text()
    you: str = text()
    # {name}: the display name of who joined or left the room.
    joined: str = text("name")
    left: str = text("name")
    undecryptable: str = text()
    waiting_bot: str = text()
    account_h: str = text()
    account_p: str = text()
    show_code: str = text()
    code_user: str = text()
    code_pw: str = text()
    code_own_pw: str = text()
    choose_pw: str = text()
    new_pw: str = text("n")
    new_pw2: str = text()
    save_pw: str = text()
    pw_saved: str = text()
    pw_failed: str = text()
    pw_short: str = text("n")
    pw_mismatch: str = text()
    logout_btn: str = text()
    logout_confirm: str = text()
    logged_out: str = text()
    login_h: str = text()
    login_p: str = text()
    login_user: str = text()
    login_pw: str = text()
    login_btn: str = text()
    login_failed: str = text()
    no_session: str = text()
    error: str = text()
    offline: str = text()
    no_crypto: str = text()
    not_built: str = text()
    # In the page's <noscript>: the chat needs JavaScript.
    no_script: str = text()


class PosterTexts(TextGroup):
    """The A4 poster (scripts/make_posters.py), in the service's default language."""

    title: str = text()
    subtitle: str = text()
    facts: str = text()
    scan_hint: str = text()
    crisis_head: str = text()


class ReportTexts(TextGroup):
    """The monthly figures (`chathulp report`, `!report`), in the service's default language:
    headings, column names and chart titles a coordinator sends on as they are."""

    # Title of the PDF and the message. {period}: '2026-09' or '2026-09 – 2026-11'.
    title: str = text("period")
    # Under the title: how small numbers are hidden.
    privacy_note: str = text()
    # Breakdown names (CSV first column, chart titles).
    municipality: str = text()
    topic: str = text()
    age_band: str = text()
    language: str = text()
    campaign: str = text()
    outcome: str = text()
    crisis: str = text()
    total: str = text()
    unknown: str = text()
    # Metric names.
    metric: str = text()
    value: str = text()
    contacts: str = text()
    intakes: str = text()
    sessions_booked: str = text()
    sessions_held: str = text()
    no_show_youth: str = text()
    no_show_counselor: str = text()
    referrals_intake: str = text()
    referrals_session: str = text()
    crisis_alerts: str = text()
    sessions: str = text()
    alerts: str = text()
    claimed_within: str = text("minutes")
    followup_rate: str = text()
    wait_median: str = text()
    wait_p90: str = text()
    # A figure that cannot be given: too few youths, or not recorded.
    not_enough: str = text()
    not_recorded: str = text()
    # Waiting time. {days} {hours}.
    duration: str = text("days", "hours")
    # Chart titles. {what}: a breakdown name.
    chart_contacts_by: str = text("what")
    # `!report`.
    help: str = text()
    bad_month: str = text("text")
    sent: str = text("period")
    failed: str = text()
    # Referrals after a session by line of the directory (`!end referred <line>`).
    referral: str = text()
    referrals: str = text()


class CaseloadTexts(TextGroup):
    """`!cases` and `!case` in a counselor's DM with the bot (bot/handlers/caseload.py)."""

    # In `!help`, and the usage label of a page number.
    help_cases: str = text()
    help_case: str = text()
    # A page number that is not one.
    bad_page: str = text("text")
    # `!cases`: heading, one line per case, none. {alerts}: `cases_alerts` or nothing.
    cases_title: str = text("count", "page", "pages")
    cases_item: str = text("ref", "topic", "municipality", "last", "next", "alerts")
    cases_alerts: str = text("count")
    cases_none: str = text()
    # Under a page when there are more. {command}: e.g. '!cases 2'.
    more: str = text("command")
    # A value that is not known / not there (a topic not given, no next session).
    unknown: str = text()
    none: str = text()
    # `!case`: heading. {status}: one of the status_* texts; {counselor}: a name or `unknown`.
    case_title: str = text("ref", "status", "opened", "counselor", "topic", "municipality")
    status_intake: str = text()
    status_open: str = text()
    status_referred: str = text()
    status_closed: str = text()
    # The intake summary and the youth's own words.
    intake_title: str = text()
    story_label: str = text()
    # Sessions: held (with outcome), stand-in, not ended yet, missed, upcoming.
    sessions_title: str = text()
    session_item: str = text("when", "counselor", "outcome")
    standin: str = text("counselor")
    session_not_ended: str = text()
    session_missed: str = text()
    upcoming_item: str = text("when", "counselor")
    # Case notes (newest first), paged.
    notes_title: str = text("page", "pages")
    note_item: str = text("when", "counselor", "text")
    # Handovers. {state}: one of handover_*.
    handovers_title: str = text()
    handover_item: str = text("when", "counselor", "colleague", "state")
    handover_proposed: str = text()
    handover_accepted: str = text()
    handover_declined: str = text()
    # What the crisis net noted: alerts and concerns. {kind}: alert_acute/alert_concern;
    # {state}: alert_open / alert_claimed / alert_closed.
    alerts_title: str = text()
    alert_item: str = text("when", "kind", "category", "state", "hits")
    alert_acute: str = text()
    alert_concern: str = text()
    alert_open: str = text()
    alert_claimed: str = text("counselor")
    alert_closed: str = text()
    # A case command on a case of theirs that has no session yet.
    no_session: str = text("ref")
    # `!close` of an alert someone else claimed (on a case that is not the sender's).
    close_claimed: str = text("ref", "counselor")


class QueueTexts(TextGroup):
    """Choosing "now": the confirmation (no reminder comes for it) and the live queue while
    every fitting counselor on duty is busy. {place}: 1, 2, …; {estimate}: `estimate` or
    `no_estimate`; {minutes}: a number; {ref}: the case (staff room)."""

    # Booked "now": the room opens in a moment (the `session.room_ready` pointer follows).
    booked_now: str = text("counselor")
    # The offer's choice to wait for the first free counselor.
    offer_queue: str = text()
    joined: str = text("place", "estimate")
    place: str = text("place", "estimate")
    waiting: str = text("place", "estimate")
    estimate: str = text("minutes")
    no_estimate: str = text()
    # A counselor is free: the youth's turn (the room pointer follows).
    your_turn: str = text("counselor")
    # The youth chose to leave the queue (an offer of moments follows).
    left: str = text()
    # Waited `scheduling.queue_max_wait_minutes`: out of the queue, an offer follows.
    expired: str = text("minutes")
    # Staff room, case references only.
    staff_length: str = text("count")
    staff_expired: str = text("ref", "minutes")


class FollowupTexts(TextGroup):
    """Follow-up in the form that suits (chat, video, phone, visit) and messages between
    sessions. Youth texts in the youth's language; counselor texts in the default language."""

    # How a session takes place, as a short label (history, agenda, confirmations).
    form_chat: str = text()
    form_video: str = text()
    form_phone: str = text()
    form_visit: str = text("office")
    # Added to a booking confirmation, per form. {office} {address} {hours}: the office.
    booked_chat: str = text("counselor")
    booked_video: str = text("counselor")
    booked_phone: str = text("counselor")
    booked_visit: str = text("counselor", "office", "address", "hours")
    # The visit's where and when, without the counselor (no longer in the config).
    booked_visit_no_counselor: str = text("office", "address", "hours")
    # The youth's reminder of a video, phone (with or without a number given) or visit session.
    reminder_video: str = text("when", "counselor")
    reminder_phone: str = text("when", "counselor", "number")
    reminder_phone_no_number: str = text("when", "counselor")
    reminder_visit: str = text("when", "counselor", "office", "address")
    # The same when the booking's counselor is no longer in the config (removed by a reload or
    # restart): never named to the youth. The video and phone ones say what the opening does
    # (a free colleague, else new moments), as `reminder_no_counselor`.
    reminder_video_no_counselor: str = text("when")
    reminder_phone_no_counselor: str = text("when", "number")
    reminder_phone_no_number_no_counselor: str = text("when")
    # A visit: nobody is chosen to be at the office, so it promises nobody; it says the team
    # was asked (the staff room is told before it is sent) and what the youth can do.
    reminder_visit_no_counselor: str = text("when", "office", "address")
    # In the session room of a video session, once both are in. {url}: the call's link.
    call_link: str = text("url")
    # Instead, when video calls were switched off (no followup.video_url) after the booking.
    call_link_missing: str = text()
    # The youth's phone number (`nummer 0470 12 34 56`, `nummer wissen`).
    phone_saved: str = text("counselor", "number")
    # The same when the booking's counselor is no longer in the config (never named; the
    # number goes to nobody now — at the session's time to the colleague who steps in).
    phone_saved_no_counselor: str = text("number")
    phone_removed: str = text()
    phone_not_needed: str = text()
    phone_unreadable: str = text()
    # Under a booking confirmation: how to leave the counselor a message between sessions.
    message_hint: str = text("counselor")
    # `bericht <text>`: passed on; nothing typed; no counselor yet; too long; too many.
    message_sent: str = text("counselor")
    message_empty: str = text()
    message_no_counselor: str = text()
    message_too_long: str = text("max")
    message_limit: str = text("counselor")
    # `bericht` when the counselor it would go to is no longer in the config (removed by a
    # reload or restart): it went to the staff room, where any counselor may answer it / the
    # staff room does not exist yet (not passed on). {counselor} of message_limit: the_team.
    message_sent_team: str = text()
    message_team_unreachable: str = text()
    the_team: str = text()
    # The counselor's answer, in the youth's DM. {text}: their words.
    message_from_counselor: str = text("counselor", "text")
    # A line in the youth's history and the counselor's agenda: the form's label.
    history_form: str = text("form")
    # To the counselor (default language). {text}: the youth's words.
    staff_message: str = text("ref", "text")
    # The same in the staff room when its counselor is no longer in the config; {counselor}:
    # their Matrix id (never the youth's).
    staff_message_team: str = text("ref", "counselor", "text")
    staff_phone: str = text("ref", "when", "number")
    staff_reminder_phone: str = text("number")
    staff_reminder_phone_none: str = text()
    staff_form: str = text("form")
    reply_sent: str = text("ref")
    reply_unreachable: str = text("ref")
    reply_too_long: str = text("max")
    reply_needs_ref: str = text()
    # `!followup … video` without followup.video_url; a visit without (that) office.
    video_off: str = text()
    no_office: str = text()
    unknown_office: str = text("office", "offices")


class Texts(TextGroup):
    """Every text of one language. Top level: the bot's own texts in a youth's DM."""

    # The first message, before the intake's intro.
    greeting: str = text()
    # The same when the bot stays in session rooms (`session.bot_stays`).
    greeting_bot_stays: str = text()
    # In a room that is not encrypted (said once, then the bot is silent there).
    unencrypted_room: str = text()
    # The language of these three is not known yet: the defaults say it in Dutch and English.
    group_room: str = text()
    undecryptable: str = text()
    crash: str = text()
    # Why someone who is not staff was removed from the staff room (shown beside the removal).
    staff_room_only: str = text()
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
    # The same when its counselor is no longer in the config (never named). {form}: how it
    # takes place (followup.form_*).
    appointment_show_no_counselor: str = text("when", "form")
    appointment_none: str = text()
    cancelled: str = text()
    reminder: str = text("when", "counselor")
    # The same when the booking's counselor is no longer in the config (never named). What
    # the opening then does (bot/handlers/session_rooms.py `_counselor_removed`): a free
    # colleague steps in, else the youth is offered new moments — the text says both.
    reminder_no_counselor: str = text("when")
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
    # Staff room, operations: intake DMs of web sign-ups and session rooms the homeserver keeps
    # waiting (rate limits, down). {intakes} and {openings} counts, {minutes} the oldest's wait.
    staff_work_waiting: str = text("intakes", "openings", "minutes")
    # A youth writes while the service is closed (once per closed period). {when}: the next
    # opening ('morgen om 12:00'); {lines}: the directory's lines open day and night.
    closed_now: str = text("when", "lines")
    # The same when no opening is planned within a year (all days closed).
    closed_no_opening: str = text("lines")
    # The very first message when the intake asks the language first (the language is not
    # known yet): short, in every language the intake offers. `greeting` follows the choice.
    greeting_first: str = text()
    # Instead of `booked` when no reminder will come (a "now" or very near booking).
    booked_no_reminder: str = text("when", "counselor")

    intake: IntakeTexts
    session: SessionTexts
    commands: CommandTexts
    crisis: CrisisTexts
    web: WebTexts
    poster: PosterTexts
    rights: RightsTexts
    chat: ChatTexts
    report: ReportTexts
    caseload: CaseloadTexts
    queue: QueueTexts
    followup: FollowupTexts


GROUPS: dict[str, type[TextGroup]] = {
    "intake": IntakeTexts,
    "session": SessionTexts,
    "commands": CommandTexts,
    "crisis": CrisisTexts,
    "web": WebTexts,
    "poster": PosterTexts,
    "rights": RightsTexts,
    "chat": ChatTexts,
    "report": ReportTexts,
    "caseload": CaseloadTexts,
    "queue": QueueTexts,
    "followup": FollowupTexts,
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
