"""The tagger against the labelled evaluation set: precision and recall ≥ 0.9 on every row."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.tagging import ArticleTagger, build_tagger
from news.tagging_eval import COMMUNES, Case, evaluate, parse_cases
from news.topics import DEFAULT_TOPICS

FIXTURES = Path(__file__).parent / "fixtures"
GOAL = 0.9


@pytest.fixture(scope="module")
def tagger() -> ArticleTagger:
    return build_tagger("Điện Biên")


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return parse_cases((FIXTURES / "tagging_eval.jsonl").read_text(encoding="utf-8").splitlines())


def test_the_set_covers_every_topic_and_commune(tagger: ArticleTagger, cases: list[Case]) -> None:
    assert len(cases) >= 100
    assert {t for c in cases for t in c.topics} == {t.slug for t in DEFAULT_TOPICS}
    communes = {u.name for u in tagger.gazetteer.units}
    assert {name for c in cases for name in c.communes} == communes
    assert any(c.published.year < 2025 for c in cases)  # old names, read by date
    assert any(c.published.year > 2025 for c in cases)


def test_precision_and_recall_meet_the_goal(tagger: ArticleTagger, cases: list[Case]) -> None:
    report = evaluate(tagger, cases)
    assert set(report.scores) == {COMMUNES, *tagger.taxonomy.slugs()}
    misses = [f"{m.title}: {m.expected} != {m.found}" for m in report.misses]
    assert report.below(GOAL) == [], misses


def test_scores_count_what_is_wrong(tagger: ArticleTagger) -> None:
    wrong = parse_cases(
        [
            '{"published": "2025-08-01", "title": "Xã Sam Mứn họp", "lead": "",'
            ' "communes": ["Thanh An"], "topics": ["an-ninh"]}'
        ]
    )
    report = evaluate(tagger, wrong)
    communes = report.scores[COMMUNES]
    assert (communes.true_positives, communes.false_positives, communes.false_negatives) == (
        0,
        1,
        1,
    )
    assert report.scores["an-ninh"].recall == 0.0
    assert COMMUNES in report.below(GOAL) and "an-ninh" in report.below(GOAL)
