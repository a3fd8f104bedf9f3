"""Reads of a brand's metrics for reports and analysis; each method is the documented query behind a number.

Every figure a report shows comes from one of these methods, and each docstring gives the SQL it runs, so a
number can be checked against the database by hand. Days are the metric rows' own dates (`post_metrics.day`,
the day the numbers were counted), periods are half-open (`start <= day < end`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from memory.models import Campaign, ConversionPath, PostMetric, PublishedPost
from tools.analytics.attribution import Path, Touch
from tools.analytics.drivers import METRICS, Totals

_SUMS = [func.coalesce(func.sum(getattr(PostMetric, name)), 0).label(name) for name in METRICS]


@dataclass(frozen=True)
class PostTotals:
    """One post's numbers summed over the period's days."""

    id: str
    platform: str
    published_at: datetime
    text: str
    campaign: str | None
    totals: Totals

    @property
    def engagement_rate(self) -> float:
        """Engagements per impression (0 with no impressions)."""
        return self.totals.engagements / self.totals.impressions if self.totals.impressions else 0.0


def best_posts(posts: list[PostTotals], *, limit: int = 3, min_impressions: int = 200) -> list[PostTotals]:
    """The posts with the highest engagement rate, leaving out those seen fewer than `min_impressions` times."""
    ranked = [p for p in posts if p.totals.impressions >= min_impressions]
    return sorted(ranked, key=lambda p: (-p.engagement_rate, p.published_at))[:limit]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


class MetricsStore:
    """A brand's metrics, summed the way reports need them."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def platform_totals(self, brand_id: str, start: date, end: date) -> dict[str, Totals]:
        """Totals per platform for the days in [start, end).

        SQL: SELECT h.platform, SUM(m.impressions), SUM(m.engagements), SUM(m.clicks), SUM(m.conversions),
        SUM(m.spend), SUM(m.revenue) FROM post_metrics m JOIN post_history h ON h.id = m.post_id
        WHERE h.brand_id = :brand AND m.day >= :start AND m.day < :end GROUP BY h.platform
        """
        query = (
            select(PublishedPost.platform, *_SUMS)
            .join(PostMetric, PostMetric.post_id == PublishedPost.id)
            .where(PublishedPost.brand_id == brand_id, PostMetric.day >= start, PostMetric.day < end)
            .group_by(PublishedPost.platform)
        )
        with self._sessions() as session:
            return {row[0]: Totals(*(float(v) for v in row[1:])) for row in session.execute(query)}

    def paid_totals(self, brand_id: str, start: date, end: date) -> Totals:
        """Totals of the days with spend in [start, end), all platforms: what ROAS and CPA are computed on.

        SQL: the query of `platform_totals` with AND m.spend > 0 and no GROUP BY.
        """
        query = (
            select(*_SUMS)
            .select_from(PublishedPost)
            .join(PostMetric, PostMetric.post_id == PublishedPost.id)
            .where(
                PublishedPost.brand_id == brand_id, PostMetric.day >= start, PostMetric.day < end, PostMetric.spend > 0
            )
        )
        with self._sessions() as session:
            row = session.execute(query).one()
        return Totals(*(float(v) for v in row))

    def daily(self, brand_id: str, start: date, end: date, *, campaign: str | None = None) -> dict[date, Totals]:
        """Totals per day for [start, end), all platforms, optionally one campaign's posts only.

        SQL: the query of `platform_totals` grouped by m.day instead of h.platform
        (and AND h.campaign = :campaign when a campaign is given).
        """
        query = (
            select(PostMetric.day, *_SUMS)
            .join(PublishedPost, PostMetric.post_id == PublishedPost.id)
            .where(PublishedPost.brand_id == brand_id, PostMetric.day >= start, PostMetric.day < end)
            .group_by(PostMetric.day)
        )
        if campaign is not None:
            query = query.where(PublishedPost.campaign == campaign)
        with self._sessions() as session:
            return {row[0]: Totals(*(float(v) for v in row[1:])) for row in session.execute(query)}

    def weekly(self, brand_id: str, start: date, end: date, *, campaign: str | None = None) -> dict[date, Totals]:
        """Totals per week (keyed by the week's Monday) from `daily`; weeks with no rows are absent."""
        weeks: dict[date, Totals] = defaultdict(Totals)
        for day, totals in self.daily(brand_id, start, end, campaign=campaign).items():
            weeks[week_start(day)] = weeks[week_start(day)] + totals
        return dict(sorted(weeks.items()))

    def top_posts(
        self, brand_id: str, start: date, end: date, *, limit: int = 3, min_impressions: int = 200
    ) -> list[PostTotals]:
        """The posts published in [start, end) with the highest engagement rate over their counted days.

        Posts seen fewer than `min_impressions` times are left out, so one lucky tiny post doesn't top the list.
        SQL: SELECT h.*, SUM(m.impressions), ... FROM post_history h JOIN post_metrics m ON m.post_id = h.id
        WHERE h.brand_id = :brand AND h.published_at >= :start AND h.published_at < :end GROUP BY h.id
        """
        return best_posts(self.posts(brand_id, start, end), limit=limit, min_impressions=min_impressions)

    def posts(self, brand_id: str, start: date, end: date) -> list[PostTotals]:
        """Every post published in [start, end) with its summed numbers (the query in `top_posts`)."""
        begin, finish = _midnight(start), _midnight(end)
        query = (
            select(PublishedPost, *_SUMS)
            .join(PostMetric, PostMetric.post_id == PublishedPost.id)
            .where(
                PublishedPost.brand_id == brand_id,
                PublishedPost.published_at >= begin,
                PublishedPost.published_at < finish,
            )
            .group_by(PublishedPost.id)
        )
        with self._sessions() as session:
            return [
                PostTotals(p.id, p.platform, p.published_at, p.text, p.campaign, Totals(*(float(v) for v in rest)))
                for p, *rest in session.execute(query)
            ]

    def campaign_weekly_by_platform(self, brand_id: str, campaign: str | None = None) -> dict[str, list[Totals]]:
        """Per platform, the weekly totals of paid posts (spend > 0), for fitting response curves.

        SQL: SELECT h.platform, m.day, SUM(...) FROM post_metrics m JOIN post_history h ON h.id = m.post_id
        WHERE h.brand_id = :brand AND m.spend > 0 [AND h.campaign = :campaign] GROUP BY h.platform, m.day
        """
        query = (
            select(PublishedPost.platform, PostMetric.day, *_SUMS)
            .join(PostMetric, PostMetric.post_id == PublishedPost.id)
            .where(PublishedPost.brand_id == brand_id, PostMetric.spend > 0)
            .group_by(PublishedPost.platform, PostMetric.day)
        )
        if campaign is not None:
            query = query.where(PublishedPost.campaign == campaign)
        weeks: dict[str, dict[date, Totals]] = defaultdict(lambda: defaultdict(Totals))
        with self._sessions() as session:
            for platform, day, *sums in session.execute(query):
                weeks[platform][week_start(day)] = weeks[platform][week_start(day)] + Totals(*(float(v) for v in sums))
        return {platform: [by_week[w] for w in sorted(by_week)] for platform, by_week in weeks.items()}

    def paths(self, brand_id: str, start: date, end: date) -> list[Path]:
        """Customer journeys that ended in [start, end), as attribution paths.

        SQL: SELECT touches, converted, value FROM conversion_paths WHERE brand_id = :brand
        AND ended_at >= :start AND ended_at < :end
        """
        begin, finish = _midnight(start), _midnight(end)
        query = select(ConversionPath).where(
            ConversionPath.brand_id == brand_id, ConversionPath.ended_at >= begin, ConversionPath.ended_at < finish
        )
        with self._sessions() as session:
            rows = session.scalars(query).all()
        return [
            Path(
                tuple(Touch(t["channel"], datetime.fromisoformat(t["at"])) for t in row.touches),
                row.converted,
                row.value if row.converted else 0.0,
            )
            for row in rows
        ]

    def includes_demo(self, brand_id: str) -> bool:
        """Whether any of the brand's posts, campaigns or journeys are demo data."""
        with self._sessions() as session:
            for query in (
                select(func.count()).where(PublishedPost.brand_id == brand_id, PublishedPost.source == "demo"),
                select(func.count()).where(Campaign.brand_id == brand_id, Campaign.is_demo),
                select(func.count()).where(ConversionPath.brand_id == brand_id, ConversionPath.is_demo),
            ):
                if session.scalar(query):
                    return True
        return False
