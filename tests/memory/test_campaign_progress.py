"""A campaign's progress: its own posts' days up to the day asked, KPIs against target, pacing, untargeted KPIs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from memory.campaign_progress import campaign_progress
from memory.campaigns import CampaignStore, Kpi, NewCampaign
from memory.db import write_transaction
from memory.history import DailyMetrics, NewPost, add_post, set_metrics
from memory.metrics import MetricsStore

BRAND = "harbor-pine"


def _post(factory, external_id: str, campaign: str | None, days: list[DailyMetrics]) -> None:
    with write_transaction(factory) as session:
        at = datetime(2027, 3, 1, 15, tzinfo=UTC)
        post_id = add_post(session, NewPost(BRAND, "instagram", at, external_id=external_id, campaign=campaign))
        set_metrics(session, post_id, days)


@pytest.fixture
def spring(factory):
    new = NewCampaign(
        brand_id=BRAND,
        name="Spring",
        objective="sales",
        budget=3_100.0,
        starts_on=date(2027, 3, 1),
        ends_on=date(2027, 3, 31),
        channels=("instagram",),
        kpis=(Kpi("revenue", 1_000.0), Kpi("conversions", 100.0)),
    )
    day = [DailyMetrics(date(2027, 3, d), impressions=1000, spend=100.0, revenue=200.0, conversions=5) for d in (1, 2)]
    late = [DailyMetrics(date(2027, 3, 20), impressions=1000, spend=100.0, revenue=900.0, conversions=50)]
    _post(factory, "ig-1", "Spring", day + late)
    _post(factory, "ig-2", None, [DailyMetrics(date(2027, 3, 1), revenue=5_000.0)])  # not the campaign's
    return CampaignStore(factory).create(new, actor="maya")


def test_progress_counts_only_the_campaigns_days_up_to_the_day_asked(factory, spring):
    progress = campaign_progress(MetricsStore(factory), spring, date(2027, 3, 2))
    assert progress.days_with_metrics == 2
    assert (progress.totals.revenue, progress.totals.spend) == (400.0, 200.0)
    revenue, conversions = progress.kpis
    assert (revenue.actual, revenue.progress, revenue.met) == (400.0, 0.4, False)
    assert conversions.actual == 10
    assert progress.pace is not None and progress.pace.expected == pytest.approx(200.0)

    later = campaign_progress(MetricsStore(factory), spring, date(2027, 3, 20))
    assert later.days_with_metrics == 3 and later.kpis[0].met


def test_a_campaign_without_targets_shows_its_objectives_kpis_only_when_asked(factory):
    bare = CampaignStore(factory).create(
        NewCampaign(brand_id=BRAND, name="Quiet", objective="awareness", starts_on=date(2027, 3, 1)), actor="maya"
    )
    assert campaign_progress(MetricsStore(factory), bare, date(2027, 3, 5)).kpis == ()
    shown = campaign_progress(MetricsStore(factory), bare, date(2027, 3, 5), objective_kpis=True)
    assert shown.kpis and all(k.target == 0 and not k.met for k in shown.kpis)
    assert shown.pace is None  # no budget and no end: nothing to pace
