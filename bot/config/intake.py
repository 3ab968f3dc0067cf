"""Config section 'intake': the triage questions a youth answers before booking.

Steps are data: an admin can reorder, drop or reword them in YAML. Every question and option
exists in every configured language; validation names exactly what is missing. The intake's
own texts (intro, help, …) are in the text catalogue (`bot/texts/`, group `intake`). The
default steps (used when the section is left out) are the Dutch + English flow of the brief.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.config.base import Section, merge_language_defaults
from bot.config.crisis import check_placeholders
from bot.config.texts import GROUP_OVERRIDES

IntakeTextsOverride = GROUP_OVERRIDES["intake"]

# language code -> text
Localised = dict[str, str]

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def answer_key(text: str) -> str:
    """How answers and words are compared: case-, accent-, punctuation- and space-insensitive.

    Letters and digits are kept (accents stripped, casefolded); everything else separates
    words. Text that has no letter or digit at all (like "-") is compared as itself, trimmed.
    Used by the config validation (collisions) and by the intake flow (matching) alike.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    for ch in folded:
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            out.append(ch)
        elif cat[0] == "M" or cat == "Cf":
            continue  # accents, emoji variation selectors, zero-width characters
        else:
            out.append(" ")
    key = " ".join("".join(out).split())
    if key:
        return key
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


# Dropped for a second, looser comparison: "alcohol & drugs" = "Alcohol en drugs".
_CONNECTIVES = frozenset({"en", "and", "of", "or"})


def loose_key(key: str) -> str:
    """`answer_key` without connective words, for a second, looser comparison."""
    return " ".join(w for w in key.split() if w not in _CONNECTIVES)


class IntakeOption(Section):
    """One answer of a choice step."""

    # Stored as the answer (and used in statistics). Lowercase letters, digits, '_' and '-'.
    id: str
    # What the youth sees, per language.
    label: Localised
    # Extra words that also choose this option, in any language (compared like answers).
    synonyms: list[str] = []
    # A typed number in this range also chooses the option (e.g. an age: "14"). Position
    # numbers (1, 2, …) always win over the range.
    number_range: tuple[int, int] | None = None
    # True: choosing this ends the intake with a kind referral (status "referred").
    refer: bool = False
    # The referral text for this option; without it `texts.<lang>.referral` is used.
    referral: Localised | None = None
    # Line ids of the referral directory (`referrals.lines`) named when this is chosen. With
    # `refer: true` they are where the youth is referred to ({lines} of the referral text);
    # without, the intake goes on and the youth is also told where these lines are (e.g. a
    # municipality outside the region: the service near home; text `intake.outside_region`).
    refer_to: list[str] = []

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'home')")
        return v

    @field_validator("number_range")
    @classmethod
    def _range(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and v[0] > v[1]:
            raise ValueError("a range [low, high] with low <= high")
        return v


class IntakeStep(Section):
    """One question of the intake."""

    # Stored as the key of the answer; also the key of `known` answers (e.g. from a campaign).
    id: str
    # "choice": numbered options; "text": free text.
    kind: Literal["choice", "text"]
    # The question, per language.
    question: Localised
    # A short label for summaries ("Topic"), per language.
    label: Localised
    options: list[IntakeOption] = []
    # Optional steps can be skipped with one of the `words.<lang>.skip` words.
    optional: bool = False
    # The answer (an option id that is a language code) switches the conversation language.
    sets_language: bool = False

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id of lowercase letters, digits, '_' or '-' (like 'topic')")
        return v


class IntakeWords(Section):
    """Words a youth can type at any step, in one language (all languages are recognised)."""

    help: list[str]
    stop: list[str]
    restart: list[str]
    skip: list[str]


def _opt(
    oid: str, nl: str, en: str, synonyms: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {"id": oid, "label": {"nl": nl, "en": en}, "synonyms": synonyms or [], **extra}


# The eleven municipalities of the regional chat help of Zuid-West-Vlaanderen (W13, CAW
# Zuid-West-Vlaanderen and the local governments); synonyms are their sub-municipalities.
_MUNICIPALITIES: list[tuple[str, str, list[str]]] = [
    ("anzegem", "Anzegem", ["vichte", "ingooigem", "tiegem", "kaster", "gijzelbrechtegem"]),
    ("avelgem", "Avelgem", ["kerkhove", "outrijve", "waarmaarde", "bossuit"]),
    ("deerlijk", "Deerlijk", []),
    ("harelbeke", "Harelbeke", ["bavikhove", "hulste"]),
    ("kortrijk", "Kortrijk", ["courtrai", "aalbeke", "bellegem", "bissegem", "heule",
                              "kooigem", "marke", "rollegem"]),
    ("kuurne", "Kuurne", []),
    ("waregem", "Waregem", ["beveren-leie", "desselgem", "sint-eloois-vijve"]),
    ("wervik", "Wervik", ["wervicq", "geluwe"]),
    ("wevelgem", "Wevelgem", ["gullegem", "moorsele"]),
    ("wielsbeke", "Wielsbeke", ["ooigem", "sint-baafs-vijve"]),
    ("zwevegem", "Zwevegem", ["heestert", "moen", "otegem", "sint-denijs"]),
]

DEFAULT_STEPS_DATA: list[dict[str, Any]] = [
    {
        "id": "language",
        "kind": "choice",
        "sets_language": True,
        "question": {
            "nl": "In welke taal wil je chatten? / Which language do you want to chat in?",
            "en": "Which language do you want to chat in? / In welke taal wil je chatten?",
        },
        "label": {"nl": "Taal", "en": "Language"},
        "options": [
            _opt("nl", "Nederlands", "Nederlands (Dutch)",
                 ["dutch", "vlaams", "flemish", "ned", "nederlandstalig"]),
            _opt("en", "English (Engels)", "English", ["engels", "eng", "engelstalig"]),
        ],
    },
    {
        "id": "age",
        "kind": "choice",
        "question": {"nl": "Hoe oud ben je?", "en": "How old are you?"},
        "label": {"nl": "Leeftijd", "en": "Age"},
        "options": [
            _opt("under-12", "Jonger dan 12", "Younger than 12",
                 ["jonger", "younger", "under 12", "onder 12"], number_range=(0, 11),
                 refer=True, refer_to=["awel"]),
            _opt("12-15", "12 tot 15 jaar", "12 to 15 years", ["12 15", "12 tot 15"],
                 number_range=(12, 15)),
            _opt("16-18", "16 tot 18 jaar", "16 to 18 years", ["16 18", "16 tot 18"],
                 number_range=(16, 18)),
            _opt("19-25", "19 tot 25 jaar", "19 to 25 years", ["19 25", "19 tot 25"],
                 number_range=(19, 25)),
            _opt("over-25", "Ouder dan 25", "Older than 25",
                 ["ouder", "older", "over 25", "boven 25"], number_range=(26, 150),
                 refer=True, refer_to=["tele-onthaal", "caw"]),
        ],
    },
    {
        "id": "topic",
        "kind": "choice",
        "question": {"nl": "Waarover wil je praten?", "en": "What would you like to talk about?"},
        "label": {"nl": "Onderwerp", "en": "Topic"},
        "options": [
            _opt("school", "School", "School", ["studie", "studeren", "examens", "exams",
                                                "studies", "les", "klas"]),
            _opt("home", "Thuis en familie", "Home and family",
                 ["thuis", "familie", "ouders", "gezin", "home", "family", "parents"]),
            _opt("relationships", "Vrienden en liefde", "Friends and love",
                 ["vrienden", "liefde", "relatie", "verliefd", "friends", "love",
                  "relationship"]),
            _opt("feelings", "Hoe ik me voel", "How I feel",
                 ["gevoel", "gevoelens", "mentaal", "feelings", "mental health", "mood"]),
            _opt("substances", "Alcohol en drugs", "Alcohol and drugs",
                 ["alcohol", "drugs", "drank", "wiet", "weed", "drinking"]),
            _opt("sexuality-gender", "Seksualiteit en gender", "Sexuality and gender",
                 ["seksualiteit", "seks", "gender", "lgbt", "lgbtq", "lgbtqia", "holebi",
                  "sexuality", "sex"]),
            _opt("violence", "Geweld en misbruik", "Violence and abuse",
                 ["geweld", "misbruik", "violence", "abuse"]),
            _opt("money-work", "Geld en werk", "Money and work",
                 ["geld", "werk", "job", "schulden", "money", "work", "debt"]),
            _opt("other", "Iets anders", "Something else",
                 ["anders", "iets anders", "other", "something else", "weet niet",
                  "geen idee", "dont know", "don t know"]),
        ],
    },
    {
        "id": "urgency",
        "kind": "choice",
        "question": {"nl": "Hoe dringend is het voor jou?", "en": "How urgent is it for you?"},
        "label": {"nl": "Hoe dringend", "en": "Urgency"},
        "options": [
            _opt("today", "Vandaag nog", "Today",
                 ["vandaag", "dringend", "nu", "meteen", "zo snel mogelijk", "today", "urgent",
                  "now", "asap"]),
            _opt("this-week", "Deze week", "This week", ["week", "deze week", "this week"]),
            _opt("no-rush", "Geen haast", "No rush",
                 ["geen haast", "niet dringend", "maakt niet uit", "no rush", "not urgent",
                  "whenever"]),
        ],
    },
    {
        "id": "municipality",
        "kind": "choice",
        "question": {
            "nl": "In welke gemeente woon je?",
            "en": "Which municipality do you live in?",
        },
        "label": {"nl": "Gemeente", "en": "Municipality"},
        "options": [
            *(_opt(oid, name, name, syn) for oid, name, syn in _MUNICIPALITIES),
            _opt("other", "Een andere gemeente", "Another municipality",
                 ["andere", "andere gemeente", "elders", "another", "other", "elsewhere"],
                 refer_to=["caw"]),
        ],
    },
    {
        "id": "story",
        "kind": "text",
        "optional": True,
        "question": {
            "nl": "Wil je al kort vertellen wat er aan de hand is? Dat helpt je hulpverlener. "
                  "Liever niet? Typ dan 'overslaan'.",
            "en": "Would you like to tell us briefly what's going on? That helps your "
                  "counselor. Rather not? Type 'skip'.",
        },
        "label": {"nl": "Wat er aan de hand is", "en": "What's going on"},
    },
]

DEFAULT_WORDS_DATA: dict[str, dict[str, list[str]]] = {
    "nl": {
        "help": ["hulp", "help", "wat kan ik zeggen", "ik snap het niet", "?"],
        "stop": ["stop", "pauze", "even stoppen", "pauzeren"],
        "restart": ["opnieuw", "herbegin", "begin opnieuw", "opnieuw beginnen", "reset"],
        "skip": ["overslaan", "sla over", "-", "niks", "liever niet"],
    },
    "en": {
        "help": ["help", "what can i say", "i don't understand"],
        "stop": ["stop", "pause"],
        "restart": ["restart", "start over", "start again"],
        "skip": ["skip", "nothing", "rather not", "no thanks"],
    },
}


class IntakeConfig(Section):
    # Languages every text must exist in. The first is the fallback for unknown languages.
    languages: list[str] = ["nl", "en"]
    # The questions, in order.
    steps: list[IntakeStep] = Field(
        default_factory=lambda: [IntakeStep.model_validate(s) for s in DEFAULT_STEPS_DATA]
    )
    # Older form of `texts.<language>.intake` (still accepted as overrides of the catalogue).
    texts: dict[str, IntakeTextsOverride] = {}  # type: ignore[valid-type]
    # Words that work at any step; recognised in every language.
    words: dict[str, IntakeWords] = Field(
        default_factory=lambda: {
            k: IntakeWords.model_validate(v) for k, v in DEFAULT_WORDS_DATA.items()
        }
    )
    # Free-text answers are cut to this many characters (the youth is told).
    max_text_length: int = Field(default=2000, ge=10, le=20000)

    @model_validator(mode="before")
    @classmethod
    def _complete_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "words" in data:
                data["words"] = merge_language_defaults(data["words"], DEFAULT_WORDS_DATA)
        return data

    @model_validator(mode="after")
    def _check(self) -> IntakeConfig:
        problems = validate_intake(self)
        if problems:
            raise ValueError("a complete intake flow, but: " + "; ".join(problems))
        return self

    def step(self, step_id: str | None) -> IntakeStep | None:
        for s in self.steps:
            if s.id == step_id:
                return s
        return None


def validate_intake(cfg: IntakeConfig) -> list[str]:
    """Every problem of the section, each naming the step/option/language concerned."""
    problems: list[str] = []
    langs = cfg.languages
    if not langs:
        problems.append("'languages' lists no language")
    if len(set(langs)) != len(langs):
        problems.append("'languages' lists a language twice")
    if not cfg.steps:
        problems.append("'steps' has no step")

    def missing(where: str, texts: Localised | None) -> None:
        gaps = [lang for lang in langs if not (texts or {}).get(lang)]
        if gaps:
            problems.append(f"{where} has no text in {', '.join(repr(g) for g in gaps)}")

    for lang in langs:
        if lang not in cfg.words:
            problems.append(f"'words' has no '{lang}' block")
        else:
            w = cfg.words[lang]
            for kind in ("help", "stop", "restart", "skip"):
                if not any(answer_key(x) for x in getattr(w, kind)):
                    problems.append(f"'words.{lang}.{kind}' is empty")

    command_words: dict[str, str] = {}
    for lang, w in cfg.words.items():
        for kind in ("help", "stop", "restart"):
            for word in getattr(w, kind):
                command_words[answer_key(word)] = f"words.{lang}.{kind}"

    seen_steps: set[str] = set()
    language_steps = 0
    for step in cfg.steps:
        where = f"step '{step.id}'"
        if step.id in seen_steps:
            problems.append(f"step id '{step.id}' is used twice (step ids must be unique)")
        seen_steps.add(step.id)
        missing(f"{where} question", step.question)
        missing(f"{where} label", step.label)
        if step.kind == "text":
            if step.options:
                problems.append(f"{where} is a 'text' step but has options")
            if step.sets_language:
                problems.append(f"{where}: only a 'choice' step can set the language")
            continue
        if not step.options:
            problems.append(f"{where} is a 'choice' step without options")
        if step.sets_language:
            language_steps += 1
        seen_options: set[str] = set()
        keys: dict[str, str] = {}
        for opt in step.options:
            owhere = f"{where} option '{opt.id}'"
            if opt.id in seen_options:
                problems.append(f"{where}: option id '{opt.id}' is used twice")
            seen_options.add(opt.id)
            missing(f"{owhere} label", opt.label)
            if opt.referral is not None:
                missing(f"{owhere} referral", opt.referral)
                for lang, text in opt.referral.items():
                    try:
                        check_placeholders(f"{owhere} referral.{lang}", text, {"lines"})
                    except ValueError as exc:
                        problems.append(str(exc))
            if step.sets_language and opt.id not in langs:
                problems.append(f"{owhere}: a language step's option ids must be languages "
                                f"listed in 'languages' ({', '.join(langs)})")
            words = {opt.id, *opt.label.values(), *opt.synonyms}
            for word in sorted(words):
                key = answer_key(word)
                if not key:
                    continue
                if key.isdecimal():
                    problems.append(f"{owhere}: '{word}' is only a number; numbers choose an "
                                    "option by its position, use 'number_range' instead")
                    continue
                for k in {key, loose_key(key)} - {""}:
                    other = keys.get(k)
                    if other is not None and other != opt.id:
                        problems.append(f"{where}: '{word}' would choose both option "
                                        f"'{other}' and '{opt.id}'")
                        break
                    keys[k] = opt.id
                if key in command_words:
                    problems.append(f"{owhere}: '{word}' is also one of "
                                    f"'{command_words[key]}'")
    if language_steps > 1:
        problems.append("only one step can set the language")
    return problems
