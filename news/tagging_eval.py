"""Scoring the tagger against a labelled set: precision and recall per topic and for communes.

A case is a title with its lead, its publication date, and the labels a reader gives it: the
communes it concerns (today's units, whatever names it uses) and its topic slugs. Pure: the
caller reads the file (``tests/fixtures/tagging_eval.jsonl``, one JSON object a line).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from news.items import ArticleData
from news.tagging import ArticleTagger
from news.text import summarize

_VIETNAM = timezone(timedelta(hours=7))
COMMUNES = "communes"  # the row of the report for communes (topics are named by slug)


@dataclass(frozen=True, slots=True)
class Case:
    title: str
    lead: str
    published: date
    communes: frozenset[str]
    topics: frozenset[str]


@dataclass(slots=True)
class Score:
    """Counts for one label set (one topic, or all communes)."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    def add(self, expected: frozenset[str], found: frozenset[str]) -> None:
        self.true_positives += len(expected & found)
        self.false_positives += len(found - expected)
        self.false_negatives += len(expected - found)


@dataclass(frozen=True, slots=True)
class Miss:
    """A case the tagger got wrong, for reading the report."""

    title: str
    kind: str  # COMMUNES or "topics"
    expected: list[str]
    found: list[str]


@dataclass(slots=True)
class Report:
    scores: dict[str, Score] = field(default_factory=dict)  # slug or COMMUNES -> score
    misses: list[Miss] = field(default_factory=list)

    def below(self, goal: float) -> list[str]:
        """Rows whose precision or recall is under ``goal``."""
        return [
            name
            for name, score in self.scores.items()
            if score.precision < goal or score.recall < goal
        ]


def parse_cases(lines: Iterable[str]) -> list[Case]:
    """Cases from JSON lines (blank lines skipped)."""
    cases = []
    for line in lines:
        if not line.strip():
            continue
        data = json.loads(line)
        cases.append(
            Case(
                title=data["title"],
                lead=data["lead"],
                published=date.fromisoformat(data["published"]),
                communes=frozenset(data["communes"]),
                topics=frozenset(data["topics"]),
            )
        )
    return cases


def evaluate(tagger: ArticleTagger, cases: Sequence[Case]) -> Report:
    """Tag every case (published at 09:00 Vietnam time that day) and score the result."""
    report = Report({COMMUNES: Score()} | {slug: Score() for slug in tagger.taxonomy.slugs()})
    for case in cases:
        published = datetime.combine(case.published, time(9, 0), tzinfo=_VIETNAM)
        # As extraction stores a page: the body, and its first sentences as the summary (the
        # lead is both).
        data = ArticleData(
            url="eval",
            title=case.title,
            summary=summarize(case.lead),
            body=case.lead,
            published_at=published,
        )
        tags = tagger.tag(data)
        communes, topics = frozenset(tags.communes), frozenset(tags.topics)
        report.scores[COMMUNES].add(case.communes, communes)
        for slug in tagger.taxonomy.slugs():
            report.scores[slug].add(case.topics & {slug}, topics & {slug})
        if communes != case.communes:
            report.misses.append(
                Miss(case.title, COMMUNES, sorted(case.communes), sorted(communes))
            )
        if topics != case.topics:
            report.misses.append(Miss(case.title, "topics", sorted(case.topics), sorted(topics)))
    return report
