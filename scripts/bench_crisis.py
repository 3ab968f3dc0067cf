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


def sentences(everyday: bool = False) -> list[str]:
    data = yaml.safe_load(SET.read_text(encoding="utf-8"))
    if everyday:
        return [str(t) for t in data["none"]["everyday"]]
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


def timings(fn: Callable[[str], object], texts: list[str]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (this thread) milliseconds per call. On a busy machine the wall
    clock also counts time the process waited for a core; the CPU time does not."""
    wall, cpu = [], []
    for text in texts:
        start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
        fn(text)
        cpu.append((time.thread_time_ns() - start_cpu) / 1e6)
        wall.append((time.perf_counter_ns() - start) / 1e6)
    return wall, cpu


def p(ms: list[float], at: int) -> float:
    return statistics.quantiles(ms, n=100)[at - 1]


def row(name: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"  {name:<38} n={len(wall):<5} wall p50 {p(wall, 50):8.3f}  p95 {p(wall, 95):8.3f}"
        f"   cpu p50 {p(cpu, 50):8.3f}  p95 {p(cpu, 95):8.3f}"
    )


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
    calm = [message(rnd, sentences(everyday=True), 500) for _ in range(rounds)]
    long = [message(rnd, pool, 40_000) for _ in range(max(20, rounds // 40))]
    fresh_short = [made_up(rnd, 500) for _ in range(max(200, rounds // 4))]
    fresh_long = [made_up(rnd, 40_000) for _ in range(10)]

    print(f"crisis matcher benchmark, times in ms (setup incl. dictionaries: {setup:.0f} ms)")
    results = {
        "500 chars, danger-dense": timings(matcher.classify, short),
        "500 chars, everyday": timings(matcher.classify, calm),
        "40,000 chars, danger-dense": timings(matcher.classify, long),
        "500 chars, unseen words": timings(matcher.classify, fresh_short),
        "40,000 chars, unseen words": timings(matcher.classify, fresh_long),
        "classify_recent, 3 x 500 chars": timings(
            lambda s: matcher.classify_recent([s[::-1], s[250:], s]), short[:500]
        ),
    }
    for name, (wall, cpu) in results.items():
        print(row(name, wall, cpu))
    wall, cpu = results["500 chars, danger-dense"]
    print(
        f"\nsummary: 500-character message p95 {p(wall, 95):.3f} ms wall, "
        f"{p(cpu, 95):.3f} ms CPU (target < 1 ms: {'met' if p(wall, 95) < 1 else 'NOT met'}"
        f" on the wall clock, {'met' if p(cpu, 95) < 1 else 'NOT met'} in CPU time)"
    )
    wall, cpu = results["40,000 chars, danger-dense"]
    print(f"         40,000-character message p95 {p(wall, 95):.1f} ms wall, "
          f"{p(cpu, 95):.1f} ms CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
