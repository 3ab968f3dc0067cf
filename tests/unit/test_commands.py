"""Commands declared once: words, typed arguments, roles, help and usage replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config.loader import load_config
from bot.domain.messages import Message, plain
from bot.handlers.appointments import booking_word
from bot.handlers.commands import (
    Call,
    CommandSet,
    Days,
    FollowupTime,
    FreeText,
    Outcome,
    ParseEnv,
    Role,
    Words,
    first_match,
)
from bot.handlers.staff import STAFF
from bot.handlers.youth import NO, YES

ROOT = Path(__file__).resolve().parents[2]
CONFIG = load_config(ROOT / "config.example.yaml")
TEXTS = CONFIG.catalogue
NOW = datetime(2026, 6, 3, 12, 30, tzinfo=UTC)  # a Wednesday, 14:30 in Brussels
SARA, TOM = "@counselor:localhost", "@counselor2:localhost"


@dataclass
class FakeSession:
    start: datetime


class Recorder:
    """A conversation that records the calls its commands get."""

    def __init__(self) -> None:
        self.calls: list[Call[Recorder]] = []


def env(sender: str = SARA, language: str = "nl", html: str | None = None) -> ParseEnv:
    return ParseEnv(CONFIG, NOW, sender, language, html)


SESSION = FakeSession(datetime(2026, 6, 1, 13, 0, tzinfo=UTC))  # Monday 15:00 local


async def own_case(sender: str, ref: str | None) -> Any:
    if ref == "BAD-REF":
        return plain("not yours")
    return SESSION


TEST: CommandSet[Recorder] = CommandSet()


async def _record(conv: Recorder, call: Call[Recorder]) -> Message:
    conv.calls.append(call)
    return plain(f"ran {call.spec.name}")


TEST.command("end", words={"nl": ("einde",), "en": ("close",)}, args=(Outcome(),),
             case=True)(_record)
TEST.command("note", args=(FreeText(),), case=True)(_record)
TEST.command("followup", args=(FollowupTime(),), case=True)(_record)
TEST.command("away", args=(Days(),))(_record)
TEST.command("purge", role=Role.ADMIN, help="commands.help_help")(_record)


async def run(text: str, role: Role = Role.COUNSELOR, **kw: Any) -> tuple[str | None,
                                                                         Recorder]:
    conv = Recorder()
    reply = await TEST.dispatch(conv, text, env(**kw), role, own_case)
    return (reply.plain if reply else None), conv


# --- the declarations of the real commands ---------------------------------------------------


def test_every_staff_command_has_help_and_labels_in_every_language() -> None:
    assert set(STAFF.specs) >= {"help", "end", "followup", "note", "handover", "agenda",
                                "away", "back"}
    for lang in TEXTS.languages:
        for spec in STAFF.specs.values():
            assert TEXTS.get(lang, spec.help_key).strip(), (lang, spec.name)
            for arg in spec.args:
                assert TEXTS.get(lang, f"commands.arg_{arg.kind}").strip()
        overview = STAFF.help(TEXTS, lang, Role.ADMIN, outcomes="x").plain
        for spec in STAFF.specs.values():
            assert f"!{spec.name}" in overview
        assert "{" not in overview


@pytest.mark.parametrize(
    ("word", "name"),
    [("end", "end"), ("EINDE", "end"), ("afsluiten", "end"), ("close", "close"),
     ("follow-up", "followup"), ("vervolg", "followup"), ("nota", "note"),
     ("overdragen", "handover"), ("hulp", "help"), ("afwezig", "away"), ("terug", "back")],
)
def test_aliases(word: str, name: str) -> None:
    spec = STAFF.lookup(word)
    assert spec is not None and spec.name == name


def test_a_word_cannot_belong_to_two_commands() -> None:
    commands: CommandSet[Recorder] = CommandSet()
    commands.command("end", words={"nl": ("stop",)})(_record)
    with pytest.raises(ValueError, match="both"):
        commands.command("pause", words={"en": ("stop",)})(_record)


def test_generated_help_matches_the_usage() -> None:
    overview = STAFF.help(TEXTS, "nl", Role.COUNSELOR,
                          outcomes="done (afgerond), no-show (niet opgedaagd)").plain
    assert overview.startswith("Commando's")
    assert ("• !end <uitkomst> [<lijn>] [#CODE]: gesprek afsluiten. Uitkomsten: done "
            "(afgerond)") in overview
    assert "• !note [#CODE] <tekst>: notitie bij het dossier" in overview
    assert "• !agenda: je komende gesprekken" in overview


# --- dispatching ------------------------------------------------------------------------------


async def test_not_a_command() -> None:
    reply, conv = await run("hallo")
    assert reply is None and not conv.calls


async def test_arguments_and_case_reference() -> None:
    reply, conv = await run("! EINDE klaar #k7q4mx")
    assert reply == "ran end"
    call = conv.calls[0]
    assert call.args["outcome"] == "done" and call.ref == "K7Q-4MX" and call.word == "einde"
    assert call.session is SESSION
    _, conv = await run("> <@sara:localhost> eerder\n\n!close #K7Q-4MX referred to CAW")
    assert conv.calls[0].args["outcome"] == "referred" and conv.calls[0].ref == "K7Q-4MX"
    _, conv = await run("!note #K7Q-4MX lijn 1\nlijn 2")
    assert conv.calls[0].args["text"] == "lijn 1\nlijn 2"
    _, conv = await run("!note #1 prioriteit")
    assert conv.calls[0].args["text"] == "#1 prioriteit" and conv.calls[0].ref is None


async def test_bad_arguments_give_the_usage() -> None:
    reply, conv = await run("!end")
    assert reply is not None and not conv.calls
    assert reply.startswith("Met welke uitkomst sluit je af? Kies uit: done (afgerond)")
    assert reply.endswith("Gebruik: !end <uitkomst> [#CODE]: gesprek afsluiten. Uitkomsten: "
                          "{outcomes}")
    reply, _ = await run("!end bogus", language="en")
    assert reply is not None and reply.startswith("I don't know 'bogus' as an outcome.")
    assert "Use: !end <outcome> [#CODE]" in reply
    reply, _ = await run("!note #K7Q-4MX")
    assert reply == "Gebruik: !note [#CODE] <tekst>: notitie bij het dossier"
    reply, _ = await run("!away binnenkort")
    assert reply is not None
    assert reply.startswith("De datum 'binnenkort' kon ik niet lezen.\nGebruik: !away")
    reply, _ = await run("!followup xyz")
    assert reply is not None and reply.startswith("'xyz' kon ik niet lezen als tijdstip.")
    reply, _ = await run("!followup morgen xyz")
    assert reply is not None and reply.startswith("'xyz' in 'morgen xyz' kon ik niet lezen.")


async def test_usage_fills_the_help_values() -> None:
    conv = Recorder()
    reply = await TEST.dispatch(conv, "!end", env(), Role.COUNSELOR, own_case,
                                {"outcomes": "done"})
    assert reply is not None and reply.plain.endswith("Uitkomsten: done")


async def test_typed_values() -> None:
    _, conv = await run("!followup morgen")  # the session's time: 15:00 local
    assert conv.calls[0].args["when"] == datetime(2026, 6, 4, 13, 0, tzinfo=UTC)
    _, conv = await run("!away 24/12 2/1")
    assert conv.calls[0].args["days"] == (date(2026, 12, 24), date(2027, 1, 2))


async def test_unknown_command_and_unknown_case() -> None:
    reply, _ = await run("!xyz foo")
    assert reply == TEXTS.get("nl", "session.unknown_command")
    reply, conv = await run("!end done #BAD-REF")
    assert reply == "not yours" and not conv.calls


async def test_roles() -> None:
    reply, conv = await run("!purge")
    assert reply == "!purge is alleen voor beheerders." and not conv.calls
    reply, conv = await run("!purge", role=Role.ADMIN)
    assert reply == "ran purge"
    assert "!purge" not in TEST.help(TEXTS, "nl", Role.COUNSELOR).plain
    assert "!purge" in TEST.help(TEXTS, "nl", Role.ADMIN).plain


async def test_real_commands_refuse_bad_arguments_before_touching_anything() -> None:
    """The real declarations: parse errors are answered before a handler (or the case) runs."""
    reply = await STAFF.dispatch(None, "!handover @nobody:localhost", env(), Role.COUNSELOR,
                                 own_case)  # type: ignore[arg-type]
    assert reply is not None
    assert reply.plain.startswith("@nobody:localhost staat niet in de lijst van hulpverleners.")
    reply = await STAFF.dispatch(None, f"!handover {SARA}", env(), Role.COUNSELOR,
                                 own_case)  # type: ignore[arg-type]
    assert reply is not None and reply.plain.startswith("Geef de Matrix-id van je collega")
    mention = f'<a href="https://matrix.to/#/{TOM}">Tom</a>'
    commands: CommandSet[Recorder] = CommandSet()
    from bot.handlers.commands import Colleague
    commands.command("handover", args=(Colleague(),), case=True)(_record)
    conv = Recorder()
    await commands.dispatch(conv, "!handover Tom", env(html=mention), Role.COUNSELOR, own_case)
    assert conv.calls[0].args["user"] == TOM


# --- youth words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [("Afspraak", "show"), ("my appointment!", "show"), ("ANNULEER", "cancel"),
     ("reschedule", "move"), ("verzet", "move"), ("ik wil verzetten", None)],
)
def test_booking_words(text: str, word: str | None) -> None:
    assert booking_word(text) == word


def test_handover_answers() -> None:
    assert first_match((YES, NO), "Ja!") == "yes"
    assert first_match((YES, NO), "no") == "no"
    assert first_match((YES, NO), "misschien") is None
    assert Words("x", {"nl": ("één woord",)}).matches("EEN woord")
