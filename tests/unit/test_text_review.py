"""The texts as a youth worker reviewed them (docs/TEXTS.md, "Voice"): pinned so that later
edits keep them that way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, parse_config
from bot.domain.session_rules import summary_message
from bot.texts import BUILT_IN, Catalogue, all_keys, en

TEXTS = Catalogue.default()
# Sent before the reader's language is known: in both languages on purpose.
BILINGUAL = {"greeting_first", "group_room", "undecryptable", "crash", "unencrypted_room",
             "staff_room_only", "intake.reprompt_language"}
# Dutch values that quote English words on purpose (examples the parser accepts, names).
QUOTES_ENGLISH = {"commands.followup_examples", "web.other_lang", "chat.other_lang"}


def _values(lang: str) -> list[tuple[str, str]]:
    return [(key, TEXTS.get(lang, key)) for key in all_keys()]


@pytest.mark.parametrize("lang", sorted(BUILT_IN))
def test_no_line_break_splits_a_sentence(lang: str) -> None:
    """A line break ends a sentence (or a question/heading ':') or starts a list item."""
    split = []
    for key, value in _values(lang):
        for m in re.finditer(r"\n", value):
            before, after = value[:m.start()].rstrip(" "), value[m.end():]
            line = before.rpartition("\n")[2]
            if before.endswith((".", "!", "?", ":", "…", ")", "}", "\n")) or after.startswith(
                    ("•", "{", "\n")) or line.startswith("•"):
                continue
            split.append((key, value[max(0, m.start() - 30):m.end() + 20]))
    assert split == []


def test_dutch_texts_say_je_never_u() -> None:
    formal = re.compile(r"(?<![}\d] )\b(u|uw|U|Uw)\b")
    assert [(k, v) for k, v in _values("nl") if formal.search(v)] == []


ENGLISH = re.compile(r"(?i)\b(the|you|your|please|with|and|our|don't|can't|I'm|I'll)\b")


def test_no_english_in_dutch_texts() -> None:
    found = [(k, ENGLISH.findall(v)) for k, v in _values("nl")
             if k not in BILINGUAL and k not in QUOTES_ENGLISH and ENGLISH.search(v)]
    assert found == []


def test_texts_before_the_language_is_known_are_in_both() -> None:
    for key in BILINGUAL:
        for lang in ("nl", "en"):
            value = TEXTS.get(lang, key)
            assert ENGLISH.search(value), (lang, key)
            assert re.search(r"(?i)\b(je|jij|ik|dit|deze|een|het|mij|niet)\b", value), (lang, key)


def test_one_word_for_a_case_per_language() -> None:
    """Dutch staff texts say dossier, English ones case: never the other word."""
    assert [k for k, v in _values("nl") if re.search(r"\bcases?\b", v, re.I)] == []
    assert [k for k, v in _values("en") if re.search(r"\bdossiers?\b", v, re.I)] == []


@pytest.mark.parametrize("lang", sorted(BUILT_IN))
def test_state_variants_keep_their_promises(lang: str) -> None:
    any_time = re.compile(r"stuur me|send me|any ?time|altijd", re.I)
    thanks = re.compile(r"dank|thank", re.I)
    reminder = re.compile(r"herinner|remind", re.I)
    assert not any_time.search(TEXTS.get(lang, "session.session_closed_next"))
    assert "{when}" in TEXTS.get(lang, "session.session_closed_next")
    assert not thanks.search(TEXTS.get(lang, "session.session_closed_no_show"))
    assert not reminder.search(TEXTS.get(lang, "booked_no_reminder"))
    assert not reminder.search(TEXTS.get(lang, "session.followup_booked_youth_no_reminder"))
    # One thanks per moment: the intake's last text thanks, the offer that follows does not.
    assert not thanks.search(TEXTS.get(lang, "offer_intro"))
    # Nobody reads the DM after a crisis reply when nobody is online: no such promise.
    assert not re.search(r"we lezen|we will read|we read", TEXTS.get(lang, "crisis.nobody_online"))


def test_the_summary_shows_the_story_once() -> None:
    story = "ik heb ruzie met mijn ouders"
    msg = summary_message(TEXTS, "nl", [("Onderwerp", "School"),
                                        ("Wat er aan de hand is", story)], story, 0, "Sara")
    assert msg.plain.count(story) == 1 and msg.html.count(story) == 1
    assert "Onderwerp: School" in msg.plain
    # Skipped: the summary line says so (once), and there is no quote.
    skipped = summary_message(TEXTS, "nl", [("Wat er aan de hand is", "(overgeslagen)")],
                              "", 0, "Sara")
    assert skipped.plain.count("(overgeslagen)") == 1


# --- check-config: every language a youth can be spoken to in has every text ---------------

BASE = {"matrix": {"homeserver": "http://x.invalid", "user_id": "@bot:x", "password": "p"},
        "session": {"languages": ["nl", "en", "fr"], "outcomes": [
            {"id": "done", "label": {"nl": "afgerond", "en": "done", "fr": "terminé"}}]}}


def _check(texts: dict[str, object] | None) -> str:
    data = {**BASE, **({"texts": texts} if texts is not None else {})}
    try:
        parse_config(yaml.safe_dump(data, allow_unicode=True))
    except ConfigError as exc:
        return str(exc)
    return ""


def test_check_config_names_every_missing_text_of_a_used_language() -> None:
    none = _check(None)
    assert "'fr' (used in session.languages)" in none and "texts.fr misses" in none
    assert f"misses {len(all_keys())} keys" in none
    partial = _check({"fr": {"greeting": "Salut !", "session": {"room_name": "Chat {when}"}}})
    missing = partial.split("bot/texts/en.py): ")[1].split(", ")
    assert "greeting" not in missing and "session.room_name" not in missing
    assert "greeting_first" in missing and "session.session_closed_no_show" in missing
    assert len(missing) == len(all_keys()) - 2
    # A complete block passes.
    assert _check({"fr": en.TEXTS}) == ""


def test_check_config_cli_names_the_gap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(BASE, allow_unicode=True))
    assert main(["check-config", str(path)]) == 1
    assert "texts.fr misses" in capsys.readouterr().err
