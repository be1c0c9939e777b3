"""Why a broadcast would reach nobody, most fundamental reason first."""

from __future__ import annotations

import pytest

from news.audience import Nobody, all_quiet, nobody_reason


@pytest.mark.parametrize(
    ("total", "bots", "commune", "topic", "targeted", "reason"),
    [
        (3, True, "Sam Mứn", None, False, None),
        (3, False, None, None, False, None),  # console residents: someone is reached
        (0, True, None, None, True, Nobody.NOT_REACHED),
        (0, False, "Sam Mứn", None, False, Nobody.NO_BOT),
        (0, True, "Sam Mứn", "canh-bao", False, Nobody.NO_COMMUNE),
        (0, True, None, "canh-bao", False, Nobody.NO_TOPIC),
        (0, True, None, None, False, Nobody.NO_RESIDENT),
    ],
)
def test_nobody_reason(
    total: int,
    bots: bool,
    commune: str | None,
    topic: str | None,
    targeted: bool,
    reason: Nobody | None,
) -> None:
    found = nobody_reason(total, bots=bots, commune=commune, topic=topic, targeted=targeted)
    assert found is reason


@pytest.mark.parametrize(
    ("total", "quiet", "expected"), [(0, 0, False), (3, 2, False), (3, 3, True)]
)
def test_all_quiet(total: int, quiet: int, expected: bool) -> None:
    assert all_quiet(total, quiet) is expected
