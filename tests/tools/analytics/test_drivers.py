"""Period-over-period changes: exact volume/rate decomposition, hand-checked examples, ratios and sentences."""

import math
from dataclasses import fields

import numpy as np
import pytest

from tools.analytics.drivers import (
    METRICS,
    RATIO_DEFINITIONS,
    Ratios,
    Totals,
    compare_periods,
    explain,
    metric_change,
    ratios,
    split_engagement_change,
    top_drivers,
)


def by_name(comparison):
    return {p.platform: p for p in comparison.platforms}


def test_hand_example_splits_a_fall_into_volume_and_rate():
    # impressions 10,000 -> 5,000 at rates 6% -> 5.6%: volume = -5,000 * 5.8% = -290, rate = -0.4% * 7,500 = -30
    volume, rate = split_engagement_change(Totals(10_000, 600), Totals(5_000, 280))
    assert volume == pytest.approx(-290, abs=1e-9) and rate == pytest.approx(-30, abs=1e-9)


def test_hand_example_where_the_rate_rises_while_impressions_fall():
    # rate 5% -> 6% on 10,000 -> 8,000 impressions: volume = -2,000 * 5.5% = -110, rate = +1% * 9,000 = +90
    volume, rate = split_engagement_change(Totals(10_000, 500), Totals(8_000, 480))
    assert (volume, rate) == (pytest.approx(-110, abs=1e-9), pytest.approx(90, abs=1e-9))


def test_the_sentence_names_the_main_cause_and_says_the_rate_barely_moved():
    comparison = compare_periods({"linkedin": Totals(10_000, 600)}, {"linkedin": Totals(5_000, 280)})
    [driver] = top_drivers(comparison)
    assert (
        driver.sentence
        == "LinkedIn: engagements fell 320, mostly because impressions fell (-290); the rate barely moved (-30)"
    )
    assert (driver.change, driver.volume_effect) == (-320, pytest.approx(-290))


def test_a_rate_driven_change_offset_by_volume_is_described_as_such():
    comparison = compare_periods({"x": Totals(10_000, 500)}, {"x": Totals(8_000, 480)})
    assert explain(comparison.platforms[0]) == (
        "X: engagements fell 20, because impressions fell (-110); the rate rose (+90), offsetting part of it"
    )


def random_periods(rng):
    names = ["x", "linkedin", "instagram", "facebook", "tiktok", "youtube"][: rng.integers(1, 7)]

    def period():
        totals = {}
        for name in names:
            if rng.random() < 0.15:
                continue  # the platform is missing from this period
            impressions = 0 if rng.random() < 0.1 else int(rng.integers(1, 2_000_000))
            engagements = int(rng.binomial(impressions, rng.uniform(0, 0.2)))
            totals[name] = Totals(impressions, engagements, int(rng.integers(0, 5000)), int(rng.integers(0, 50)))
        return totals

    previous, current = period(), period()
    return (previous or {"x": Totals(10, 1)}), current


def test_effects_add_up_exactly_to_the_change_per_platform_and_overall_on_random_data():
    rng = np.random.default_rng(20240601)
    for _ in range(300):
        check_decomposition(*random_periods(rng))


def check_decomposition(previous, current):
    comparison = compare_periods(previous, current)
    for p in (*comparison.platforms, comparison.overall):
        change = p.change("engagements").absolute
        assert p.volume_effect + p.rate_effect == pytest.approx(change, abs=1e-9)
        before, after = previous.get(p.platform, Totals()), current.get(p.platform, Totals())
        if p.platform != "all" and before.impressions and after.impressions:
            r0, r1 = before.engagements / before.impressions, after.engagements / after.impressions
            expected = (r1 - r0) * (before.impressions + after.impressions) / 2
            assert p.rate_effect == pytest.approx(expected, rel=1e-9, abs=1e-9)
    total = comparison.overall.change("engagements").absolute
    assert total == sum(p.change("engagements").absolute for p in comparison.platforms)
    if total:
        assert sum(p.share for p in comparison.platforms) == pytest.approx(1.0)


def test_a_new_platform_is_all_volume_and_has_no_percentage_change():
    comparison = compare_periods({"x": Totals(1000, 50)}, {"x": Totals(1000, 50), "tiktok": Totals(4000, 120)})
    tiktok = by_name(comparison)["tiktok"]
    assert tiktok.change("engagements").percent is None
    assert (tiktok.change("engagements").absolute, tiktok.volume_effect, tiktok.rate_effect) == (120, 120, 0)
    assert tiktok.before.engagement_rate is None and tiktok.after.engagement_rate == pytest.approx(0.03)
    assert tiktok.share == 1.0 and by_name(comparison)["x"].share == 0.0
    assert explain(tiktok) == "TikTok: engagements rose 120, all from impressions (+4,000; none the period before)"


def test_a_platform_that_stopped_is_all_volume_the_other_way():
    comparison = compare_periods({"facebook": Totals(2000, 80)}, {})
    facebook = comparison.platforms[0]
    assert (facebook.volume_effect, facebook.rate_effect) == (-80, 0)
    assert facebook.change("impressions").percent == -100.0
    assert facebook.after == Ratios(None, None, None, None, None, None)


def test_percent_change_is_none_only_when_the_previous_value_is_zero():
    assert metric_change("spend", 0, 50).percent is None
    assert metric_change("spend", 0, 0).percent is None
    assert metric_change("spend", 200, 150).percent == pytest.approx(-25.0)
    assert metric_change("clicks", 40, 100).absolute == 60


def test_overall_changes_are_sums_over_platforms_and_platforms_are_ordered_by_size_of_change():
    previous = {"x": Totals(1000, 100, 10, 1, 50, 100), "linkedin": Totals(5000, 400, 40, 4, 150, 600)}
    current = {"x": Totals(1200, 130, 12, 2, 60, 90), "linkedin": Totals(4000, 200, 30, 2, 150, 300)}
    comparison = compare_periods(previous, current)
    assert [p.platform for p in comparison.platforms] == ["linkedin", "x"]
    overall = {c.metric: (c.previous, c.current) for c in comparison.overall.changes}
    assert overall == {
        "impressions": (6000, 5200),
        "engagements": (500, 330),
        "clicks": (50, 42),
        "conversions": (5, 4),
        "spend": (200, 210),
        "revenue": (700, 390),
    }
    assert [c.metric for c in comparison.overall.changes] == list(METRICS)
    shares = {p.platform: p.share for p in comparison.platforms}
    assert shares == {"linkedin": pytest.approx(200 / 170), "x": pytest.approx(-30 / 170)}
    assert comparison.overall.volume_effect + comparison.overall.rate_effect == pytest.approx(-170)


def test_ratios_follow_their_stated_definitions():
    r = ratios(Totals(impressions=20_000, engagements=900, clicks=400, conversions=20, spend=500.0, revenue=1_750.0))
    assert r == Ratios(
        engagement_rate=900 / 20_000, ctr=400 / 20_000, conversion_rate=20 / 400, cpa=25.0, roas=3.5, roi=2.5
    )
    assert set(RATIO_DEFINITIONS) == {f.name for f in fields(Ratios)}
    assert RATIO_DEFINITIONS["roi"] == "ROI = (revenue - spend) / spend"


def test_ratios_are_none_when_their_denominator_is_zero():
    assert ratios(Totals()) == Ratios(None, None, None, None, None, None)
    r = ratios(Totals(impressions=100, engagements=5, clicks=0, conversions=0, spend=0.0, revenue=10.0))
    assert (r.engagement_rate, r.ctr, r.conversion_rate, r.cpa, r.roas, r.roi) == (0.05, 0.0, None, None, None, None)


def test_top_drivers_returns_the_largest_changes_first_and_skips_platforms_that_did_not_move():
    previous = {"x": Totals(1000, 100), "linkedin": Totals(1000, 100), "instagram": Totals(1000, 100)}
    previous["youtube"] = Totals(1000, 100)
    current = {"x": Totals(1000, 90), "linkedin": Totals(3000, 300), "instagram": Totals(900, 150)}
    current["youtube"] = Totals(1000, 100)
    drivers = top_drivers(compare_periods(previous, current), count=5)
    assert [(d.platform, d.change) for d in drivers] == [("linkedin", 200), ("instagram", 50), ("x", -10)]
    assert [d.platform for d in top_drivers(compare_periods(previous, current), count=1)] == ["linkedin"]
    assert drivers[0].sentence.startswith("LinkedIn: engagements rose 200, mostly because impressions rose (+200)")


@pytest.mark.parametrize(
    ("previous", "current", "message"),
    [
        ({}, {}, "no totals"),
        ({"x": Totals(-5, 0)}, {}, "x impressions in the previous period is -5"),
        ({}, {"x": Totals(100, math.nan)}, "x engagements in the current period is nan"),
        ({"x": Totals(0, 12)}, {}, "pass its impressions"),
        ({}, {"x": Totals(10, 1, spend=math.inf)}, "x spend in the current period is inf"),
    ],
)
def test_bad_totals_are_refused_with_what_to_pass(previous, current, message):
    with pytest.raises(ValueError, match=message):
        compare_periods(previous, current)


def test_top_drivers_count_must_be_positive():
    with pytest.raises(ValueError, match="count must be at least 1"):
        top_drivers(compare_periods({"x": Totals(10, 1)}, {}), count=0)
