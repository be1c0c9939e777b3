"""Precision and recall of the tagger on the labelled evaluation set, per topic and for communes.

    .venv/bin/python bench/tagging_bench.py [--cases tests/fixtures/tagging_eval.jsonl] [--misses]

Paths are relative to the repository. The goal is 0.9 or better on every row; the exit status
is 1 when a row misses it (the unit test ``tests/test_tagging_eval.py`` asserts the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news.tagging import build_tagger  # noqa: E402
from news.tagging_eval import evaluate, parse_cases  # noqa: E402

CASES = Path("tests/fixtures/tagging_eval.jsonl")
GOAL = 0.9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="relative to the repository")
    parser.add_argument("--misses", action="store_true", help="also list the cases tagged wrong")
    args = parser.parse_args()
    path = args.cases if args.cases.is_absolute() else ROOT / args.cases
    cases = parse_cases(path.read_text(encoding="utf-8").splitlines())
    report = evaluate(build_tagger("Điện Biên"), cases)
    print(f"{len(cases)} cases from {args.cases}")
    print(f"{'':12} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, score in report.scores.items():
        print(
            f"{name:12} {score.precision:9.3f} {score.recall:7.3f} {score.true_positives:4d}"
            f" {score.false_positives:4d} {score.false_negatives:4d}"
        )
    if args.misses:
        for miss in report.misses:
            print(f"- {miss.kind}: {miss.title!r}: expected {miss.expected}, found {miss.found}")
    below = report.below(GOAL)
    print(f"goal {GOAL}: " + (f"missed by {', '.join(below)}" if below else "met on every row"))
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
