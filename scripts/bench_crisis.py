"""Benchmark the crisis matcher: p50/p95 time of `classify` on 500-character messages
(target: p95 < 1 ms) and on 40,000-character ones. A benchmark, not a test.

    .venv/bin/python scripts/bench_crisis.py [--rounds N]

Messages are built from the evaluation set's sentences (Dutch and English, danger and
everyday mixed), so most words have been seen before, as in a running bot; the "unseen
words" rows use made-up words, each looked up in the dictionaries for the first time.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config.crisis import CrisisConfig  # noqa: E402
from bot.domain.crisis import CrisisMatcher  # noqa: E402

SET = ROOT / "tests" / "data" / "crisis_eval.yaml"


def sentences() -> list[str]:
    data = yaml.safe_load(SET.read_text(encoding="utf-8"))
    return [str(t) for cats in data.values() for texts in cats.values() for t in texts]


def message(rnd: random.Random, pool: list[str], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        parts.append(rnd.choice(pool))
        length += len(parts[-1]) + 2
    return ". ".join(parts)[:size]


def made_up(rnd: random.Random, size: int) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        words.append("".join(rnd.choices("abcdefghijklmnoprstuvwz", k=rnd.randint(3, 10))))
        length += len(words[-1]) + 1
    return " ".join(words)[:size]


def timings(fn: Callable[[str], object], texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        start = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=100)
    return f"  {name:<34} n={len(ms):<5} p50 {q[49]:8.3f} ms   p95 {q[94]:8.3f} ms"


def main(argv: list[str]) -> int:
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 2000
    rnd = random.Random(10)
    pool = sentences()
    start = time.perf_counter()
    matcher = CrisisMatcher(CrisisConfig())
    setup = (time.perf_counter() - start) * 1000
    for text in pool:  # a running bot has seen these words before
        matcher.classify(text)

    short = [message(rnd, pool, 500) for _ in range(rounds)]
    long = [message(rnd, pool, 40_000) for _ in range(max(20, rounds // 40))]
    fresh_short = [made_up(rnd, 500) for _ in range(max(200, rounds // 4))]
    fresh_long = [made_up(rnd, 40_000) for _ in range(10)]

    print(f"crisis matcher benchmark (setup incl. dictionaries: {setup:.0f} ms)")
    results = {
        "500 chars": timings(matcher.classify, short),
        "40,000 chars": timings(matcher.classify, long),
        "500 chars, unseen words": timings(matcher.classify, fresh_short),
        "40,000 chars, unseen words": timings(matcher.classify, fresh_long),
        "3 messages of 500 (classify_recent)": [
            t for t in timings(lambda s: matcher.classify_recent([s, s[::-1], s]), short[:500])
        ],
    }
    for name, ms in results.items():
        print(row(name, ms))
    p95 = statistics.quantiles(results["500 chars"], n=100)[94]
    print(f"\nsummary: p95 for a 500-character message {p95:.3f} ms "
          f"(target < 1 ms: {'met' if p95 < 1 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
