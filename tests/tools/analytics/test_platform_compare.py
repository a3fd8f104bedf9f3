"""Platform comparison on fixture histories with known answers."""

from datetime import UTC, datetime

import pytest

from tools.analytics.best_times import PostRecord
from tools.analytics.platform_compare import clearly_ahead, compare_platforms

AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def posts(platform, rates, impressions=1000):
    return [PostRecord(platform, AT, impressions, round(rate * impressions)) for rate in rates]


def test_mean_rate_per_post_and_an_80_percent_interval_from_the_sample():
    [score] = compare_platforms(posts("x", [0.01, 0.02, 0.03, 0.04]))
    assert score.rate == pytest.approx(0.025) and score.posts == 4
    half = 1.2816 * 0.0129099 / 2  # sample sd of the four rates, over sqrt(4)
    assert (score.low, score.high) == (pytest.approx(0.025 - half, abs=1e-6), pytest.approx(0.025 + half, abs=1e-6))
    assert (score.impressions, score.engagements) == (4000, 100)


def test_platforms_are_ranked_and_thin_or_unmeasured_ones_left_out():
    history = (
        posts("instagram", [0.05, 0.06, 0.04])
        + posts("tiktok", [0.02, 0.03, 0.01, 0.02])
        + posts("linkedin", [0.09, 0.09])  # two posts say nothing
        + posts("youtube", [0.5, 0.5, 0.5], impressions=0)  # never measured
    )
    scores = compare_platforms(history)
    assert [s.platform for s in scores] == ["instagram", "tiktok"]
    assert clearly_ahead(scores[0], scores[1])


def test_overlapping_intervals_are_not_called_a_lead():
    scores = compare_platforms(posts("x", [0.01, 0.05, 0.02, 0.06]) + posts("linkedin", [0.02, 0.04, 0.03, 0.03]))
    assert [(s.platform, round(s.rate, 4)) for s in scores] == [("x", 0.035), ("linkedin", 0.03)]
    assert not clearly_ahead(scores[0], scores[1])
