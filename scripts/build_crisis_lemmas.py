"""Write the crisis net's lemma table for the built-in patterns (bot/config/crisis_lemmas.json)
from simplemma's full Dutch and English dictionaries. Run it after changing a built-in pattern,
concept or exclusion in bot/config/crisis_defaults.yaml (or simplemma's version);
tests/domain/test_crisis_lemmas.py fails until the shipped table is what this writes.

    .venv/bin/python scripts/build_crisis_lemmas.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config.crisis import CrisisConfig  # noqa: E402
from bot.config.crisis_lemmas import SHIPPED_FILE, dumps, make_table  # noqa: E402
from bot.domain.crisis import vocabulary  # noqa: E402

TARGET = ROOT / "bot" / "config" / SHIPPED_FILE


def built() -> str:
    """The table file for the built-in patterns, as it should be."""
    return dumps(make_table(vocabulary(CrisisConfig().rules())))


def main(argv: list[str]) -> int:
    text = built()
    if "--check" in argv:
        same = TARGET.exists() and TARGET.read_text(encoding="utf-8") == text
        print(f"{TARGET.name}: {'up to date' if same else 'OUT OF DATE'}")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text.encode()) // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
