"""The text catalogue: complete per language, overridable per key, checked at check-config."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, parse_config
from bot.texts import BUILT_IN, Catalogue, UserError, all_keys, placeholders_of

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "config.example.yaml").read_text()


def _names(template: str) -> set[str]:
    return {n for _, n, _, _ in string.Formatter().parse(template) if n is not None}


def test_every_language_has_every_text_with_known_placeholders() -> None:
    catalogue = Catalogue.default()
    assert set(catalogue.languages) == set(BUILT_IN) == {"nl", "en"}
    for lang in catalogue.languages:
        for key in all_keys():
            value = catalogue.get(lang, key)
            assert value.strip(), (lang, key)
            assert _names(value) <= placeholders_of(key), (lang, key)


def test_say_fills_and_escapes() -> None:
    catalogue = Catalogue.default()
    msg = catalogue.say("en", "session.unknown_colleague", colleague="<b>@x:y</b>")
    assert msg.plain == "<b>@x:y</b> is not on the list of counselors."
    assert "&lt;b&gt;" in msg.html
    assert catalogue.say("xx", "appointment_none") == catalogue.say("nl", "appointment_none")
    assert catalogue.render("en", UserError("commands.away_past", day="2026-01-01")).plain == (
        "2026-01-01 is already in the past.")


def _config(texts_yaml: str) -> str:
    return EXAMPLE + "\ntexts:\n" + texts_yaml


def test_overrides_per_language_and_key() -> None:
    config = parse_config(_config(
        "  nl:\n"
        "    greeting: \"Hallo daar!\"\n"
        "    session:\n"
        "      room_name: \"Babbel {when}\"\n"
        "  en:\n"
        "    web:\n"
        "      title: \"Talk to us\"\n"
    ))
    texts = config.catalogue
    assert config.text("nl").greeting == "Hallo daar!"
    assert texts.get("nl", "session.room_name") == "Babbel {when}"
    assert texts.get("nl", "session.greeting") == Catalogue.default().get("nl", "session.greeting")
    assert texts.get("en", "web.title") == "Talk to us"
    assert texts.get("en", "greeting") == Catalogue.default().get("en", "greeting")


def _problems(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    return str(info.value)


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_key_and_placeholder_name_their_line() -> None:
    text = _config(
        "  nl:\n"
        "    greeting: \"Hallo!\"\n"
        "    session:\n"
        "      room_nam: \"Babbel {when}\"\n"
        "      ended: \"{ref} dicht ({reden})\"\n"
        "    grreting: \"x\"\n"
    )
    err = _problems(text)
    assert f"line {_line(text, 'room_nam:')}: texts.nl.session.room_nam: unknown key" in err
    assert f"line {_line(text, 'ended:')}: texts.nl.session.ended:" in err
    assert "{reden}" in err and "{outcome}" in err
    assert f"line {_line(text, 'grreting:')}: texts.nl.grreting: unknown key" in err


def test_check_config_reports_a_bad_placeholder(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = _config("  en:\n    booked: \"Booked: {whenn}\"\n")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert main(["check-config", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"line {_line(text, 'booked:')}: texts.en.booked:" in err and "{whenn}" in err


def test_older_text_places_still_work() -> None:
    """Config files of the previous version: section texts become catalogue overrides;
    keys that no longer exist are accepted and ignored."""
    text = EXAMPLE.replace(
        "session:\n  # true:",
        "session:\n  texts:\n    nl:\n      room_name: \"Oud {when}\"\n"
        "      help: \"old help\"\n      which_case: \"x\"\n  # true:",
    ).replace(
        "intake:\n  # Languages",
        "intake:\n  texts:\n    en:\n      intro: \"Old intro\"\n  # Languages",
    ).replace(
        "crisis:\n  # At any moment",
        "crisis:\n  staff_alert: \"ALERT {ref}\"\n  reply:\n    nl: \"Bel 112. {lines}\"\n"
        "  # At any moment",
    ) + "\ntexts:\n  nl:\n    staff_moved: \"Verzet {ref}\"\n"
    config = parse_config(text)
    texts = config.catalogue
    assert texts.get("nl", "session.room_name") == "Oud {when}"
    assert texts.get("en", "intake.intro") == "Old intro"
    assert texts.get("nl", "crisis.staff_alert") == "ALERT {ref}"
    assert texts.get("nl", "crisis.reply") == "Bel 112. {lines}"
    assert texts.get("en", "crisis.reply") == Catalogue.default().get("en", "crisis.reply")
    # the newer place wins over the older one
    newer = parse_config(text + "    session:\n      room_name: \"Nieuw {when}\"\n")
    assert newer.catalogue.get("nl", "session.room_name") == "Nieuw {when}"


def test_a_new_language_needs_every_text() -> None:
    err = _problems(_config("  fr:\n    greeting: \"Salut !\"\n"))
    assert "texts.fr" in err and "missing" in err and "offer_intro" in err
    err = _problems(EXAMPLE.replace('default_language: "nl"', 'default_language: "de"'))
    assert "default_language 'de' has no texts" in err


def test_the_example_config_holds_no_copy_of_the_defaults() -> None:
    config = parse_config(EXAMPLE)
    assert config.texts == {}
    assert config.intake.texts == {} and config.session.texts == {}
    assert config.crisis.reply == {} and config.crisis.staff_alert is None
    for lang in ("nl", "en"):
        assert config.catalogue.texts(lang) == Catalogue.default().texts(lang)


# --- no sentences in code ----------------------------------------------------------------------

SENTENCE = re.compile(r"^[A-Z'‘(][^\n]*\b[a-z]+\s+[a-z]+\s+[a-z]+")


def _code_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "log":
            skip.update(id(a) for a in ast.walk(node))  # log lines are for admins
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                and isinstance(node.exc.func, ast.Name) and node.exc.func.id == "ValueError":
            skip.update(id(a) for a in ast.walk(node))  # config validation: read by admins
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


@pytest.mark.parametrize("folder", ["bot/handlers", "bot/domain", "bot/services", "bot/web"])
def test_no_sentence_literals_in_handlers_or_domain(folder: str) -> None:
    found = [f"{path.relative_to(ROOT)}:{line}: {value[:50]!r}"
             for path in sorted((ROOT / folder).glob("*.py"))
             for line, value in _code_strings(path) if SENTENCE.search(value)]
    assert found == []


# --- every key used in code exists ------------------------------------------------------------

DOTTED = re.compile(
    r"^(intake|session|commands|crisis|web|poster|chat|queue|followup)\.[a-z_]+$")


def _used_keys() -> list[tuple[str, str]]:
    """(where, key) for catalogue keys written in code: dotted literals anywhere, and the
    short session keys given to `say(...)` / `text(lang, ...)` helpers."""
    used: list[tuple[str, str]] = []
    files = [*sorted((ROOT / "bot").rglob("*.py")), ROOT / "scripts" / "make_posters.py"]
    for path in files:
        if "texts" in path.relative_to(ROOT).parts:  # not the catalogue itself
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and DOTTED.match(node.value) and not node.value.endswith("_"):
                used.append((f"{where}:{node.lineno}", node.value))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("say", "text") and node.args:
                last = node.args[-1]
                if isinstance(last, ast.Constant) and isinstance(last.value, str) \
                        and re.fullmatch(r"[a-z_]+", last.value):
                    used.append((f"{where}:{node.lineno}", last.value))
    return used


def test_every_key_used_in_code_exists() -> None:
    keys = set(all_keys())
    used = _used_keys()
    assert len(used) > 30
    # A short key is a top-level text or one of the session group's (`SessionRooms.text`),
    # or of the followup group's (`say` in bot/handlers/followup.py, bot/services/forms.py).
    assert [(where, key) for where, key in used
            if key not in keys and f"session.{key}" not in keys
            and not (f"followup.{key}" in keys and ("followup" in where or "forms" in where))
            ] == []
