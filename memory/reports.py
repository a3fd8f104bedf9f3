"""Reports from the database: a weekly, monthly or any-period report, every number from a `MetricsStore` read."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from memory.campaign_progress import campaign_progress
from memory.campaigns import CampaignStore, CampaignView
from memory.metrics import MetricsStore, best_posts
from tools.analytics.drivers import Totals
from tools.analytics.forecast import MIN_WEEKS, Forecast, forecast
from tools.reports.summary import CampaignLine, Kind, Period, Report, TopPost, build_report, report_periods

HISTORY_WEEKS = 26  # the trend chart and the forecast look back this far
FORECAST_WEEKS = 4


def make_report(
    sessions: sessionmaker[Session], brand_id: str, kind: Literal["weekly", "monthly"], today: date
) -> Report:
    """The report for the last full week or month before `today`, against the one before it."""
    period, previous = report_periods(kind, today)
    return period_report(MetricsStore(sessions), CampaignStore(sessions), brand_id, kind, period, previous)


def period_report(
    metrics: MetricsStore, campaigns: CampaignStore, brand_id: str, kind: Kind, period: Period, previous: Period
) -> Report:
    """The report for any period against another (the chat's "how did last month go?")."""
    weekly = metrics.weekly(brand_id, period.end - timedelta(weeks=HISTORY_WEEKS), period.end)
    posts = metrics.posts(brand_id, period.start, period.end)
    ranked = best_posts(posts)  # the same posts, read once
    return build_report(
        brand=brand_id,
        kind=kind,
        period=period,
        previous=previous,
        current_totals=metrics.platform_totals(brand_id, period.start, period.end),
        previous_totals=metrics.platform_totals(brand_id, previous.start, previous.end),
        paid_totals=(
            metrics.paid_totals(brand_id, period.start, period.end),
            metrics.paid_totals(brand_id, previous.start, previous.end),
        ),
        weekly=weekly,
        top_posts=[
            TopPost(p.platform, p.published_at, p.text, p.totals.impressions, p.totals.engagements) for p in ranked
        ],
        posts_per_platform=dict(Counter(p.platform for p in posts)),
        campaigns=[_campaign_line(metrics, c, period) for c in campaigns.list(brand_id) if _overlaps(c, period)],
        forecast=forecast_weeks(weekly),
        demo=metrics.includes_demo(brand_id),
        sources=(
            f"MetricsStore.platform_totals({brand_id!r}, {period.start}, {period.end}) and the period before",
            f"MetricsStore.weekly over the {HISTORY_WEEKS} weeks to {period.end}",
        ),
    )


def _overlaps(campaign: CampaignView, period: Period) -> bool:
    if campaign.status == "planning" or campaign.starts_on is None:
        return False
    ends = campaign.ends_on or period.end
    return campaign.starts_on < period.end and ends >= period.start


def _campaign_line(metrics: MetricsStore, campaign: CampaignView, period: Period) -> CampaignLine:
    """KPIs for the campaign's posts from its start to the period's end, and its pacing as of then."""
    progress = campaign_progress(metrics, campaign, period.end - timedelta(days=1))
    return CampaignLine(campaign.name, campaign.status, progress.kpis, progress.pace)


def forecast_weeks(weekly: dict[date, Totals], metric: str = "engagements") -> Forecast | None:
    """A metric for the next weeks, when there are enough full weeks to say anything."""
    weeks = sorted(weekly)
    if len(weeks) < MIN_WEEKS:
        return None
    return forecast(weeks, [getattr(weekly[w], metric) for w in weeks], horizon=FORECAST_WEEKS)
