"""Config section 'session': the session room, no-show timers, outcomes and their texts.

Everything has a default, so the section may be left out. Texts exist per language; the built-in
nl/en blocks stay unless overridden, so a block given in part is completed from them. Every
language in `languages` must have every text, and every outcome a label in every language.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section, merge_language_defaults
from bot.config.crisis import check_placeholders
from bot.config.intake import answer_key

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class SessionOutcome(Section):
    """How a counselor can end a session (`!end <outcome>`)."""

    # Stored with the case and used in statistics. Lowercase letters, digits, '_' and '-'.
    id: str
    # Shown to youths and counselors, per language.
    label: dict[str, str]
    # Other words that also choose this outcome (any language; case/accent-insensitive).
    synonyms: list[str] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'done')")
        return v


class SessionTexts(Section):
    """Session texts in one language. {placeholders} are filled in by the bot."""

    # Name of the session room. {when}: short date and time ('15 dec 15:00').
    room_name: str
    # Topic of the session room. No placeholders: it must not reveal anyone's identity.
    room_topic: str
    # First message in the room, to youth and counselor. {counselor}: display name.
    greeting: str
    # Heading of the triage summary.
    summary_title: str
    # Label of the youth's own words in the summary.
    story_label: str
    # Under the summary when they talked before. {counselor}, {count}.
    earlier_sessions: str
    # Posted when both are in and the bot leaves the room.
    bot_leaves: str
    # To the youth when the counselor ends the session. {outcome}: its label; {counselor}.
    session_closed: str
    # To the youth when the counselor did not come and a colleague steps in.
    # {counselor}: who was booked; {standin}: who takes over.
    counselor_no_show_standin: str
    # To the youth when the counselor did not come and nobody can step in; new slots follow.
    counselor_no_show_none: str
    # To the counselor when the youth did not come. {ref}, {minutes}.
    youth_no_show: str
    # Follow-up booked. {when}, {counselor} (youth) / {when}, {ref} (counselor).
    followup_booked_youth: str
    followup_booked_counselor: str
    # The counselor is not free at the follow-up time. {when}.
    followup_busy: str
    # Handover. {counselor}: current counselor; {colleague}: proposed one; {ref}.
    handover_question: str
    handover_asked: str
    # Counselor replies added with the command surface: a session already ended; the youth
    # already has a next appointment; absences noted ({first}, {last}: dates); back.
    already_ended: str
    followup_youth_booked: str
    away_noted: str
    back_noted: str
    back_not_away: str
    handover_accepted: str
    handover_declined: str
    # Confirmations to the counselor. {ref}, {outcome}.
    ended: str
    note_saved: str
    # Counselor command help.
    help: str
    # Agenda (`!agenda`). {when}, {ref}.
    agenda_title: str
    agenda_item: str
    agenda_empty: str
    # Errors to the counselor.
    unknown_command: str
    unknown_case: str  # {ref}
    not_your_case: str  # {ref}
    which_case: str  # {refs}: the counselor's open cases
    no_case: str
    which_outcome: str  # {outcomes}: the valid ones
    unknown_outcome: str  # {text}: what was typed; {outcomes}: the valid ones
    bad_time: str  # {text}: what was typed; {examples}
    bad_user: str
    unknown_colleague: str  # {colleague}


# Which placeholders each text may use (none of them is required).
PLACEHOLDERS: dict[str, set[str]] = {
    "room_name": {"when"},
    "room_topic": set(),
    "greeting": {"counselor"},
    "summary_title": set(),
    "story_label": set(),
    "earlier_sessions": {"counselor", "count"},
    "bot_leaves": {"counselor"},
    "session_closed": {"outcome", "counselor"},
    "counselor_no_show_standin": {"counselor", "standin"},
    "counselor_no_show_none": {"counselor"},
    "youth_no_show": {"ref", "minutes", "when"},
    "followup_booked_youth": {"when", "counselor"},
    "followup_booked_counselor": {"when", "ref"},
    "followup_busy": {"when"},
    "handover_question": {"counselor", "colleague"},
    "handover_asked": {"counselor", "colleague", "ref"},
    "already_ended": {"ref"},
    "followup_youth_booked": {"ref"},
    "away_noted": {"first", "last"},
    "back_noted": set(),
    "back_not_away": set(),
    "handover_accepted": {"counselor", "colleague", "ref"},
    "handover_declined": {"counselor", "colleague", "ref"},
    "ended": {"ref", "outcome"},
    "note_saved": {"ref"},
    "help": {"outcomes"},
    "agenda_title": set(),
    "agenda_item": {"when", "ref"},
    "agenda_empty": set(),
    "unknown_command": set(),
    "unknown_case": {"ref"},
    "not_your_case": {"ref"},
    "which_case": {"refs"},
    "no_case": set(),
    "which_outcome": {"outcomes"},
    "unknown_outcome": {"text", "outcomes"},
    "bad_time": {"text", "examples"},
    "bad_user": set(),
    "unknown_colleague": {"colleague"},
}

_HELP_NL = (
    "Commando's (in dit gesprek met mij; #CODE is optioneel als je maar één lopend dossier "
    "hebt, bv. #K7Q-4MX):\n"
    "• !end <uitkomst> [#CODE]: gesprek afsluiten. Uitkomsten: {outcomes}\n"
    "• !followup <wanneer> [#CODE]: vervolggesprek boeken, bv. !followup di 15:00, "
    "!followup 15/12 15:00 of !followup volgende week\n"
    "• !note [#CODE] <tekst>: notitie bij het dossier\n"
    "• !handover @collega:server [#CODE]: voorstellen dat een collega overneemt\n"
    "• !agenda: je komende gesprekken\n"
    "• !away <dag> [<dag>] / !back: afwezigheid melden / terug\n"
    "• !help: dit overzicht"
)
_HELP_EN = (
    "Commands (here, in your chat with me; #CODE is optional when you have only one open "
    "case, e.g. #K7Q-4MX):\n"
    "• !end <outcome> [#CODE]: end the session. Outcomes: {outcomes}\n"
    "• !followup <when> [#CODE]: book a follow-up, e.g. !followup tue 15:00, "
    "!followup 15/12 15:00 or !followup next week\n"
    "• !note [#CODE] <text>: add a note to the case\n"
    "• !handover @colleague:server [#CODE]: propose that a colleague takes over\n"
    "• !agenda: your upcoming sessions\n"
    "• !away <day> [<day>] / !back: report an absence / being back\n"
    "• !help: this overview"
)

DEFAULT_TEXTS_DATA: dict[str, dict[str, str]] = {
    "nl": {
        "room_name": "Gesprek {when}",
        "room_topic": "Privégesprek, end-to-end versleuteld.",
        "greeting": "Hoi, welkom! Dit is je gesprek met {counselor}. Hieronder staat kort wat "
                    "je ons al vertelde, zodat je het niet opnieuw hoeft uit te leggen.",
        "summary_title": "Wat je ons al vertelde",
        "story_label": "In je eigen woorden",
        "earlier_sessions": "Eerdere gesprekken met {counselor}: {count}",
        "bot_leaves": "Jullie zijn er allebei. Ik laat jullie nu alleen: vanaf nu kunnen "
                      "enkel jullie twee dit gesprek lezen.",
        "session_closed": "Het gesprek is afgesloten ({outcome}). Dankjewel dat je met ons "
                          "praatte! Wil je later nog eens praten? Stuur me gewoon een bericht.",
        "counselor_no_show_standin": "Het spijt me: {counselor} kan er helaas niet bij zijn. "
                                     "{standin} neemt het over en komt zo bij je in dit "
                                     "gesprek.",
        "counselor_no_show_none": "Het spijt me echt: {counselor} kan er helaas niet bij zijn, "
                                  "en er is nu niemand anders vrij. Dat ligt niet aan jou. "
                                  "Ik stuur je meteen een paar nieuwe momenten, kies er "
                                  "gerust eentje.",
        "youth_no_show": "De jongere van {ref} is na {minutes} minuten nog niet in het gesprek. "
                         "Nog even wachten mag; afsluiten kan met !end no-show #{ref}.",
        "followup_booked_youth": "Er staat een nieuw gesprek met {counselor} voor je klaar: "
                                 "{when}. Ik stuur je vooraf nog een herinnering.",
        "followup_booked_counselor": "Vervolggesprek voor {ref} geboekt: {when}.",
        "followup_busy": "Op {when} ben je niet vrij (of het valt buiten je werkuren). Kies "
                         "een ander moment.",
        "handover_question": "{counselor} stelt voor dat {colleague} je verder helpt. Is dat "
                             "goed? Antwoord ja of nee.",
        "handover_asked": "Ik heb de jongere van {ref} gevraagd of {colleague} mag overnemen. "
                          "Je hoort het antwoord hier.",
        "already_ended": "Het gesprek van {ref} is al afgesloten.",
        "followup_youth_booked": "De jongere van {ref} heeft al een volgende afspraak.",
        "away_noted": "Genoteerd: afwezig van {first} tot en met {last}. Er worden dan geen "
                      "gesprekken met jou geboekt.",
        "back_noted": "Welkom terug! Je bent weer boekbaar.",
        "back_not_away": "Je stond niet als afwezig genoteerd.",
        "handover_accepted": "Afgesproken: {colleague} neemt het vanaf nu over van "
                             "{counselor}.",
        "handover_declined": "Geen overdracht: {counselor} blijft de vaste hulpverlener.",
        "ended": "{ref} is afgesloten: {outcome}.",
        "note_saved": "Notitie bij {ref} bewaard.",
        "help": _HELP_NL,
        "agenda_title": "Je komende gesprekken:",
        "agenda_item": "{when}: {ref}",
        "agenda_empty": "Je hebt geen gesprekken gepland.",
        "unknown_command": "Dat commando ken ik niet. Typ !help voor het overzicht.",
        "unknown_case": "Ik vind geen dossier {ref}. Kijk de code nog eens na (bv. #K7Q-4MX).",
        "not_your_case": "{ref} is niet jouw dossier.",
        "which_case": "Je hebt meer dan één lopend dossier ({refs}). Zet de code erbij, "
                      "bv. #K7Q-4MX.",
        "no_case": "Je hebt nu geen lopend dossier. Zet de code erbij, bv. #K7Q-4MX.",
        "which_outcome": "Met welke uitkomst sluit je af? Kies uit: {outcomes}.",
        "unknown_outcome": "'{text}' ken ik niet als uitkomst. Kies uit: {outcomes}.",
        "bad_time": "'{text}' kon ik niet lezen als tijdstip. Bijvoorbeeld: {examples}.",
        "bad_user": "Geef de Matrix-id van je collega, bv. !handover @an:voorbeeld.be.",
        "unknown_colleague": "{colleague} staat niet in de lijst van hulpverleners.",
    },
    "en": {
        "room_name": "Chat {when}",
        "room_topic": "Private chat, end-to-end encrypted.",
        "greeting": "Hi, welcome! This is your chat with {counselor}. Below is a short "
                    "summary of what you told us, so you don't have to explain it again.",
        "summary_title": "What you told us so far",
        "story_label": "In your own words",
        "earlier_sessions": "Earlier chats with {counselor}: {count}",
        "bot_leaves": "You're both here. I'll leave you to it now: from now on only the two "
                      "of you can read this chat.",
        "session_closed": "The chat has been closed ({outcome}). Thank you for talking to us! "
                          "Want to talk again later? Just send me a message.",
        "counselor_no_show_standin": "I'm sorry: {counselor} unfortunately can't be here. "
                                     "{standin} is taking over and will join you in this chat "
                                     "shortly.",
        "counselor_no_show_none": "I'm really sorry: {counselor} unfortunately can't be here, "
                                  "and nobody else is free right now. It's not your fault. "
                                  "I'll send you a few new times right away, feel free to "
                                  "pick one.",
        "youth_no_show": "The young person of {ref} has not joined after {minutes} minutes. "
                         "You may wait a little longer; to close, use !end no-show #{ref}.",
        "followup_booked_youth": "A new chat with {counselor} is booked for you: {when}. "
                                 "I'll send you a reminder before it.",
        "followup_booked_counselor": "Follow-up for {ref} booked: {when}.",
        "followup_busy": "You are not free at {when} (or it is outside your working hours). "
                         "Please pick another time.",
        "handover_question": "{counselor} suggests that {colleague} helps you from now on. Is "
                             "that okay? Answer yes or no.",
        "handover_asked": "I asked the young person of {ref} whether {colleague} may take "
                          "over. You'll hear the answer here.",
        "already_ended": "The session of {ref} is already closed.",
        "followup_youth_booked": "The young person of {ref} already has a next appointment.",
        "away_noted": "Noted: away from {first} up to and including {last}. No sessions "
                      "will be booked with you then.",
        "back_noted": "Welcome back! You can be booked again.",
        "back_not_away": "You were not marked as away.",
        "handover_accepted": "Agreed: from now on {colleague} takes over from {counselor}.",
        "handover_declined": "No handover: {counselor} stays the regular counselor.",
        "ended": "{ref} is closed: {outcome}.",
        "note_saved": "Note added to {ref}.",
        "help": _HELP_EN,
        "agenda_title": "Your upcoming sessions:",
        "agenda_item": "{when}: {ref}",
        "agenda_empty": "You have no sessions planned.",
        "unknown_command": "I don't know that command. Type !help for the overview.",
        "unknown_case": "I can't find case {ref}. Please check the code (e.g. #K7Q-4MX).",
        "not_your_case": "{ref} is not one of your cases.",
        "which_case": "You have more than one open case ({refs}). Please add the code, "
                      "e.g. #K7Q-4MX.",
        "no_case": "You have no open case right now. Please add the code, e.g. #K7Q-4MX.",
        "which_outcome": "Which outcome? Choose from: {outcomes}.",
        "unknown_outcome": "I don't know '{text}' as an outcome. Choose from: {outcomes}.",
        "bad_time": "I could not read '{text}' as a time. For example: {examples}.",
        "bad_user": "Please give your colleague's Matrix id, e.g. !handover @an:example.org.",
        "unknown_colleague": "{colleague} is not on the list of counselors.",
    },
}


def _outcome(oid: str, nl: str, en: str, synonyms: list[str]) -> dict[str, Any]:
    return {"id": oid, "label": {"nl": nl, "en": en}, "synonyms": synonyms}


DEFAULT_OUTCOMES_DATA: list[dict[str, Any]] = [
    _outcome("done", "afgerond", "done",
             ["klaar", "afgesloten", "geholpen", "ok", "finished", "closed", "complete",
              "completed", "helped"]),
    _outcome("follow-up", "vervolggesprek", "follow-up",
             ["followup", "follow up", "vervolg", "opvolging", "nog een gesprek",
              "nieuw gesprek", "next session"]),
    _outcome("referred", "doorverwezen", "referred",
             ["doorverwijzing", "doorverwijzen", "verwezen", "referral", "refer",
              "referred to"]),
    _outcome("no-show", "niet opgedaagd", "no-show",
             ["noshow", "no show", "niet gekomen", "niet komen opdagen", "afwezig",
              "did not show", "didn't show", "not shown"]),
]


class SessionConfig(Section):
    # False (default): the bot leaves the session room once youth and counselor are both in,
    # so only their devices hold the room's keys. True: the bot stays (e.g. for a pilot).
    bot_stays: bool = False
    # Minutes after the start at which a missing counselor gets a stand-in.
    counselor_no_show_minutes: int = Field(default=5, ge=1, le=120)
    # Minutes after the start at which the counselor is told the youth has not come.
    youth_no_show_minutes: int = Field(default=10, ge=1, le=120)
    # A session room is still opened this many minutes after the booked start (after the bot
    # was down at that time); later, the youth gets an apology and new slots instead.
    opening_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # Languages every text and outcome label must exist in. The first is the fallback.
    languages: list[str] = ["nl", "en"]
    outcomes: list[SessionOutcome] = Field(
        default_factory=lambda: [SessionOutcome.model_validate(o) for o in DEFAULT_OUTCOMES_DATA]
    )
    texts: dict[str, SessionTexts] = Field(
        default_factory=lambda: {
            k: SessionTexts.model_validate(v) for k, v in DEFAULT_TEXTS_DATA.items()
        }
    )

    @model_validator(mode="before")
    @classmethod
    def _complete_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and "texts" in data:
            data = {**data, "texts": merge_language_defaults(data["texts"], DEFAULT_TEXTS_DATA)}
        return data

    @model_validator(mode="after")
    def _check(self) -> SessionConfig:
        problems = validate_session(self)
        if problems:
            raise ValueError("a complete session section, but: " + "; ".join(problems))
        return self

    def text(self, language: str | None) -> SessionTexts:
        """The texts of `language`, falling back to the first of `languages`."""
        return self.texts.get(language or "") or self.texts[self.languages[0]]

    def lang(self, language: str | None) -> str:
        return language if language in self.texts else self.languages[0]

    def outcome(self, outcome_id: str) -> SessionOutcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)


def validate_session(cfg: SessionConfig) -> list[str]:
    """Every problem of the section, each naming the text/outcome/language concerned."""
    problems: list[str] = []
    langs = cfg.languages
    if not langs:
        problems.append("'languages' lists no language")
    if len(set(langs)) != len(langs):
        problems.append("'languages' lists a language twice")
    for lang in langs:
        if lang not in cfg.texts:
            problems.append(f"'texts' has no '{lang}' block")
    for lang, block in cfg.texts.items():
        for name, allowed in PLACEHOLDERS.items():
            value = getattr(block, name)
            if not value:
                problems.append(f"texts.{lang}.{name} is empty")
                continue
            try:
                check_placeholders(f"texts.{lang}.{name}", value, allowed)
            except ValueError as exc:
                problems.append(str(exc))
    if not cfg.outcomes:
        problems.append("'outcomes' has no outcome")
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for outcome in cfg.outcomes:
        where = f"outcome '{outcome.id}'"
        if outcome.id in seen:
            problems.append(f"outcome id '{outcome.id}' is used twice (ids must be unique)")
        seen.add(outcome.id)
        gaps = [lang for lang in langs if not outcome.label.get(lang)]
        if gaps:
            problems.append(f"{where} label has no text in {', '.join(repr(g) for g in gaps)}")
        for word in sorted({outcome.id, *outcome.label.values(), *outcome.synonyms}):
            key = answer_key(word)
            if not key:
                continue
            other = keys.get(key)
            if other is not None and other != outcome.id:
                problems.append(f"'{word}' would choose both outcome '{other}' and "
                                f"'{outcome.id}'")
            keys[key] = outcome.id
    return problems
