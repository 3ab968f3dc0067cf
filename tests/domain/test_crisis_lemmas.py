"""The crisis net's pruned lemma table gives exactly what simplemma's full dictionaries give.

The shipped table is what the dictionaries give for the built-in patterns; the look-up
mirrors simplemma's; every word the crisis net can look up matches the same terms with the
pruned table as with the full dictionaries; the evaluation set classifies identically; a
config with other words gets its own table (a child process, cached 0600), or the full
dictionaries with one INFO line.
"""

from __future__ import annotations

import importlib.util
import logging
import random
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest
from simplemma.strategies import DictionaryLookupStrategy, RulesStrategy
from simplemma.strategies.defaultrules import RULE_FUNCTIONS

from bot.config import crisis_lemmas as lemma_files
from bot.config.crisis import CrisisConfig
from bot.domain.crisis import CrisisMatcher, compile_rules, vocabulary
from bot.domain.crisis_lemmas import (
    LANGUAGES,
    RULES,
    LemmaTable,
    Vocabulary,
    _candidates,
    _uncased,
)
from bot.domain.crisis_text import _TABLE, _fold, raw_words

from .test_crisis import MUST_HIT, MUST_NOT_HIT

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    """A module of scripts/ (they are not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


build_crisis_lemmas = _script("build_crisis_lemmas")
eval_crisis = _script("eval_crisis")

DEFAULTS = CrisisConfig()
VOCABULARY = vocabulary(DEFAULTS.rules())
# An admin's addition with a word the built-ins do not have: "verdronk" is "verdrinken" only
# by the dictionary.
EXTRA = CrisisConfig.model_validate(
    {"categories": {"drowning": {"label": "verdrinken", "concern": ["> ik verdrinken ~3"]}}}
)


@lru_cache(maxsize=1)
def dictionaries() -> dict[str, dict[str, str]]:
    return lemma_files.full_dictionaries()


@lru_cache(maxsize=1)
def candidates() -> tuple[str, ...]:
    """Every word the crisis net can look up that finds a dictionary entry (nl or en)."""
    found: set[str] = set()
    for lang in LANGUAGES:
        found.update(_candidates(dictionaries()[lang], _uncased()))
    return tuple(sorted(found))


def shipped() -> LemmaTable:
    table = lemma_files.shipped_table()
    assert table is not None, "the shipped table is for the installed simplemma version"
    return table


def test_the_shipped_table_is_what_the_dictionaries_give_for_the_built_in_patterns() -> None:
    shipped_text = (ROOT / "bot" / "config" / lemma_files.SHIPPED_FILE).read_text("utf-8")
    assert build_crisis_lemmas.built() == shipped_text, (
        "bot/config/crisis_lemmas.json is out of date: run scripts/build_crisis_lemmas.py"
    )
    assert shipped().vocabulary == VOCABULARY
    assert 2_000 < sum(len(t) for t in shipped().tables.values()) < 20_000


def test_the_look_up_and_the_rules_are_simplemmas() -> None:
    lookup, rules = DictionaryLookupStrategy(), RulesStrategy()
    full = lemma_files.full_table()
    every = candidates()
    words = [w for w in every if not (w.isascii() and w.islower())]  # capitals, ʼ, accents
    words += random.Random(16).sample(every, 40_000)
    words += ["dʼr", "ʼns", "kʼs", "mogelijkheden", "boerderijen", "vrijen", "agencies",
              "kingdoms", "organized", "deserves", "achterpaginaʼs"]
    assert len(words) > 50_000
    for lang in LANGUAGES:
        for word in words:
            assert full.lemma(word, lang) == (
                lookup.get_lemma(word, lang) or rules.get_lemma(word, lang)
            ), (word, lang)
        for form in dictionaries()[lang]:
            assert RULES[lang](form) == RULE_FUNCTIONS[lang](form), (form, lang)


def test_a_word_has_no_capital_letter_that_a_dictionary_form_could_be_reached_by() -> None:
    """What `_candidates` relies on: the only capitals in a normalised word are ones (Cherokee)
    that no nl/en dictionary form has in any case, so a word's reversed-case form is its
    capitalised one."""
    # Each character is normalised on its own (NFKD, casefold; marks dropped), so one string
    # of every code point, space-separated, gives every character a word can have.
    every = " ".join(chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000)
    chars = set(_fold(every).translate(_TABLE)) | set("abcdefghijklmnopqrstuvwxyz")
    capitals = {c for c in chars if c.isalpha() and (c.isupper() or c.lower() != c)}
    assert capitals and all(0x13A0 <= ord(c) <= 0x13FF for c in capitals)  # Cherokee
    reachable = {x for c in capitals for x in (c, *c.lower(), *c.title(), *c.upper())}
    for lang in LANGUAGES:
        assert not any(reachable.intersection(form) for form in dictionaries()[lang])


def differing(pruned: LemmaTable, words: Iterable[str]) -> Iterator[str]:
    """The words whose lemmas that count differ from the full dictionaries'."""
    full = LemmaTable(dictionaries(), None)  # as full_table(), in plain dicts: faster
    for word in words:
        for lang in LANGUAGES:
            mine, theirs = pruned.lemma(word, lang), full.lemma(word, lang)
            if VOCABULARY.counts(mine) != VOCABULARY.counts(theirs) or (
                VOCABULARY.counts(theirs) and mine != theirs
            ):
                yield word


def test_every_word_that_finds_a_dictionary_entry_gets_the_same_lemmas_that_count() -> None:
    assert list(differing(shipped(), candidates())) == []
    # The blocked entries are needed: without them, words differ.
    unblocked = LemmaTable({lang: {k: v for k, v in t.items() if v}
                            for lang, t in shipped().tables.items()}, VOCABULARY)
    assert next(differing(unblocked, candidates()), None) is not None


def _pair(config: CrisisConfig) -> tuple[CrisisMatcher, CrisisMatcher]:
    return (CrisisMatcher(config, lemmas=config.lemma_table()),
            CrisisMatcher(config, lemmas=lemma_files.full_table()))


def test_the_evaluation_set_classifies_identically() -> None:
    pruned, full = _pair(DEFAULTS)
    assert pruned.lemmas is shipped()
    texts = [item.text for item in eval_crisis.load_set()]
    texts += [text for text, _ in MUST_HIT] + list(MUST_NOT_HIT)
    assert len(texts) > 400
    for text in texts:
        assert pruned.classify(text) == full.classify(text), text
    for i in range(len(texts) - 2):
        assert pruned.classify_recent(texts[i : i + 3]) == full.classify_recent(texts[i : i + 3])


def test_every_word_a_dictionary_form_can_be_matches_the_same_terms() -> None:
    """Every normalised dictionary form whose lemma or rule output counts, a sample of the
    other forms and of the words whose look-up finds an entry, and the patterns' words with
    the suffixes the rules know."""
    rules = DEFAULTS.rules()
    pruned = compile_rules(rules, shipped()).index
    full = compile_rules(rules, lemma_files.full_table()).index
    assert pruned is not full
    rng = random.Random(16)
    words = set(rng.sample(candidates(), 30_000))
    words.update(w for w in candidates() if not (w.isascii() and w.islower()))  # ʼ, accents
    for lang in LANGUAGES:
        forms = dictionaries()[lang]
        counting = [f for f, lemma in forms.items()
                    if VOCABULARY.counts(lemma) or VOCABULARY.counts(RULES[lang](f))]
        assert len(counting) > 1_000
        for form in [*counting, *rng.sample(sorted(forms), 20_000)]:
            words.update(raw_words(form))
    words.update(w + suffix for w in VOCABULARY.words
                 for suffix in ("", "s", "en", "heden", "ijen", "tions", "ized", "erves"))
    differ = [w for w in sorted(words) if pruned.terms_of(w) != full.terms_of(w)]
    assert differ == []
    assert sum(1 for w in words if full.terms_of(w)) > 3_000  # the check has teeth


def test_vocabulary_cover() -> None:
    base = Vocabulary(frozenset({"slaan", "dood"}), frozenset({"zelfmoord", "pil"}))
    assert base.covers(Vocabulary(frozenset({"dood", "zelfmoorden", "pillen"}),
                                  frozenset({"pillen", "zelfmoordg"})))
    assert not base.covers(Vocabulary(frozenset({"vallen"}), frozenset()))
    assert not base.covers(Vocabulary(frozenset(), frozenset({"pi"})))
    assert shipped().covers(VOCABULARY)
    assert not shipped().covers(vocabulary(EXTRA.rules()))


def test_a_table_that_does_not_cover_the_patterns_is_refused() -> None:
    with pytest.raises(ValueError, match="does not cover"):
        CrisisMatcher(EXTRA, lemmas=shipped())


def test_other_words_get_a_table_built_by_a_child_process_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = tmp_path / f"{lemma_files.CACHE_PREFIX}2.0.0-{'0' * 20}.json"
    earlier.write_text("{}")  # an earlier config's table
    table = EXTRA.lemma_table(tmp_path)
    assert table is not shipped() and table.vocabulary == vocabulary(EXTRA.rules())
    kept = lemma_files.cache_path(vocabulary(EXTRA.rules()), tmp_path)
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [kept.name]  # the earlier one is gone
    matcher = CrisisMatcher(EXTRA, lemmas=table)
    found = matcher.classify("ik verdronk bijna")
    assert found is not None and found.category == "drowning"
    full = CrisisMatcher(EXTRA, lemmas=lemma_files.full_table())
    for text in ["ik verdronk bijna", "ik verdrink", "ik ben bijna verdronken", "ik wil dood"]:
        assert matcher.classify(text) == full.classify(text)

    # Next start (or reload): read from the data directory, no child process.
    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("no child process for a kept table")

    monkeypatch.setattr(subprocess, "run", no_child)
    again = EXTRA.lemma_table(tmp_path)
    assert again.vocabulary == table.vocabulary and again.tables == table.tables

    # A damaged file is built again.
    text = kept.read_text("utf-8")
    kept.write_text(text[: len(text) // 2], "utf-8")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, text))
    assert EXTRA.lemma_table(tmp_path).tables == table.tables
    assert kept.read_text("utf-8") == text


def test_tables_do_not_share_cached_words() -> None:
    """A reload to patterns with other words must not reuse what the old table cached."""
    default = CrisisMatcher(DEFAULTS)
    assert default.classify("ik verdronk") is None
    assert "verdrinken" not in shipped().all_keys("verdronk")  # cached without the lemma
    extra = CrisisMatcher(EXTRA, lemmas=lemma_files.full_table())
    assert extra.classify("ik verdronk") is not None


def test_without_a_data_directory_the_full_dictionaries_and_one_info_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.config.crisis_lemmas"):
        table = EXTRA.lemma_table()
    assert table is lemma_files.full_table()
    lines = [r for r in caplog.records if r.name == "bot.config.crisis_lemmas"]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert "full lemma dictionaries" in lines[0].getMessage()


def test_a_failing_child_falls_back_to_the_full_dictionaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def failing(*args: object, **kwargs: object) -> None:
        raise subprocess.CalledProcessError(1, "child")

    monkeypatch.setattr(subprocess, "run", failing)
    with caplog.at_level(logging.INFO, logger="bot.config.crisis_lemmas"):
        assert EXTRA.lemma_table(tmp_path) is lemma_files.full_table()
    assert "CalledProcessError" in caplog.text
    assert list(tmp_path.iterdir()) == []
