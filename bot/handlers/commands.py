"""Commands declared once: words per language, typed arguments, who may use them, help.

    @STAFF.command("end", words={"en": ("close",), "nl": ("einde", "afsluiten")},
                   args=(Outcome(),), case=True)
    async def _end(conv: StaffConversation, call: Call) -> Message: ...

One declaration gives the dispatcher everything: the words that call the command (the name and
the words of every language work for everyone, case-insensitively), the arguments and their
parsers, the role needed, whether it acts on one of the sender's own cases (`case=True`: an
optional `#REF` first or last, else the sender's current or most recent case), and its help:
the catalogue text `commands.help_<name>` per language and the argument labels
`commands.arg_<kind>`. `!help` and usage replies are generated from it. A parser that cannot read
its argument raises `UsageError`; the dispatcher answers with the error and the command's usage.

Youth words (no `!`: a youth never has to learn a command) are declared as `Words`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from enum import IntEnum
from functools import cached_property
from typing import Any, Generic, TypeVar

from bot.config.intake import answer_key
from bot.config.models import Config
from bot.domain import forms
from bot.domain import session_rules as rules
from bot.domain.availability import parse_away
from bot.domain.messages import Message, plain
from bot.domain.referrals import REFERRED, find_line
from bot.texts import Catalogue, UserError

log = logging.getLogger(__name__)


class Role(IntEnum):
    """Who may use a command; a higher role may use everything of a lower one."""

    YOUTH = 0
    COUNSELOR = 1
    ADMIN = 2


class UsageError(UserError):
    """Arguments that cannot be read. `key` (optional): what is wrong; the reply always ends
    with the command's usage line."""

    def __init__(self, key: str | None = None, **values: str) -> None:
        super().__init__(key or "", **values)


@dataclass(frozen=True)
class ParseEnv:
    """What argument parsers may look at."""

    config: Config
    now: datetime
    sender: str
    language: str  # the language replies are in
    formatted_body: str | None = None
    # The case's latest session, for arguments parsed after the case is known.
    session: Any = None

    @property
    def texts(self) -> Catalogue:
        return self.config.catalogue


# --- arguments --------------------------------------------------------------------------------


class Argument(ABC):
    """One argument. `kind` names its usage label (`commands.arg_<kind>`)."""

    kind: str = ""
    # Parsed after the case is resolved (e.g. a time that defaults to the session's time).
    after_case: bool = False

    def __init__(self, name: str | None = None, *, required: bool = True) -> None:
        self.name = name or self.kind
        self.required = required

    @abstractmethod
    def parse(self, text: str, env: ParseEnv) -> tuple[Any, str]:
        """(value, the rest of the text); raises UsageError."""

    def label(self, texts: Catalogue, language: str) -> str:
        label = texts.get(language, f"commands.arg_{self.kind}")
        return label if self.required or label.startswith("[") else f"[{label}]"


def _oneline(text: str) -> str:
    return " ".join(text.split())


class Outcome(Argument):
    """How a session ended: an outcome id, label or synonym of `session.outcomes`.

    `with_line`: the value is (outcome, line id or None); after the referral outcome
    ('referred') a line of the referral directory may follow (`!end referred druglijn`),
    and a line the directory does not have is refused. Other outcomes ignore what follows.
    """

    kind = "outcome"

    def __init__(self, name: str | None = None, *, required: bool = True,
                 with_line: bool = False) -> None:
        super().__init__(name, required=required)
        self.with_line = with_line

    def label(self, texts: Catalogue, language: str) -> str:
        label = super().label(texts, language)
        if self.with_line:
            label += f" [{texts.get(language, 'commands.arg_line')}]"
        return label

    def parse(self, text: str, env: ParseEnv) -> tuple[Any, str]:
        cfg = env.config.session
        choices = rules.outcome_choices(cfg, env.language)
        if not text.strip():
            if not self.required:
                return None, ""
            raise UsageError("session.which_outcome", outcomes=choices)
        found = rules.split_outcome(cfg, text)
        if found is None:
            raise UsageError("session.unknown_outcome", text=_oneline(text), outcomes=choices)
        outcome, rest = found
        if not self.with_line:
            return outcome, ""
        line_id = None
        if outcome == REFERRED and rest.strip():
            line = find_line(env.config.referrals, rest)
            if line is None:
                raise UsageError("session.unknown_line", text=_oneline(rest),
                                 lines=", ".join(env.config.referrals.ids))
            line_id = line.id
        return (outcome, line_id), ""


class FollowupTime(Argument):
    """A moment: 'di 15:00', '15/12 15:00', 'next week' (see `parse_followup`). Without a time,
    the time of the case's session; read in the service's zone."""

    kind = "when"
    after_case = True

    def parse(self, text: str, env: ParseEnv) -> tuple[datetime, str]:
        session = env.session
        tz = env.config.tz
        default: time | None = session.start.astimezone(tz).time() if session else None
        try:
            return rules.parse_followup(text, env.now, tz, default), ""
        except UserError as exc:
            raise UsageError(exc.key, **exc.values) from None


class SessionForm(Argument):
    """How a follow-up takes place, as the LAST word(s): 'chat' (the default), 'video',
    'phone', 'visit [office]' (words of any language, see `bot.domain.forms`). Its value is
    (form, office id or None); the words before it are left for the other arguments."""

    kind = "form"

    def parse(self, text: str, env: ParseEnv) -> tuple[tuple[str, str | None], str]:
        words = text.split()
        cfg = env.config.followup
        form, office, used = None, None, 0
        if words and (form := forms.form_of(words[-1])) is not None:
            used = 1
        elif len(words) >= 2 and forms.form_of(words[-2]) == "visit":
            form, office, used = "visit", words[-1].lower(), 2
        if form is None:
            return (forms.DEFAULT_FORM, None), text
        if form == "video" and not cfg.video_url:
            raise UsageError("followup.video_off")
        if form == "visit":
            if not cfg.offices:
                raise UsageError("followup.no_office")
            if cfg.office(office) is None:
                raise UsageError("followup.unknown_office", office=str(office),
                                 offices=", ".join(o.id for o in cfg.offices))
            office = cfg.office(office).id  # type: ignore[union-attr]
        return (form, office), " ".join(words[:-used])


class Colleague(Argument):
    """A counselor of the service other than the sender: '@an:example.org' or a mention."""

    kind = "user"

    def parse(self, text: str, env: ParseEnv) -> tuple[str, str]:
        user = rules.mentioned_user(text, env.formatted_body)
        if not user or user == env.sender:
            raise UsageError("session.bad_user")
        if env.config.scheduling.counselor(user) is None:
            raise UsageError("session.unknown_colleague", colleague=user)
        return user, ""


class FreeText(Argument):
    """The rest of the message, line breaks kept, cut to `max_length`."""

    kind = "text"

    def __init__(self, name: str | None = None, *, required: bool = True,
                 max_length: int = 5000) -> None:
        super().__init__(name, required=required)
        self.max_length = max_length

    def parse(self, text: str, env: ParseEnv) -> tuple[str, str]:
        value = text.strip()
        if not value and self.required:
            raise UsageError()
        return value[: self.max_length], ""


class Days(Argument):
    """One day or a range of whole days: 'today', '2026-12-24', '24/12 2/1' (see `parse_away`)."""

    kind = "days"

    def parse(self, text: str, env: ParseEnv) -> tuple[tuple[Any, Any], str]:
        today = env.now.astimezone(env.config.tz).date()
        try:
            return parse_away(_oneline(text), today), ""
        except UserError as exc:
            raise UsageError(exc.key, **exc.values) from None


# --- declarations -----------------------------------------------------------------------------

Conv = TypeVar("Conv")


@dataclass(frozen=True)
class Call(Generic[Conv]):
    """One command as typed, with its parsed arguments."""

    spec: CommandSpec[Conv]
    word: str  # as typed, lowercase, without '!'
    env: ParseEnv
    args: Mapping[str, Any] = field(default_factory=dict)
    ref: str | None = None  # the '#REF' given, uppercase with dash
    session: Any = None  # for case commands: the case's latest session

    @property
    def sender(self) -> str:
        return self.env.sender


Handler = Callable[[Conv, "Call[Conv]"], Awaitable[Message]]
# Finds the case a command is about: (sender, '#REF' or None) -> its latest session, or the
# reply that says why there is none (unknown case, not yours, no current case).
CaseResolver = Callable[[str, str | None], Awaitable[Any]]


@dataclass(frozen=True)
class CommandSpec(Generic[Conv]):
    name: str
    words: Mapping[str, tuple[str, ...]]
    args: tuple[Argument, ...]
    role: Role
    case: bool
    handler: Handler[Conv]
    help: str | None = None

    @property
    def help_key(self) -> str:
        """Its catalogue help text: `commands.help_<name>` unless declared otherwise."""
        return self.help or f"commands.help_{self.name}"

    def all_words(self) -> list[str]:
        out = [self.name]
        for words in self.words.values():
            out += [w for w in words if w not in out]
        return out

    def usage(self, texts: Catalogue, language: str) -> str:
        """'<uitkomst> [#CODE]': the arguments as shown in help and usage lines."""
        parts = [a.label(texts, language) for a in self.args]
        if self.case:
            ref = texts.get(language, "commands.arg_case")
            # A free text reads best with the code first: '!note [#CODE] <tekst>'.
            last_is_text = bool(self.args) and isinstance(self.args[-1], FreeText)
            parts = [ref, *parts] if last_is_text else [*parts, ref]
        return " ".join(parts)


class CommandSet(Generic[Conv]):
    """The commands of one conversation kind (e.g. a counselor's DM with the bot)."""

    def __init__(self) -> None:
        self.specs: dict[str, CommandSpec[Conv]] = {}
        self._by_word: dict[str, CommandSpec[Conv]] = {}

    def command(
        self, name: str, *, words: Mapping[str, Sequence[str]] | None = None,
        args: Iterable[Argument] = (), role: Role = Role.COUNSELOR, case: bool = False,
        help: str | None = None,
    ) -> Callable[[Handler[Conv]], Handler[Conv]]:
        """Declare a command right above its implementation (see the module doc)."""

        def register(fn: Handler[Conv]) -> Handler[Conv]:
            spec = CommandSpec(name, {k: tuple(w.lower() for w in v)
                                      for k, v in (words or {}).items()},
                               tuple(args), role, case, fn, help)
            for word in spec.all_words():
                other = self._by_word.get(word)
                if other is not None and other.name != name:
                    raise ValueError(f"!{word} is declared for both !{other.name} and !{name}")
                self._by_word[word] = spec
            self.specs[name] = spec
            return fn

        return register

    def lookup(self, word: str) -> CommandSpec[Conv] | None:
        return self._by_word.get(word.lower())

    # --- reading and running ------------------------------------------------------------------

    @staticmethod
    def split(text: str) -> tuple[str, str] | None:
        """('end', 'done #K7Q-4MX') from '!end done #K7Q-4MX'; None when it is no command.

        A Matrix reply fallback ('> quoted' lines) is dropped; `! end` works too.
        """
        body = rules.strip_reply_fallback(text).strip()
        if not body.startswith("!"):
            return None
        parts = body[1:].lstrip().split(maxsplit=1)
        if not parts:
            return "", ""
        return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""

    @staticmethod
    def take_ref(rest: str) -> tuple[str | None, str]:
        """A '#REF' as the first or the last word: (ref, the rest without it)."""
        first = rest.split(maxsplit=1)
        if first and (ref := rules.case_ref(first[0])) is not None:
            return ref, first[1].strip() if len(first) > 1 else ""
        last = rest.rsplit(maxsplit=1)
        if last and (ref := rules.case_ref(last[-1])) is not None:
            return ref, last[0].strip() if len(last) > 1 else ""
        return None, rest

    async def dispatch(self, conv: Conv, text: str, env: ParseEnv, role: Role,
                       resolve_case: CaseResolver,
                       help_values: Mapping[str, str] | None = None) -> Message | None:
        """The reply to a command, or None when `text` is no command. `help_values` fill the
        help texts' placeholders (e.g. {outcomes})."""
        split = self.split(text)
        if split is None:
            return None
        word, rest = split
        texts, lang = env.texts, env.language
        spec = self.lookup(word)
        if spec is None:
            return texts.say(lang, "session.unknown_command")
        if role < spec.role:
            log.info("Refused !%s: the sender may not use it", spec.name)  # no ids logged
            return texts.say(lang, "commands.not_allowed", command=f"!{spec.name}")
        try:
            ref, rest = self.take_ref(rest) if spec.case else (None, rest)
            values: dict[str, Any] = {}
            for arg in spec.args:
                if not arg.after_case:
                    values[arg.name], rest = arg.parse(rest, env)
            session = None
            if spec.case:
                session = await resolve_case(env.sender, ref)
                if isinstance(session, Message):
                    return session
                env = replace(env, session=session)
            for arg in spec.args:
                if arg.after_case:
                    values[arg.name], rest = arg.parse(rest, env)
            return await spec.handler(conv, Call(spec, word, env, values, ref, session))
        except UsageError as exc:
            return self.usage_reply(spec, env, exc, **(help_values or {}))

    # --- help -------------------------------------------------------------------------------

    def help_line(self, spec: CommandSpec[Conv], texts: Catalogue, language: str,
                  **values: str) -> str:
        usage = spec.usage(texts, language)
        line = texts.plain(language, "commands.help_line", command=f"!{spec.name}",
                           usage=usage, help=texts.plain(language, spec.help_key, **values))
        return line.replace(f"!{spec.name} :", f"!{spec.name}:")

    def help(self, texts: Catalogue, language: str, role: Role, **values: str) -> Message:
        """`!help`: every command `role` may use, in declaration order."""
        lines = [texts.plain(language, "commands.help_intro")]
        lines += [self.help_line(s, texts, language, **values)
                  for s in self.specs.values() if role >= s.role]
        return plain("\n".join(lines))

    def usage_reply(self, spec: CommandSpec[Conv], env: ParseEnv, error: UsageError,
                    **values: str) -> Message:
        texts, lang = env.texts, env.language
        line = self.help_line(spec, texts, lang, **values).removeprefix("• ")
        usage = texts.plain(lang, "commands.usage", line=line)
        if not error.key:
            return plain(usage)
        return plain(texts.plain(lang, error.key, **error.values) + "\n" + usage)


# --- youth words ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Words a youth may type as a whole message, in every language (no '!', no syntax):
    compared case-, accent- and punctuation-insensitively, whatever the youth's language."""

    name: str
    words: Mapping[str, tuple[str, ...]]

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(answer_key(w) for ws in self.words.values() for w in ws) - {""}

    def matches(self, text: str) -> bool:
        return answer_key(text) in self.keys


def first_match(words: Iterable[Words], text: str) -> str | None:
    """The name of the first `Words` that `text` is, or None."""
    key = answer_key(text)
    return next((w.name for w in words if key in w.keys), None)
