"""Trains the learned fallback of the intent parser (``news.intent_model``) and measures it.

Trains a naive Bayes on every labelled set of ``bench/intents_bench.py`` but the blind ones,
``intents_holdout38.jsonl`` and ``intents_holdout39.jsonl`` (the next two, not written yet:
kept out until their first look; holdout10 to holdout37 were the blind sets until theirs, and
are trained on since) and writes
``news/intent_model.json``.
Same sets, same file, byte for byte (``tests/test_intent_model.py`` checks it).

``--choose`` shows how the constants below were chosen, by leave-one-set-out over the training
sets only: for each set k, a model trained without k reads k.
- ALPHA (smoothing) and SCALE (the log-likelihood's divisor: naive Bayes counts a word's every
  n-gram as independent evidence and is sure of everything) minimise the log-loss of the model
  alone.
- THRESHOLD maximises the accuracy of rules + fallback on the rules' *first look* at each blind
  set (holdout3 to holdout9 as the rules read them when each was new: ``FIRST_LOOK``, dumped
  from the first commit of main holding the set; their scores are the recorded first scores,
  0.809 … 0.834). Today's rules read every training set right, so they show the fallback
  nothing to do; the first looks show what it meets on new wording: the rules' misses beside
  the messages that truly mean nothing Loa does.
A suggestion the fallback asks back ("Có phải … không?") counts as its intent, as in the bench.

Figures when the model was first chosen (``--choose``; model 97 KB, 3 679 features, 0.4 ms a
reading, 13 ms to load; with 34 sets and the normalised words' features it is 600 KB, 0.1 s
to load; the first looks pooled, OVERRULE's table, are the figures to watch now):
- model alone, each set read by a model trained without it: 0.871 to 0.968 (tuning 0.901,
  holdout 0.871, holdout2 0.968, holdout3 0.888, holdout4 0.929, holdout5 0.915, holdout6 0.922,
  holdout7 0.934, holdout8 0.890, holdout9 0.870);
- today's rules + that model: 1.000 where the rules alone score 1.000 on seven sets, but 0.983
  on holdout3, 0.994 on holdout4, 0.995 on holdout6, 0.997 on holdout8 (messages that mean
  nothing Loa does given an answer);
- first looks pooled (1 638 messages): 0.861 alone, 0.911 with the fallback at 0.6 (89 misses
  right, 6 right answers wrong, all "unknown").
On the blind holdout10 afterwards (``bench/intents_bench.py --fallback``): 0.842 -> 0.896, 22
misses right, 2 right answers wrong ("unknown" 20/20 -> 18/20, both harmless); the app uses it
(bot.wording.meaning).

    .venv/bin/python bench/train_intents.py            # write news/intent_model.json
    .venv/bin/python bench/train_intents.py --choose   # leave-one-set-out figures
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.intents_bench import SETS, counted
from bot.catalog import build_catalog
from bot.wording import meaning
from news import intent_model
from news.intent_model import MODEL_PATH, IntentModel, fallback, train
from news.intents import Intent, IntentParser
from news.intents_eval import Case, canonical, correct, parse_cases
from news.resolve import Choice, ChoiceKind

ROOT = Path(__file__).resolve().parents[1]
BLIND = frozenset({"holdout38", "holdout39"})  # the next, not written yet (10-37 were blind)
# Per set, one [intent, args, [kind, value] or null, asked back] a message: ``meaning`` (or
# ``IntentParser.parse`` before it existed) at the first commit of main holding the set (ea1f480,
# 5daef07, eb2857b, f0f74f6, ce6d6e2, 1e09118, afc5520 for holdout3 … holdout9), on today's
# labels; each scores exactly the first score recorded in bench/intents_bench.py. holdout10 …
# holdout31: ``meaning(..., learned=False)`` (the rules alone) at the commit adding the set
# (``git log --diff-filter=A``: 4bcd864 … ec5b219), on today's texts; holdout32 and holdout33
# at d349817, the commit of their one first look.
FIRST_LOOK = ROOT / "bench/intents_first_look.json"
ALPHA, SCALE, THRESHOLD = 0.05, 8.0, 0.6
ALPHAS, SCALES = (0.05, 0.1, 0.2), (3.0, 5.0, 8.0, 12.0)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
OVERRULES = (0.8, 0.9, 0.95, 0.97, 0.99, 1.01)  # 1.01: the rules' readings never overruled


def training_sets() -> dict[str, list[Case]]:
    """Every labelled set but the blind ones, by bench name."""
    return {
        name: parse_cases(path.read_text(encoding="utf-8").splitlines())
        for name, path in SETS.items()
        if name not in BLIND
    }


def build(
    sets: dict[str, list[Case]],
    without: str | None = None,
    *,
    alpha: float = ALPHA,
    scale: float = SCALE,
    threshold: float = THRESHOLD,
) -> IntentModel:
    """The model trained on ``sets`` (but set ``without``), in the sets' order."""
    pairs = [pair for name, cases in sets.items() if name != without for pair in _pairs(cases)]
    return train(pairs, alpha=alpha, scale=scale, threshold=threshold, normalise=normalised)


@cache
def _parser() -> IntentParser:
    return IntentParser(build_catalog("Điện Biên").resolver)


@cache
def normalised(text: str) -> str:
    """``text`` as the rules read its words (what the app gives the model beside it)."""
    return _parser().normalised(text)


def _pairs(cases: Sequence[Case]) -> list[tuple[str, str]]:
    return [(case.text, case.intent) for case in cases]


def first_looks() -> dict[str, list[Intent]]:
    """The rules' first reading of each blind set when it was new, by set name."""
    data = json.loads(FIRST_LOOK.read_text(encoding="utf-8"))
    return {name: [_intent(row) for row in rows] for name, rows in data.items()}


def _intent(row: list[object]) -> Intent:
    name, args, choice, guess = row
    assert isinstance(name, str) and isinstance(args, str)
    chosen = None
    if isinstance(choice, list):
        kind, value = choice
        chosen = Choice(ChoiceKind(kind), value, value)
    return Intent(name, args, chosen, guess=Intent("unknown") if guess else None)


def accuracy(cases: Sequence[Case], readings: Sequence[Intent]) -> float:
    pairs = zip(cases, readings, strict=True)
    right = sum(correct(case, canonical(found)) for case, found in pairs)
    return right / len(cases)


def with_model(cases: Sequence[Case], rules: Sequence[Intent], model: IntentModel) -> list[Intent]:
    """The rules' readings with the fallback after them, as the bench counts them."""
    pairs = zip(cases, rules, strict=True)
    return [
        counted(fallback(found, case.text, model, normalised(case.text))) for case, found in pairs
    ]


def at_threshold(model: IntentModel, threshold: float) -> IntentModel:
    return IntentModel(model.classes, model.docs, model.counts, model.alpha, model.scale, threshold)


def grid_search(sets: dict[str, list[Case]]) -> None:
    """The model alone, leave-one-set-out, for every ALPHA and SCALE: accuracy, log-loss."""
    print("model alone, leave-one-set-out over the training sets: accuracy, log-loss")
    for alpha in ALPHAS:
        for scale in SCALES:
            right, loss, total = 0, 0.0, 0
            for held, cases in sets.items():
                model = build(sets, held, alpha=alpha, scale=scale)
                for case in cases:
                    probabilities = model.probabilities(case.text, normalised(case.text))
                    right += max(probabilities, key=probabilities.__getitem__) == case.intent
                    loss -= math.log(max(probabilities.get(case.intent, 0.0), 1e-12))
                    total += 1
            print(f"  alpha {alpha:<5} scale {scale:<5} {right / total:.3f} {loss / total:.3f}")


def choose(sets: dict[str, list[Case]]) -> None:
    """Leave-one-set-out figures for THRESHOLD: per set k, with a model trained without k, the
    model alone, today's rules without and with it, the first look without and with it at
    each threshold; then the first looks pooled."""
    looks = first_looks()
    today = _parser()
    print(f"per set k (model trained without k), ALPHA {ALPHA}, SCALE {SCALE}:")
    heads = f"{'set':10} {'model':>6} {'today':>6} {'+model':>6} {'first look':>10} "
    print(heads + " ".join(f"{t:>5}" for t in THRESHOLDS))
    pooled = dict.fromkeys(THRESHOLDS, 0)
    turned = {t: [0, 0] for t in THRESHOLDS}  # misses turned right, right answers turned wrong
    lost: dict[str, int] = {}  # at THRESHOLD: right answers turned wrong, by intent
    first = total = 0
    for held, cases in sets.items():
        model = build(sets, held)
        alone = sum(
            model.predict(case.text, normalised(case.text))[0] == case.intent for case in cases
        ) / len(cases)
        readings = [meaning(case.text, today) for case in cases]
        line = (
            f"{held:10} {alone:6.3f} {accuracy(cases, readings):6.3f} "
            f"{accuracy(cases, with_model(cases, readings, model)):6.3f}"
        )
        if held not in looks:
            print(line)
            continue
        rules, figures = looks[held], []
        for threshold in THRESHOLDS:
            found = with_model(cases, rules, at_threshold(model, threshold))
            for case, was, now in zip(cases, rules, found, strict=True):
                was_right, now_right = correct(case, canonical(was)), correct(case, canonical(now))
                pooled[threshold] += now_right
                turned[threshold][0] += now_right and not was_right
                turned[threshold][1] += was_right and not now_right
                if was_right and not now_right and threshold == THRESHOLD:
                    lost[case.intent] = lost.get(case.intent, 0) + 1
            figures.append(accuracy(cases, found))
        first += round(accuracy(cases, rules) * len(cases))
        total += len(cases)
        print(f"{line} {accuracy(cases, rules):10.3f} " + _row(figures))
    print(f"{'pooled':31} {first / total:10.3f} " + _row(pooled[t] / total for t in THRESHOLDS))
    print(f"{'misses turned right':42} " + _row(turned[t][0] for t in THRESHOLDS))
    print(f"{'right answers turned wrong':42} " + _row(turned[t][1] for t in THRESHOLDS))
    print(f"right answers turned wrong at THRESHOLD {THRESHOLD}, by intent: {lost}")
    best = max(THRESHOLDS, key=lambda t: (pooled[t], t))  # the best pooled; the highest of ties
    print(f"best threshold on the first looks: {best} (THRESHOLD is {THRESHOLD})")


def overrules(sets: dict[str, list[Case]]) -> None:
    """``news.intent_model.OVERRULE`` chosen: the first looks pooled, rules + fallback (a model
    trained without the set), at each probability the model needs to overrule what the rules
    understood."""
    looks, chosen = first_looks(), intent_model.OVERRULE
    right = dict.fromkeys(OVERRULES, 0)
    total = 0
    for held, rules in looks.items():
        cases, model = sets[held], build(sets, held)
        for overrule in OVERRULES:
            intent_model.OVERRULE = overrule
            pairs = zip(cases, with_model(cases, rules, model), strict=True)
            right[overrule] += sum(correct(case, canonical(found)) for case, found in pairs)
        total += len(cases)
    intent_model.OVERRULE = chosen
    print(f"first looks pooled ({total}) by OVERRULE " + _row(OVERRULES))
    print(f"{'':33}" + _row(right[o] / total for o in OVERRULES) + f" (OVERRULE is {chosen})")


def _row(figures: Iterable[float]) -> str:
    return " ".join(f"{f:5d}" if isinstance(f, int) else f"{f:5.3f}" for f in figures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--choose", action="store_true", help="leave-one-set-out figures")
    parser.add_argument("--grid", action="store_true", help="ALPHA and SCALE too (slow)")
    args = parser.parse_args()
    sets = training_sets()
    if args.grid:
        grid_search(sets)
    if args.choose or args.grid:
        choose(sets)
        overrules(sets)
        return 0
    model = build(sets)
    MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
    print(f"{MODEL_PATH.relative_to(ROOT)}: {MODEL_PATH.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
