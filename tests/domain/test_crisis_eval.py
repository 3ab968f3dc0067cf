"""The crisis net on the evaluation set (tests/data/crisis_eval.yaml) meets its targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("eval_crisis", ROOT / "scripts" / "eval_crisis.py")
assert _spec is not None and _spec.loader is not None
eval_crisis = importlib.util.module_from_spec(_spec)
sys.modules["eval_crisis"] = eval_crisis  # dataclasses look their module up
_spec.loader.exec_module(eval_crisis)

ITEMS = eval_crisis.load_set()
REPORT = eval_crisis.evaluate(ITEMS)

# The misses named in issue 10; they must be in the set.
ISSUE_MISSES = [
    "ik wil niet meer",
    "mijn stiefvader slaat me",
    "ik word thuis geslagen",
    "ik heb weer gesneden",
    "ik heb net een doos pillen geslikt",
    "niemand zal me missen als ik er niet meer ben",
    "k wil ni meer leve",
    "I took a whole bottle of pills",
    "i wanna kms",
    "nobody would miss me if I was gone",
    "het heeft geen zin meer",
    "ik zie het niet meer zitten",
    "I can't do this anymore",
]


def test_the_set_is_large_labelled_and_has_hard_negatives() -> None:
    assert len(ITEMS) >= 300
    tiers = {item.tier for item in ITEMS}
    assert tiers == {"acute", "concern", "none"}
    assert len(REPORT.hard_negatives) >= 80
    texts = {item.text for item in ITEMS}
    assert len(texts) == len(ITEMS), "no duplicates"
    for text in ISSUE_MISSES:
        assert text in texts


def test_acute_recall_is_at_least_97_percent() -> None:
    assert REPORT.acute_recall >= eval_crisis.TARGET_ACUTE


def test_acute_plus_concern_recall_is_at_least_99_percent() -> None:
    assert REPORT.any_recall >= eval_crisis.TARGET_ANY


def test_acute_false_alarms_on_hard_negatives_are_at_most_5_percent() -> None:
    assert REPORT.false_alarm_rate <= eval_crisis.TARGET_FALSE_ALARMS


def test_everyday_messages_never_alarm() -> None:
    everyday = [(i, r) for i, r in REPORT.items if i.category == "everyday"]
    assert everyday and all(r is None or not r.acute for _, r in everyday)


@pytest.mark.parametrize("text", ISSUE_MISSES)
def test_every_miss_of_the_issue_is_caught_at_its_tier(text: str) -> None:
    item, result = next((i, r) for i, r in REPORT.items if i.text == text)
    assert result is not None
    if item.tier == "acute":
        assert result.acute and result.category == item.category
