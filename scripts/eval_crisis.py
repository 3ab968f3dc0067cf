"""Evaluate the crisis net on tests/data/crisis_eval.yaml (the built-in config).

Prints recall per tier and category (acute items: caught as acute; concern items: caught
as acute or concern), how often the category is right, the false alarms on the hard
negatives, and summary lines. `--misses` lists what was missed or falsely alarmed.

    .venv/bin/python scripts/eval_crisis.py [--misses] [path/to/set.yaml]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config.crisis import CrisisConfig  # noqa: E402
from bot.domain.crisis import CrisisMatcher, CrisisResult  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "crisis_eval.yaml"
TARGET_ACUTE = 0.97
TARGET_ANY = 0.99
TARGET_FALSE_ALARMS = 0.05


@dataclass(frozen=True)
class Item:
    text: str
    tier: str  # acute | concern | none
    category: str  # for none: the category whose words it uses, or "everyday"


@dataclass
class Report:
    items: list[tuple[Item, CrisisResult | None]]

    def _of(self, tier: str) -> list[tuple[Item, CrisisResult | None]]:
        return [(i, r) for i, r in self.items if i.tier == tier]

    @property
    def acute_recall(self) -> float:
        got = self._of("acute")
        return sum(1 for _, r in got if r is not None and r.acute) / len(got)

    @property
    def any_recall(self) -> float:
        got = self._of("acute") + self._of("concern")
        return sum(1 for _, r in got if r is not None) / len(got)

    @property
    def hard_negatives(self) -> list[tuple[Item, CrisisResult | None]]:
        return [(i, r) for i, r in self._of("none") if i.category != "everyday"]

    @property
    def false_alarm_rate(self) -> float:
        hard = self.hard_negatives
        return sum(1 for _, r in hard if r is not None and r.acute) / len(hard)


def load_set(path: Path = DEFAULT_SET) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Item(str(text), tier, category)
        for tier, categories in data.items()
        for category, texts in categories.items()
        for text in texts
    ]


def evaluate(items: list[Item], matcher: CrisisMatcher | None = None) -> Report:
    matcher = matcher or CrisisMatcher(CrisisConfig())
    return Report([(item, matcher.classify(item.text)) for item in items])


def _pct(part: int, whole: int) -> str:
    return f"{part:>3}/{whole:<3} {100 * part / whole:5.1f} %" if whole else "  -"


def main(argv: list[str]) -> int:
    show = "--misses" in argv
    args = [a for a in argv if not a.startswith("--")]
    items = load_set(Path(args[0]) if args else DEFAULT_SET)
    report = evaluate(items)
    rows: dict[tuple[str, str], list[tuple[Item, CrisisResult | None]]] = defaultdict(list)
    for item, result in report.items:
        rows[(item.tier, item.category)].append((item, result))

    print(f"crisis evaluation: {len(items)} messages\n")
    print(f"{'tier':<8} {'category':<16} {'as acute':>15} {'acute/concern':>15} {'right cat.':>15}")
    for (tier, cat), got in rows.items():
        if tier == "none":
            continue
        acute = sum(1 for _, r in got if r is not None and r.acute)
        caught = sum(1 for _, r in got if r is not None)
        right = sum(1 for i, r in got if r is not None and i.category in r.categories)
        print(f"{tier:<8} {cat:<16} {_pct(acute, len(got)):>15} {_pct(caught, len(got)):>15}"
              f" {_pct(right, len(got)):>15}")
    print(f"\n{'no alarm':<25} {'acute alarms':>15} {'concern':>15}")
    for (tier, cat), got in rows.items():
        if tier != "none":
            continue
        acute = sum(1 for _, r in got if r is not None and r.acute)
        concern = sum(1 for _, r in got if r is not None and not r.acute)
        print(f"none     {cat:<16} {_pct(acute, len(got)):>15} {_pct(concern, len(got)):>15}")

    if show:
        print("\nmisses and false alarms:")
        for item, result in report.items:
            wrong = (
                (item.tier == "acute" and (result is None or not result.acute))
                or (item.tier == "concern" and result is None)
                or (item.tier == "none" and result is not None and result.acute)
            )
            if wrong:
                got = f"{result.tier}/{result.category} by {result.pattern!r}" if result else "-"
                print(f"  [{item.tier}/{item.category}] {item.text!r} -> {got}")

    n_acute = len(report._of("acute"))
    n_any = n_acute + len(report._of("concern"))
    n_hard = len(report.hard_negatives)
    ok = (report.acute_recall >= TARGET_ACUTE and report.any_recall >= TARGET_ANY
          and report.false_alarm_rate <= TARGET_FALSE_ALARMS)
    print("\nsummary")
    print(f"  acute recall:               {100 * report.acute_recall:5.1f} % of {n_acute}"
          f" (target >= {100 * TARGET_ACUTE:.0f} %)")
    print(f"  acute+concern recall:       {100 * report.any_recall:5.1f} % of {n_any}"
          f" (target >= {100 * TARGET_ANY:.0f} %)")
    print(f"  acute false alarms (hard):  {100 * report.false_alarm_rate:5.1f} % of {n_hard}"
          f" (target <= {100 * TARGET_FALSE_ALARMS:.0f} %)")
    print(f"  targets met: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
