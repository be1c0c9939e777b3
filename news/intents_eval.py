"""Scoring the intent parser against a labelled set: accuracy per intent, and the misses.

A case is a message as a resident writes it, the intent a reader gives it and its argument in
a canonical form: "c:<today's unit>" or "t:<topic slug>" for a commune or topic (old names as
the unit they went to), "HH:MM" or "HH:MM-HH:MM" for times, "off", "tatca", the folded words
of a search, or "". Pure: the caller reads the file (``tests/fixtures/intents_eval.jsonl``,
and the holdout ``intents_holdout.jsonl`` kept unseen while tuning; one JSON object a line).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from news.intents import Intent
from news.resolve import ChoiceKind
from news.text import fold


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str
    args: str


@dataclass(slots=True)
class Score:
    right: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass(frozen=True, slots=True)
class Miss:
    case: Case
    found: tuple[str, str]  # (intent, canonical argument) the parser gave


@dataclass(slots=True)
class Report:
    scores: dict[str, Score] = field(default_factory=dict)  # intent -> score
    misses: list[Miss] = field(default_factory=list)

    @property
    def overall(self) -> float:
        right = sum(s.right for s in self.scores.values())
        total = sum(s.total for s in self.scores.values())
        return right / total if total else 1.0

    def below(self, goal: float) -> list[str]:
        return [name for name, score in self.scores.items() if score.accuracy < goal]


def parse_cases(lines: Iterable[str]) -> list[Case]:
    """Cases from JSON lines (blank lines skipped)."""
    return [
        Case(data["text"], data["intent"], data["args"])
        for data in (json.loads(line) for line in lines if line.strip())
    ]


def canonical(intent: Intent) -> tuple[str, str]:
    """(intent, argument) as the labels write them."""
    if intent.choice is not None:
        code = "c" if intent.choice.kind is ChoiceKind.COMMUNE else "t"
        return intent.name, f"{code}:{intent.choice.value}"
    words = re.sub(r"[^\w:-]", " ", fold(intent.args)).split()
    return intent.name, " ".join(word for word in words if word != "-")  # "Tuần Giáo - Điện Biên"


def correct(case: Case, found: tuple[str, str]) -> bool:
    """Whether a reading (``canonical``) is the label's: both the intent and its argument, but
    for "unknown", scored on the intent alone: its argument is no reading but a suggestion (a
    place named in the message offered as a button), which writers labelled both ways ("cho hỏi
    đường đi Sín Thầu": "" or "c:Sín Thầu")."""
    return found == (case.intent, case.args) or found[0] == case.intent == "unknown"


def evaluate(read: Callable[[str], Intent], cases: Sequence[Case]) -> Report:
    """Read every case (``IntentParser.parse``, or the app's whole path: ``bot.wording.meaning``);
    a case is right when the reading is ``correct``."""
    report = Report()
    for case in cases:
        score = report.scores.setdefault(case.intent, Score())
        found = canonical(read(case.text))
        score.total += 1
        if correct(case, found):
            score.right += 1
        else:
            report.misses.append(Miss(case, found))
    return report
