"""The metric reads behind reports, on hand-made posts whose sums are known, and checked against their SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from memory.history import DailyMetrics, NewPost, add_post, set_metrics
from memory.metrics import MetricsStore, week_start
from tools.analytics.drivers import Totals

BRAND = "harbor-pine"


@pytest.fixture
def store(factory) -> MetricsStore:
    with factory.begin() as session:
        rows = [
            (
                "x",
                date(2026, 11, 2),
                "x-1",
                None,
                [(date(2026, 11, 2), 1000, 30, 0.0), (date(2026, 11, 3), 200, 6, 0.0)],
            ),
            ("instagram", date(2026, 11, 4), "ig-1", "Winter", [(date(2026, 11, 4), 5000, 250, 100.0)]),
            ("instagram", date(2026, 11, 10), "ig-2", "Winter", [(date(2026, 11, 10), 4000, 120, 50.0)]),
            ("x", date(2026, 11, 12), "x-2", None, [(date(2026, 11, 12), 150, 50, 0.0)]),  # too few views to rank
        ]
        for platform, day, external, campaign, days in rows:
            at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            post = add_post(session, NewPost(BRAND, platform, at, f"post {external}", external, campaign=campaign))
            set_metrics(
                session,
                post,
                [
                    DailyMetrics(
                        d, impressions=i, engagements=e, clicks=e // 3, conversions=e // 30, spend=s, revenue=s * 3
                    )
                    for d, i, e, s in days
                ],
            )
        other = add_post(session, NewPost("other-brand", "x", datetime(2026, 11, 2, tzinfo=UTC), "x", "o-1"))
        set_metrics(session, other, [DailyMetrics(date(2026, 11, 2), impressions=9999, engagements=999)])
    return MetricsStore(factory)


def test_platform_totals_sum_the_days_in_the_period_for_the_brand_only(store):
    totals = store.platform_totals(BRAND, date(2026, 11, 2), date(2026, 11, 9))
    assert totals["x"] == Totals(impressions=1200, engagements=36, clicks=12, conversions=1, spend=0.0, revenue=0.0)
    assert totals["instagram"].impressions == 5000 and totals["instagram"].spend == 100.0
    assert store.platform_totals(BRAND, date(2026, 11, 3), date(2026, 11, 4))["x"].impressions == 200  # half-open


def test_paid_totals_only_count_days_with_spend(store):
    paid = store.paid_totals(BRAND, date(2026, 11, 1), date(2026, 12, 1))
    assert (paid.impressions, paid.spend, paid.revenue) == (9000, 150.0, 450.0)


def test_weekly_totals_are_keyed_by_monday(store):
    weeks = store.weekly(BRAND, date(2026, 11, 1), date(2026, 11, 16))
    assert list(weeks) == [date(2026, 11, 2), date(2026, 11, 9)]
    assert weeks[date(2026, 11, 2)].impressions == 6200 and weeks[date(2026, 11, 9)].impressions == 4150
    assert week_start(date(2026, 11, 15)) == date(2026, 11, 9)
    campaign = store.weekly(BRAND, date(2026, 11, 1), date(2026, 11, 16), campaign="Winter")
    assert sum(t.impressions for t in campaign.values()) == 9000


def test_top_posts_rank_by_engagement_rate_and_skip_tiny_ones(store):
    ranked = store.top_posts(BRAND, date(2026, 11, 1), date(2026, 11, 16))
    assert [p.text for p in ranked] == ["post ig-1", "post x-1", "post ig-2"]
    assert ranked[0].engagement_rate == pytest.approx(0.05)


def test_paid_weeks_per_platform_feed_response_curves(store):
    weeks = store.campaign_weekly_by_platform(BRAND, "Winter")
    assert list(weeks) == ["instagram"] and [w.spend for w in weeks["instagram"]] == [100.0, 50.0]


def test_the_documented_sql_gives_the_same_numbers(store, factory):
    query = text(
        "SELECT h.platform, SUM(m.impressions), SUM(m.engagements) FROM post_metrics m "
        "JOIN post_history h ON h.id = m.post_id WHERE h.brand_id = :brand AND m.day >= :start AND m.day < :end "
        "GROUP BY h.platform"
    )
    with factory() as session:
        rows = session.execute(query, {"brand": BRAND, "start": date(2026, 11, 1), "end": date(2026, 12, 1)}).all()
    by_sql = {platform: (impressions, engagements) for platform, impressions, engagements in rows}
    by_store = store.platform_totals(BRAND, date(2026, 11, 1), date(2026, 12, 1))
    assert by_sql == {p: (t.impressions, t.engagements) for p, t in by_store.items()}
