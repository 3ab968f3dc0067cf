"""Config section 'referrals': the directory of helplines the bot and counselors refer to.

Each line has an id (what config and `!end referred <line>` use), a name, a number and/or a
chat or website, opening hours and what it is for, per language. The bot names lines from
here: when a youth is outside the age range or a topic the service does not cover (intake
options' `refer_to`), when a youth from outside the region is helped anyway, in the crisis
reply (`crisis`), and when the service is closed (the lines with `always_open`).

The built-in lines are Flemish services; their numbers and sites were checked against the
services' own pages and the background documents (docs in README, "Referral directory").
A line whose details are not certain is left out rather than guessed.

`check_referrals(config)` lists every reference to a line that the directory does not have,
with its key path, for `chathulp check-config` (kept apart from other cross-reference checks).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")

Localised = dict[str, str]


class ReferralLine(Section):
    """One helpline of the directory."""

    # Used in config (refer_to, crisis) and by counselors: `!end referred druglijn`.
    id: str
    # Its name per language (one text for every language is fine: {nl: X, en: X}).
    name: Localised
    # A number to call, as it is dialled ('102', '078 15 10 20'); may be empty.
    phone: str = ""
    # A chat or website address ('awel.be'); may be empty (but not both with phone).
    chat: str = ""
    # When it can be reached, per language ('dag en nacht').
    hours: Localised = {}
    # What it is for, per language ('drank, drugs, gokken en gamen').
    topics: Localised = {}
    # True: reachable day and night; named when the service itself is closed.
    always_open: bool = False
    # Other words a counselor may type after `!end referred` ('drugs', 'de druglijn').
    synonyms: list[str] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'druglijn')")
        return v

    @model_validator(mode="after")
    def _reachable(self) -> ReferralLine:
        if not self.phone and not self.chat:
            raise ValueError(f"line '{self.id}' to have a phone number or a chat/website")
        if not any(self.name.values()):
            raise ValueError(f"line '{self.id}' to have a name")
        return self


def _line(lid: str, name: str | tuple[str, str], phone: str, chat: str, hours: tuple[str, str],
          topics: tuple[str, str], *, always_open: bool = False,
          synonyms: list[str] | None = None) -> dict[str, Any]:
    nl, en = (name, name) if isinstance(name, str) else name
    return {"id": lid, "name": {"nl": nl, "en": en}, "phone": phone, "chat": chat,
            "hours": {"nl": hours[0], "en": hours[1]},
            "topics": {"nl": topics[0], "en": topics[1]},
            "always_open": always_open, "synonyms": synonyms or []}


# Numbers and sites: 1813 and 1712 from the OHUP list (background documents); Awel 102 and
# Tele-Onthaal 106 as the brief names them; the sites, Lumi's and the Druglijn's numbers from
# the services' own public pages. Hours are only given where the service says so plainly
# ("dag en nacht"); otherwise the youth is pointed at the site, which is always current.
DEFAULT_LINES: list[dict[str, Any]] = [
    _line("112", ("Noodnummer", "Emergency number"), "112", "",
          ("dag en nacht", "day and night"),
          ("als je in acuut gevaar bent", "when you are in acute danger"),
          always_open=True, synonyms=["noodnummer", "nood", "emergency", "ambulance"]),
    _line("zelfmoordlijn", "Zelfmoordlijn", "1813", "zelfmoord1813.be",
          ("bellen kan dag en nacht, gratis; chatten 's avonds",
           "call day and night, free; chat in the evening"),
          ("als je aan zelfmoord denkt, of je zorgen maakt om iemand",
           "when you think about suicide, or worry about someone"),
          always_open=True, synonyms=["1813", "zelfmoord", "suicide", "zelfmoordlijn 1813"]),
    _line("tele-onthaal", "Tele-Onthaal", "106", "tele-onthaal.be",
          ("dag en nacht, anoniem", "day and night, anonymous"),
          ("een luisterend oor voor iedereen, met elke vraag",
           "someone who listens, for anyone, with any question"),
          always_open=True, synonyms=["106", "teleonthaal"]),
    _line("awel", "Awel", "102", "awel.be",
          ("gratis; de uren staan op awel.be", "free; the hours are on awel.be"),
          ("voor kinderen en jongeren, met elke vraag",
           "for children and young people, with any question"),
          synonyms=["102"]),
    _line("1712", "Hulplijn 1712", "1712", "1712.be",
          ("gratis; de uren staan op 1712.be", "free; the hours are on 1712.be"),
          ("bij vragen over geweld, misbruik en kindermishandeling",
           "for questions about violence, abuse and child abuse"),
          synonyms=["hulplijn 1712", "geweld", "violence"]),
    _line("druglijn", "De Druglijn", "078 15 10 20", "druglijn.be",
          ("de uren staan op druglijn.be", "the hours are on druglijn.be"),
          ("drank, drugs, pillen, gokken en gamen",
           "alcohol, drugs, pills, gambling and gaming"),
          synonyms=["de druglijn", "drugs", "alcohol"]),
    _line("lumi", "Lumi", "0800 99 533", "lumi.be",
          ("gratis; de uren staan op lumi.be", "free; the hours are on lumi.be"),
          ("bij vragen over gender en seksuele voorkeur",
           "for questions about gender and sexual orientation"),
          synonyms=["holebi", "lgbt", "gender"]),
    _line("clb", "CLBch@t", "", "clbchat.be",
          ("tijdens de openingsuren op clbchat.be", "during the opening hours on clbchat.be"),
          ("voor leerlingen (en ouders) met vragen over school, studies, gezondheid en hoe je "
           "je voelt", "for pupils (and parents) with questions about school, studies, "
           "health and how you feel"),
          synonyms=["clbchat", "clb chat", "centrum voor leerlingenbegeleiding"]),
    _line("caw", ("CAW (en het JAC, voor jongeren)", "CAW (and the JAC, for young people)"),
          "", "caw.be",
          ("op caw.be vind je het CAW en het JAC in je eigen gemeente, met hun uren",
           "on caw.be you find the CAW and the JAC in your own municipality, with their hours"),
          ("hulp bij vragen en problemen over alles wat je bezighoudt",
           "help with questions and problems about anything on your mind"),
          synonyms=["jac", "caw online", "jac online", "centrum algemeen welzijnswerk"]),
    _line("nupraatikerover", "Nupraatikerover", "", "nupraatikerover.be",
          ("de uren staan op nupraatikerover.be", "the hours are on nupraatikerover.be"),
          ("voor minderjarigen met vragen over seksueel misbruik",
           "for under-18s with questions about sexual abuse"),
          synonyms=["nu praat ik erover", "seksueel misbruik"]),
]

# Lines of the crisis reply ({lines} of `crisis.reply`), after the emergency number there.
DEFAULT_CRISIS = ["zelfmoordlijn", "awel", "tele-onthaal", "1712"]


class ReferralsConfig(Section):
    # The helplines, in the order they are listed to a youth.
    lines: list[ReferralLine] = Field(
        default_factory=lambda: [ReferralLine.model_validate(v) for v in DEFAULT_LINES]
    )
    # The line ids listed in the crisis reply ({lines}); crisis.extra_lines follow them.
    crisis: list[str] = Field(default_factory=lambda: list(DEFAULT_CRISIS))

    @model_validator(mode="after")
    def _unique(self) -> ReferralsConfig:
        seen: set[str] = set()
        for line in self.lines:
            if line.id in seen:
                raise ValueError(f"line ids to be unique ('{line.id}' is listed twice)")
            seen.add(line.id)
        return self

    def line(self, line_id: str) -> ReferralLine | None:
        return next((ln for ln in self.lines if ln.id == line_id), None)

    @property
    def ids(self) -> list[str]:
        return [ln.id for ln in self.lines]

    def always_open(self) -> list[ReferralLine]:
        return [ln for ln in self.lines if ln.always_open]


def check_referrals(config: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Every reference to a line the directory does not have: (key path, what is expected).

    `config` is the root `Config`. Looks at `referrals.crisis` and every intake option's
    `refer_to`. Also names a directory line without a name in one of the intake's languages.
    """
    directory = config.referrals
    known = directory.ids
    shown = ", ".join(known) or "none"
    problems: list[tuple[tuple[str | int, ...], str]] = []

    def unknown(loc: tuple[str | int, ...], line_id: str) -> None:
        problems.append((loc, f"expected a line id of 'referrals.lines' ({shown}); "
                              f"'{line_id}' is not one"))

    for i, line_id in enumerate(directory.crisis):
        if directory.line(line_id) is None:
            unknown(("referrals", "crisis", i), line_id)
    for s, step in enumerate(config.intake.steps):
        for o, option in enumerate(step.options):
            for r, line_id in enumerate(option.refer_to):
                if directory.line(line_id) is None:
                    unknown(("intake", "steps", s, "options", o, "refer_to", r), line_id)
    for n, line in enumerate(directory.lines):
        gaps = [lang for lang in config.intake.languages if not line.name.get(lang)]
        if gaps:
            problems.append((("referrals", "lines", n, "name"),
                             f"expected a name in {', '.join(repr(g) for g in gaps)}"))
    return problems
