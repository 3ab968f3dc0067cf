"""The intake (triage) as a pure state machine: state + message in, new state + replies out.

No I/O: the Matrix handler stores `IntakeState` (as JSON) and sends the `Message`s.
Words like help/stop/restart work in every language at every step; an answer that is not
understood gets a kind re-prompt with the options again, never an error.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, cast

from bot.config.intake import IntakeConfig, IntakeOption, IntakeStep, answer_key, loose_key
from bot.config.referrals import ReferralsConfig
from bot.domain.messages import Message, fill, numbered, plain
from bot.domain.referrals import always_open_block, lines_block
from bot.domain.session_rules import strip_reply_fallback
from bot.texts import Catalogue
from bot.texts.schema import IntakeTexts

Status = Literal["new", "active", "paused", "done", "referred"]
_STATUSES: tuple[str, ...] = ("new", "active", "paused", "done", "referred")
# A typed option number: "2", "2.", "(2)", "#2", "2!" — decimal digits only (so never "-1",
# "1e3", "1.5" or a superscript "²"). Checked after zero-width characters and combining marks
# are dropped, so a keycap emoji "2️⃣" is read as 2.
_NUMBER = re.compile(r"^[#(]?\s*(\d{1,4})\s*[.):!?]*$")
_EMPTY: Mapping[str, str] = {}


@dataclass(frozen=True)
class IntakeState:
    status: Status
    step: str | None  # id of the step awaiting an answer
    language: str
    # step id -> option id (choice) or the free text (text step; "" when skipped)
    answers: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "status": self.status,
                "step": self.step,
                "language": self.language,
                "answers": dict(self.answers),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, data: str) -> IntakeState:
        """Parse what `to_json` made; raises ValueError for anything else."""
        try:
            raw = json.loads(data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not an intake state: {exc}") from None
        if not isinstance(raw, dict):
            raise ValueError("not an intake state: expected an object")
        status = raw.get("status")
        step = raw.get("step")
        language = raw.get("language")
        answers = raw.get("answers", {})
        if status not in _STATUSES:
            raise ValueError(f"not an intake state: unknown status {status!r}")
        if step is not None and not isinstance(step, str):
            raise ValueError("not an intake state: 'step' is not a string")
        if not isinstance(language, str):
            raise ValueError("not an intake state: 'language' is not a string")
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
        ):
            raise ValueError("not an intake state: 'answers' is not a string mapping")
        return cls(cast(Status, status), step, language, dict(answers))


@dataclass(frozen=True)
class IntakeResult:
    state: IntakeState
    replies: list[Message]  # in order; never empty
    completed: bool = False  # True exactly when this call finished the intake
    referred: bool = False  # True exactly when this call ended it by age referral


def languages_for(cfg: IntakeConfig, state: IntakeState) -> list[str]:
    """The languages to write to this youth in: their own once it is chosen; before that
    (the intake asks the language and it was not answered yet) every language of the intake
    in order, as the first message does — a youth who writes in English before tapping a
    language reads the answer in English too."""
    step = next((s.id for s in cfg.steps if s.sets_language), None)
    if step is None or step in state.answers or state.status == "done":
        return [state.language]
    return list(cfg.languages)


class IntakeFlow:
    """The configured intake. Cheap to build; rebuild it when the config is reloaded."""

    def __init__(self, config: IntakeConfig, default_language: str,
                 texts: Catalogue | None = None,
                 referrals: ReferralsConfig | None = None) -> None:
        self.config = config
        # The referral directory: the lines an option's `refer_to` names.
        self.referrals = referrals if referrals is not None else ReferralsConfig()
        # The intake's own texts (intro, help, …): catalogue group `intake`.
        self.texts = texts or Catalogue.default()
        self.default_language = (
            default_language if default_language in config.languages else config.languages[0]
        )
        # The words of every language, recognised whatever the current language is.
        self._help = self._word_keys("help")
        self._stop = self._word_keys("stop")
        self._restart = self._word_keys("restart")
        self._skip = self._word_keys("skip")
        # Per choice step: answer key -> option id.
        self._keys: dict[str, dict[str, str]] = {}
        for step in config.steps:
            keys: dict[str, str] = {}
            for opt in step.options:
                for word in (opt.id, *opt.label.values(), *opt.synonyms):
                    key = answer_key(word)
                    if key:
                        keys.setdefault(key, opt.id)
            for word in list(keys):
                loose = loose_key(word)
                if loose:
                    keys.setdefault(loose, keys[word])
            self._keys[step.id] = keys

    def _word_keys(self, kind: str) -> frozenset[str]:
        return frozenset(
            answer_key(w) for words in self.config.words.values() for w in getattr(words, kind)
        ) - {""}

    # --- public interface -------------------------------------------------------------------

    def new_state(self, language: str | None = None) -> IntakeState:
        return IntakeState("new", None, self._lang(language), {})

    def start(self, state: IntakeState, known: Mapping[str, str] = _EMPTY) -> IntakeResult:
        """The intro and the first question. `known` answers (e.g. a campaign's municipality)
        are taken over and their steps skipped."""
        fresh = IntakeState("active", None, self._lang(state.language), {})
        return self._advance(fresh, known, [plain(self._texts(fresh.language).intro)])

    def handle(
        self, state: IntakeState, text: str, known: Mapping[str, str] = _EMPTY
    ) -> IntakeResult:
        """One message of the youth. Never raises; always at least one reply.

        A reply fallback (the quoted "> <@bot> …" lines a client puts before a reply) is not
        part of the answer and is dropped first.
        """
        state = replace(state, language=self._lang(state.language))
        text = strip_reply_fallback(text)
        key = answer_key(text)
        if state.status == "new":
            return self.start(state, known)
        if state.status == "done":
            return IntakeResult(state, [plain(self._texts(state.language).done)])
        if key in self._restart and state.status in ("active", "paused", "referred"):
            return self._restart_flow(state, known)
        if state.status == "referred":
            return IntakeResult(state, [self._referral(state)])
        if key in self._stop:
            return IntakeResult(
                replace(state, status="paused"), [plain(self._texts(state.language).paused)]
            )
        if state.status == "paused":
            resumed = replace(state, status="active")
            first = [plain(self._texts(state.language).welcome_back)]
            if key in self._help:
                first.append(self._help_for(state))
            return self._advance(resumed, known, first)
        if key in self._help:
            return self._advance(state, known, [self._help_for(state)])

        step = self.config.step(state.step)
        if step is None or step.id in state.answers:
            # Config reloaded (step gone) or odd stored state: ask what is still open.
            return self._advance(state, known, [])
        if step.kind == "text":
            return self._answer_text(state, step, text, key, known)
        return self._answer_choice(state, step, text, key, known)

    def welcome_back(self, state: IntakeState) -> IntakeResult:
        """A returning youth: a greeting and the current question again."""
        state = replace(state, language=self._lang(state.language))
        if state.status == "new":
            return self.start(state)
        if state.status == "done":
            return IntakeResult(state, [plain(self._texts(state.language).done)])
        if state.status == "referred":
            return IntakeResult(state, [self._referral(state)])
        resumed = replace(state, status="active")
        return self._advance(resumed, _EMPTY, [plain(self._texts(state.language).welcome_back)])

    def describe(self, answers: Mapping[str, str], language: str) -> list[tuple[str, str]]:
        """(short question label, answer label) in step order, for summaries."""
        lang = self._lang(language)
        out: list[tuple[str, str]] = []
        for step in self.config.steps:
            if step.id not in answers:
                continue
            value = answers[step.id]
            label = self._t(step.label, lang)
            if step.kind == "choice":
                opt = self._option(step, value)
                shown = self._t(opt.label, lang) if opt else value
            else:
                shown = value
            out.append((label, shown or self._texts(lang).skipped))
        return out

    def question(self, state: IntakeState) -> Message | None:
        """The current question, formatted (None when no step awaits an answer)."""
        step = self.config.step(state.step)
        return self._question(step, self._lang(state.language)) if step else None

    # --- the steps ----------------------------------------------------------------------------

    def _answer_choice(
        self,
        state: IntakeState,
        step: IntakeStep,
        text: str,
        key: str,
        known: Mapping[str, str],
    ) -> IntakeResult:
        if step.optional and key in self._skip:
            return self._advance(self._store(state, step, ""), known, [])
        option = self._match(step, text, key)
        if option is None:
            texts = self._texts(state.language)
            # The language is not known yet at the step that asks it: both languages.
            again = texts.reprompt_language if step.sets_language else texts.reprompt_choice
            reprompt = plain(again) + self._question(step, state.language)
            return IntakeResult(state, [reprompt])
        new = self._store(state, step, option.id)
        if option.refer:
            referred = replace(new, status="referred", step=None)
            return IntakeResult(referred, [self._referral(referred)], referred=True)
        if option.refer_to:
            # Helped all the same, and told where else (e.g. the service near home).
            return self._advance(new, known, [self._also_there(option, new.language)])
        return self._advance(new, known, [])

    def _answer_text(
        self,
        state: IntakeState,
        step: IntakeStep,
        text: str,
        key: str,
        known: Mapping[str, str],
    ) -> IntakeResult:
        if step.optional and key in self._skip:
            return self._advance(self._store(state, step, ""), known, [])
        value, cut = self._cap(text)
        if not key:  # nothing but spaces / invisible characters
            texts = self._texts(state.language)
            reprompt = plain(texts.reprompt_text) + self._question(step, state.language)
            return IntakeResult(state, [reprompt])
        first: list[Message] = []
        if cut:
            limit = str(self.config.max_text_length)
            first.append(fill(self._texts(state.language).truncated, {"max": limit}))
        return self._advance(self._store(state, step, value), known, first)

    def _advance(
        self, state: IntakeState, known: Mapping[str, str], replies: list[Message]
    ) -> IntakeResult:
        """Take over `known` answers, then ask the first open step or finish the intake."""
        for step_id, value in known.items():
            known_step = self.config.step(step_id)
            if known_step is None or step_id in state.answers:
                continue
            if known_step.kind == "choice":
                opt = self._match(known_step, value, answer_key(value))
                if opt is not None and not opt.refer:
                    state = self._store(state, known_step, opt.id)
            else:
                capped, _ = self._cap(value)
                state = self._store(state, known_step, capped)
        for step in self.config.steps:
            if step.id not in state.answers:
                asked = replace(state, status="active", step=step.id)
                return IntakeResult(asked, [*replies, self._question(step, asked.language)])
        done = replace(state, status="done", step=None)
        return IntakeResult(
            done, [*replies, plain(self._texts(done.language).completed)], completed=True
        )

    def _restart_flow(self, state: IntakeState, known: Mapping[str, str]) -> IntakeResult:
        fresh = IntakeState("active", None, state.language, {})
        return self._advance(fresh, known, [plain(self._texts(state.language).restarted)])

    # --- helpers ------------------------------------------------------------------------------

    def _store(self, state: IntakeState, step: IntakeStep, value: str) -> IntakeState:
        answers = {**state.answers, step.id: value}
        language = state.language
        if step.sets_language and value in self.config.languages:
            language = value
        return replace(state, answers=answers, language=language)

    def _match(self, step: IntakeStep, text: str, key: str) -> IntakeOption | None:
        n = _typed_number(text)
        if n is not None:
            # A position (1…N) or a configured range; 0 and anything outside are no option.
            if 1 <= n <= len(step.options):
                return step.options[n - 1]
            for opt in step.options:
                if opt.number_range and max(1, opt.number_range[0]) <= n <= opt.number_range[1]:
                    return opt
            return None
        keys = self._keys.get(step.id, {})
        option_id = keys.get(key) or keys.get(loose_key(key))
        return self._option(step, option_id) if option_id else None

    @staticmethod
    def _option(step: IntakeStep, option_id: str | None) -> IntakeOption | None:
        for opt in step.options:
            if opt.id == option_id:
                return opt
        return None

    def _cap(self, text: str) -> tuple[str, bool]:
        # Lone surrogates (possible from JSON escapes) cannot be stored as UTF-8.
        value = text.encode("utf-8", "replace").decode("utf-8").strip()
        limit = self.config.max_text_length
        if len(value) > limit:
            return value[:limit].rstrip(), True
        return value, False

    def _question(self, step: IntakeStep, language: str) -> Message:
        question = self._t(step.question, language)
        if step.kind == "text":
            return plain(question)
        return numbered(question, [self._t(o.label, language) for o in step.options])

    def _help_for(self, state: IntakeState) -> Message:
        """The help text in the youth's language; in each language of the intake while they
        chose none yet (the language question is in both, so is its help)."""
        languages = languages_for(self.config, state)
        message = self._help_message(languages[0])
        for language in languages[1:]:
            message = message + self._help_message(language)
        return message

    def _help_message(self, language: str) -> Message:
        words = self.config.words.get(language) or self.config.words[self.default_language]
        values = {
            "help": words.help[0],
            "stop": words.stop[0],
            "restart": words.restart[0],
            "skip": words.skip[0],
        }
        return fill(self._texts(language).help, values)

    def _referral(self, state: IntakeState) -> Message:
        """The referral text with the chosen option's lines of the directory (its `refer_to`;
        without any, the lines open day and night)."""
        lang = state.language
        for step in self.config.steps:
            opt = self._option(step, state.answers.get(step.id))
            if opt is not None and opt.refer:
                lines = self._lines(opt, lang) or always_open_block(self.referrals, lang)
                template = (self._t(opt.referral, lang) if opt.referral
                            else self._texts(lang).referral)
                return _with_lines(template, lines)
        return _with_lines(self._texts(lang).referral, always_open_block(self.referrals, lang))

    def _also_there(self, option: IntakeOption, language: str) -> Message:
        template = (self._t(option.referral, language) if option.referral
                    else self._texts(language).outside_region)
        return _with_lines(template, self._lines(option, language))

    def _lines(self, option: IntakeOption, language: str) -> str:
        return lines_block(self.referrals, option.refer_to, language)

    def _lang(self, language: str | None) -> str:
        return language if language in self.config.languages else self.default_language

    def _texts(self, language: str) -> IntakeTexts:
        return self.texts.texts(language).intake

    def _t(self, texts: Mapping[str, str], language: str) -> str:
        return (
            texts.get(language)
            or texts.get(self.default_language)
            or next(iter(texts.values()), "")
        )


def _with_lines(template: str, lines: str) -> Message:
    """A text with its {lines}; a text without the placeholder gets them at the end."""
    if "{lines}" not in template and lines:
        template = f"{template}\n{lines}"
    return fill(template, {"lines": lines})


def _typed_number(text: str) -> int | None:
    """The option number typed, or None when the text is not a plain number."""
    if len(text) >= 40:
        return None
    cleaned = "".join(ch for ch in text if not _invisible(ch)).strip()
    m = _NUMBER.match(cleaned)
    if m is None or not m.group(1).isdecimal():
        return None
    return int(m.group(1))


def _invisible(ch: str) -> bool:
    """Combining marks (keycap, variation selectors) and zero-width format characters."""
    category = unicodedata.category(ch)
    return category[0] == "M" or category == "Cf"
