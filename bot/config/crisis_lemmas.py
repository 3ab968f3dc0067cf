"""Where the crisis net's lemma table comes from (the table: bot/domain/crisis_lemmas.py).

- The built-in patterns' table ships in the package (crisis_lemmas.json, written by
  scripts/build_crisis_lemmas.py; tests/domain/test_crisis_lemmas.py rebuilds it from
  simplemma's dictionaries and compares). It serves every config whose pattern words it
  covers: the built-ins, and additions made of words it already has.
- A config with other words (an admin's additions) gets its own table, built once by a
  child process (`python -m bot.config.crisis_lemmas`, so the full dictionaries never enter
  the bot's memory) and kept in the data directory (crisis-lemmas-<hash>.json, mode 0600),
  keyed by the words and simplemma's version. The same goes for the built-ins when another
  simplemma version than the shipped table's is installed.
- When that cannot be done (no data directory, the child fails), the bot loads the full
  dictionaries itself, as before, with one INFO line saying why its memory is higher.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bot.domain.crisis_lemmas import (
    LANGUAGES,
    RULES,
    RULES_VERSION,
    LemmaTable,
    Rule,
    Vocabulary,
    build_table,
)

log = logging.getLogger(__name__)

SHIPPED_FILE = "crisis_lemmas.json"
FORMAT = 1
CACHE_PREFIX = "crisis-lemmas-"
CHILD_TIMEOUT = 300.0  # seconds; the child needs a few


def simplemma_version() -> str:
    return metadata.version("simplemma")


@lru_cache(maxsize=1)
def _rules() -> dict[str, Rule]:
    """The copied nl/en rules, or simplemma's own when another version is installed."""
    if simplemma_version() == RULES_VERSION:
        return dict(RULES)
    from simplemma.strategies.defaultrules import RULE_FUNCTIONS

    return {lang: RULE_FUNCTIONS[lang] for lang in LANGUAGES}


def table_data(vocabulary: Vocabulary, tables: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The file form of a table (the shipped one and the cached ones)."""
    return {"format": FORMAT, "simplemma": simplemma_version(),
            "vocabulary": vocabulary.to_json(), **tables}


def dumps(data: dict[str, Any]) -> str:
    """One entry per line, sorted: a changed pattern shows as a readable diff."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def _table(data: dict[str, Any], source: str) -> LemmaTable | None:
    """The table in `data`, or None when it is of another format or simplemma version."""
    if data.get("format") != FORMAT or data.get("simplemma") != simplemma_version():
        return None
    tables = {lang: dict(data[lang]) for lang in LANGUAGES}
    return LemmaTable(tables, Vocabulary.from_json(data["vocabulary"]), _rules(), source=source)


@lru_cache(maxsize=1)
def shipped_table() -> LemmaTable | None:
    """The built-in patterns' table (None if made with another simplemma version)."""
    text = resources.files("bot.config").joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return _table(json.loads(text), "shipped")


@lru_cache(maxsize=1)
def full_table() -> LemmaTable:
    """simplemma's full Dutch and English dictionaries (about 73 MB in memory)."""
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    tables = {lang: DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang) for lang in LANGUAGES}
    return LemmaTable(tables, None, _rules(), source="full dictionaries")


def full_dictionaries() -> dict[str, dict[str, str]]:
    """The full dictionaries as plain dicts (to build a table from)."""
    from simplemma.strategies.dictionaries import DEFAULT_DICTIONARY_FACTORY

    return {lang: dict(DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang).items())
            for lang in LANGUAGES}


def make_table(vocabulary: Vocabulary) -> dict[str, Any]:
    """Build the table for `vocabulary` here, from the full dictionaries (the child's work;
    also scripts/build_crisis_lemmas.py and the tests)."""
    return table_data(vocabulary, build_table(full_dictionaries(), vocabulary, _rules()))


def table_for(vocabulary: Vocabulary, data_dir: Path | None = None) -> LemmaTable:
    """The lemma table for a config's pattern words (see the module doc)."""
    shipped = shipped_table()
    if shipped is not None and shipped.covers(vocabulary):
        return shipped
    why = "its crisis patterns use words the shipped lemma table does not have"
    if shipped is None:
        why = f"the shipped lemma table is not for simplemma {simplemma_version()}"
    if data_dir is not None:
        try:
            return _cached(vocabulary, Path(data_dir))
        except (OSError, ValueError, KeyError, subprocess.SubprocessError) as exc:
            why += f", and its table could not be built ({type(exc).__name__})"
    else:
        why += " (no data directory to keep its own table in)"
    log.info("crisis net: the full lemma dictionaries are loaded (about 75 MB more memory): %s",
             why)
    return full_table()


def cache_path(vocabulary: Vocabulary, data_dir: Path) -> Path:
    key = vocabulary.digest()
    return data_dir / f"{CACHE_PREFIX}{simplemma_version()}-{key[:20]}.json"


def _cached(vocabulary: Vocabulary, data_dir: Path) -> LemmaTable:
    path = cache_path(vocabulary, data_dir)
    if path.exists():
        try:
            found = _table(json.loads(path.read_text(encoding="utf-8")), path.name)
        except (OSError, ValueError, KeyError, TypeError):
            found = None  # damaged: built again
        if found is not None and found.vocabulary == vocabulary:
            return found
    done = subprocess.run(
        [sys.executable, "-m", "bot.config.crisis_lemmas"],
        input=json.dumps(vocabulary.to_json()), capture_output=True, text=True,
        timeout=CHILD_TIMEOUT, check=True,
    )
    data = json.loads(done.stdout)
    table = _table(data, path.name)
    if table is None or table.vocabulary != vocabulary:
        raise ValueError("the child built a table for something else")
    _write_private(path, dumps(data))
    for old in data_dir.glob(f"{CACHE_PREFIX}*.json"):
        if old != path:
            old.unlink(missing_ok=True)  # an earlier config's table
    log.info("crisis net: built the lemma table for the config's pattern words (%s)", path.name)
    return table


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by the bot's user only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def main() -> int:
    """The child: a vocabulary (JSON) on stdin, its table (JSON) on stdout."""
    vocabulary = Vocabulary.from_json(json.load(sys.stdin))
    sys.stdout.write(dumps(make_table(vocabulary)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
