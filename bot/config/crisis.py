"""Config section 'crisis': words of acute danger, the crisis reply and the staff alert.

The defaults (used when the section is left out) are Dutch and English phrases for suicide,
self-harm, abuse and acute danger, and the Flemish crisis lines.
"""

from __future__ import annotations

import re
import string

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section
from bot.domain.crisis import compact

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_MIN_KEY = 4
_ALERT_FIELDS = {"ref", "category", "step"}


class CrisisCategory(Section):
    # How the category is named in the staff alert.
    label: str
    # language -> phrases. All languages are checked on every message.
    phrases: dict[str, list[str]]


class CrisisLine(Section):
    name: str
    contact: str  # a number or an address
    note: dict[str, str] = {}  # per language, e.g. opening hours; optional


DEFAULT_CATEGORIES: dict[str, dict[str, object]] = {
    "suicide": {
        "label": "zelfmoordgedachten",
        "phrases": {
            "nl": [
                "zelfmoord", "zelfdoding", "suïcide", "suicidaal", "zelfmoort", "selfmoord",
                "ik wil dood", "wil dood", "wil echt dood", "wil ik dood", "ik wil doodgaan",
                "wil ik niet meer leven", "wil ik er niet meer zijn",
                "ik wil sterven", "wil niet meer leven", "ik wil niet meer leven",
                # Short cores, so that inserted words ("ik wil echt niet meer leven") still hit.
                "niet meer leven", "niet meer willen leven", "dood willen", "dood wil",
                "niet meer verder willen", "mijn leven niet meer", "echt dood", "dood gaan",
                "wil niet meer wakker worden", "ik wil er niet meer zijn",
                "er een eind aan maken", "er een einde aan maken", "een eind aan mijn leven",
                "een einde aan mijn leven", "mijn leven beëindigen", "mezelf van kant maken",
                "mezelf ophangen", "me ophangen", "mezelf doden", "mezelf vermoorden",
                "voor de trein springen", "voor een trein springen", "van een brug springen",
                "was ik maar dood", "wou dat ik dood was", "beter af zonder mij",
                "liever dood", "ik zie het niet meer zitten", "geen zin meer om te leven",
                "pillen nemen om dood te gaan", "overdosis nemen",
            ],
            "en": [
                "suicide", "suicidal", "kill myself", "killing myself", "want to die",
                "wanna die", "suiside", "suiscide", "sucide", "want to be dead",
                "wish i was dead", "wish i were dead",
                "end my life", "end it all", "take my own life", "dont want to live",
                "don't want to live", "do not want to live", "no reason to live",
                "live anymore", "to be alive anymore", "want to be alive", "kill me",
                "better off dead", "better off without me", "hang myself",
                "unalive myself", "unalive", "sewerslide", "jump off a bridge",
                "overdose on pills",
            ],
        },
    },
    "self-harm": {
        "label": "zelfbeschadiging",
        "phrases": {
            "nl": [
                "mezelf snijden", "ik snij mezelf", "ik snijd mezelf", "snij in mezelf",
                "mezelf krassen", "ik kras mezelf", "mezelf pijn doen", "ik doe mezelf pijn",
                "mezelf iets aandoen", "mezelf verwonden", "mezelf branden", "mezelf slaan",
                "zelfbeschadiging", "zelfverwonding", "automutilatie",
            ],
            "en": [
                "cut myself", "cutting myself", "self harm", "selfharm", "self-harm",
                "self injury", "hurt myself", "hurting myself", "burn myself",
                "burning myself",
            ],
        },
    },
    "abuse": {
        "label": "misbruik of geweld",
        "phrases": {
            "nl": [
                "ik word misbruikt", "word misbruikt", "werd misbruikt", "ben misbruikt",
                "seksueel misbruik", "misbruikt door", "ik word geslagen", "word geslagen",
                "hij slaat me", "hij slaat mij", "zij slaat me", "ze slaat me",
                "ze slaan me", "slaat me elke dag", "mijn vader slaat", "mijn papa slaat",
                "mijn moeder slaat", "mijn mama slaat", "hij schopt me", "ik word mishandeld",
                "word mishandeld", "verkracht", "verkrachting", "aangerand", "aanranding",
                "hij betast me", "ongewenst aangeraakt", "dwingt me tot seks",
                "moet seks hebben met", "incest", "loverboy",
            ],
            "en": [
                "being abused", "i am abused", "i'm abused", "abused me", "abusing me",
                "sexually abused", "sexual abuse", "he hits me", "she hits me",
                "they hit me", "hits me every day", "beats me", "beating me", "was raped",
                "raped me", "got raped", "rape me", "sexually assaulted", "sexual assault",
                "molested", "touches me", "forced me to have sex", "forces me to have sex",
                "groomed",
            ],
        },
    },
    "danger": {
        "label": "acuut gevaar",
        "phrases": {
            "nl": [
                "niet veilig thuis", "ik ben niet veilig", "ik voel me niet veilig thuis",
                "ik ben in gevaar", "in levensgevaar", "hij gaat me vermoorden",
                "ze gaan me vermoorden", "wil me vermoorden", "wil me doden",
                "bedreigd met een mes", "heeft een mes", "ik ben opgesloten",
                "sluit me op", "ik durf niet naar huis", "durf niet meer naar huis",
            ],
            "en": [
                "not safe at home", "i am not safe", "i'm not safe", "im not safe",
                "i am in danger", "i'm in danger", "going to kill me", "gonna kill me",
                "wants to kill me", "threatened to kill", "has a knife", "has a gun",
                "locked me in", "afraid to go home", "scared to go home",
            ],
        },
    },
}

DEFAULT_LINES: list[dict[str, object]] = [
    {
        "name": "Hulplijn 1712",
        "contact": "1712",
        "note": {
            "nl": "geweld, misbruik en kindermishandeling, gratis",
            "en": "violence, abuse and child abuse, free",
        },
    },
    {
        "name": "113 Zelfmoordpreventie",
        "contact": "113 / 0800-0113",
        "note": {"nl": "Nederland, dag en nacht", "en": "the Netherlands, day and night"},
    },
]

class CrisisConfig(Section):
    # Category id -> staff label and phrases per language. Phrases are matched generously
    # (case, accents, leetspeak, spacing and punctuation tricks, repeated letters).
    categories: dict[str, CrisisCategory] = Field(
        default_factory=lambda: {
            k: CrisisCategory.model_validate(v) for k, v in DEFAULT_CATEGORIES.items()
        }
    )
    # Phrases of 7+ letters also match with one letter missing or two letters swapped.
    typo_tolerance: bool = True
    # Older form of `texts.<language>.crisis.reply` (the reply to the youth; {lines}: the
    # extra_lines below). Still accepted as an override of the text catalogue.
    reply: dict[str, str] = {}
    extra_lines: list[CrisisLine] = Field(
        default_factory=lambda: [CrisisLine.model_validate(v) for v in DEFAULT_LINES]
    )
    # Older form of `texts.<default_language>.crisis.staff_alert` / `.no_step` (the staff
    # alert never contains the youth's words). Still accepted as catalogue overrides.
    staff_alert: str | None = None
    no_step: str | None = None

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: dict[str, CrisisCategory]) -> dict[str, CrisisCategory]:
        problems: list[str] = []
        if not v:
            problems.append("at least one category")
        for cat_id, cat in v.items():
            if not _ID.match(cat_id):
                problems.append(f"category id '{cat_id}' of lowercase letters, digits, '_', '-'")
            if not any(cat.phrases.values()):
                problems.append(f"category '{cat_id}' to have at least one phrase")
            for lang, phrases in cat.phrases.items():
                for phrase in phrases:
                    if len(compact(phrase)) < _MIN_KEY:
                        problems.append(
                            f"category '{cat_id}' {lang} phrase '{phrase}' to have at least "
                            f"{_MIN_KEY} letters (shorter ones match inside ordinary words)"
                        )
        if problems:
            raise ValueError("; ".join(problems))
        return v

    @field_validator("reply")
    @classmethod
    def _reply(cls, v: dict[str, str]) -> dict[str, str]:
        if not all(v.values()):
            raise ValueError("a non-empty reply text per language given")
        for lang, text in v.items():
            _check_placeholders(f"reply.{lang}", text, {"lines"})
        return v

    @field_validator("staff_alert")
    @classmethod
    def _alert(cls, v: str | None) -> str | None:
        if v is not None:
            _check_placeholders("staff_alert", v, _ALERT_FIELDS)
        return v

    def text_overrides(self, default_language: str) -> dict[str, dict[str, str]]:
        """The older crisis text keys as catalogue overrides (language -> crisis group)."""
        out: dict[str, dict[str, str]] = {lang: {"reply": t} for lang, t in self.reply.items()}
        for key in ("staff_alert", "no_step"):
            value = getattr(self, key)
            if value:
                out.setdefault(default_language, {})[key] = value
        return out

    @model_validator(mode="after")
    def _languages(self) -> CrisisConfig:
        for line in self.extra_lines:
            if not line.name or not line.contact:
                raise ValueError("every extra line to have a name and a contact")
        return self


def check_placeholders(where: str, template: str, allowed: set[str]) -> None:
    """Raise ValueError when a template has malformed or unknown {placeholders}."""
    try:
        names = {
            name for _, name, _, _ in string.Formatter().parse(template) if name is not None
        }
    except ValueError as exc:
        raise ValueError(
            f"{where}: well-formed {{placeholders}} ({exc}; write {{{{ for a literal brace)"
        ) from None
    unknown = names - allowed
    if unknown:
        shown = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
        raise ValueError(
            f"{where}: only the placeholders {shown} "
            f"(unknown: {', '.join('{' + n + '}' for n in sorted(unknown))})"
        )


_check_placeholders = check_placeholders
