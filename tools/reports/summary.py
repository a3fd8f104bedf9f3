"""The weekly or monthly report: KPIs against the previous period and targets, top posts, changes, advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from tools.analytics.drivers import RATIO_DEFINITIONS, Comparison, Totals, compare_periods, ratios, top_drivers
from tools.analytics.forecast import Forecast
from tools.analytics.kpis import KpiStatus, Pacing
from tools.platforms.specs import platform_label

Kind = Literal["weekly", "monthly", "period"]  # "period": any dates a person asked about
HEADLINE = ("impressions", "engagements", "engagement_rate", "clicks", "conversions", "revenue", "spend", "roas")
PAID_ONLY = frozenset({"roas"})
MIN_POSTS_FOR_ADVICE = 3


@dataclass(frozen=True)
class Period:
    """A half-open run of days [start, end) and how people call it."""

    start: date
    end: date
    label: str


def report_periods(kind: Literal["weekly", "monthly"], today: date) -> tuple[Period, Period]:
    """The last full week (Monday to Sunday) or calendar month before `today`, and the one before it."""
    if kind == "weekly":
        end = today - timedelta(days=today.weekday())
        start = end - timedelta(days=7)
        before = Period(start - timedelta(days=7), start, _span(start - timedelta(days=7), start))
        return Period(start, end, f"week of {_span(start, end)}"), before
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    first_before = (start - timedelta(days=1)).replace(day=1)
    return Period(start, end, f"{start:%B %Y}"), Period(first_before, start, f"{first_before:%B %Y}")


def _span(start: date, end: date) -> str:
    last = end - timedelta(days=1)
    return (
        f"{start:%b} {start.day}-{last.day}"
        if start.month == last.month
        else f"{start:%b} {start.day}-{last:%b} {last.day}"
    )


@dataclass(frozen=True)
class TopPost:
    """A post of the period with its numbers."""

    platform: str
    published_at: datetime
    text: str
    impressions: float
    engagements: float

    @property
    def rate(self) -> float:
        """Engagements per impression."""
        return self.engagements / self.impressions if self.impressions else 0.0


@dataclass(frozen=True)
class CampaignLine:
    """A campaign running in the period: its KPIs against target (campaign to date) and its budget pacing."""

    name: str
    status: str
    kpis: tuple[KpiStatus, ...]
    pacing: Pacing | None


@dataclass(frozen=True)
class Headline:
    """One headline number: this period, the period before, and the change in percent (None from zero)."""

    metric: str
    current: float | None
    previous: float | None
    change: float | None


@dataclass(frozen=True)
class Report:
    """Everything a report card shows, as data (rendered to Markdown, JSON and charts elsewhere)."""

    brand: str
    kind: Kind
    period: Period
    previous: Period
    headlines: tuple[Headline, ...]
    comparison: Comparison | None
    changes: tuple[str, ...]
    top_posts: tuple[TopPost, ...]
    campaigns: tuple[CampaignLine, ...]
    forecast: Forecast | None
    advice: tuple[str, ...]
    weekly: tuple[tuple[date, Totals], ...]
    demo: bool
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """Whether the period has no numbers at all."""
        return self.comparison is None or self.comparison.overall.change("impressions").current == 0


def _value(metric: str, totals: Totals) -> float | None:
    return getattr(ratios(totals), metric) if metric in RATIO_DEFINITIONS else float(getattr(totals, metric))


def headlines(current: Totals, previous: Totals, paid: tuple[Totals, Totals]) -> tuple[Headline, ...]:
    """The headline numbers with their change against the previous period.

    ROAS is computed on the days that had spend (`paid`, current and previous), so organic revenue doesn't
    inflate it.
    """
    lines = []
    for metric in HEADLINE:
        now_totals, before_totals = paid if metric in PAID_ONLY else (current, previous)
        now, before = _value(metric, now_totals), _value(metric, before_totals)
        change = (now - before) / before * 100 if now is not None and before else None
        lines.append(Headline(metric, now, before, change))
    return tuple(lines)


def advice(
    report_platforms: Comparison, posts_per_platform: dict[str, int], campaigns: tuple[CampaignLine, ...]
) -> list[str]:
    """Recommendations that each cite the number behind them."""
    lines = []
    rated = [
        (p.after.engagement_rate, p.platform)
        for p in report_platforms.platforms
        if p.after.engagement_rate is not None and posts_per_platform.get(p.platform, 0) >= MIN_POSTS_FOR_ADVICE
    ]
    if len(rated) >= 2:
        best_rate, best = max(rated)
        worst_rate, worst = min(rated)
        if best_rate > 1.5 * worst_rate:
            good, poor = platform_label(best), platform_label(worst)
            lines.append(
                f"{good} earned {best_rate:.1%} engagement per impression against {poor}'s {worst_rate:.1%}: move "
                f"one of next week's {poor} posts there, or test what works on {good} on {poor}."
            )
    for line in campaigns:
        if line.pacing and line.pacing.status in ("overspending", "underspending"):
            lines.append(
                f"{line.name} is {line.pacing.status}: ${line.pacing.spent:,.0f} spent against "
                f"${line.pacing.expected:,.0f} on an even pace; at this rate it ends at ${line.pacing.projected:,.0f} "
                f"of ${line.pacing.budget:,.0f}."
            )
        behind = [k for k in line.kpis if not k.met and k.progress is not None and k.progress < 0.5]
        for kpi in behind:
            lines.append(f"{line.name}: {kpi.metric} is at {kpi.progress:.0%} of its target; review the plan.")
    return lines


def build_report(
    *,
    brand: str,
    kind: Kind,
    period: Period,
    previous: Period,
    current_totals: dict[str, Totals],
    previous_totals: dict[str, Totals],
    paid_totals: tuple[Totals, Totals],
    weekly: dict[date, Totals],
    top_posts: list[TopPost],
    posts_per_platform: dict[str, int],
    campaigns: list[CampaignLine],
    forecast: Forecast | None,
    demo: bool,
    sources: tuple[str, ...] = (),
) -> Report:
    """Assemble the report from numbers already read (see `memory.reports` for where each comes from)."""
    comparison = compare_periods(previous_totals, current_totals) if current_totals or previous_totals else None
    current_sum = sum(current_totals.values(), Totals())
    previous_sum = sum(previous_totals.values(), Totals())
    changes = tuple(driver.sentence for driver in top_drivers(comparison)) if comparison else ()
    return Report(
        brand=brand,
        kind=kind,
        period=period,
        previous=previous,
        headlines=headlines(current_sum, previous_sum, paid_totals),
        comparison=comparison,
        changes=changes,
        top_posts=tuple(top_posts),
        campaigns=tuple(campaigns),
        forecast=forecast,
        advice=tuple(advice(comparison, posts_per_platform, tuple(campaigns))) if comparison else (),
        weekly=tuple(sorted(weekly.items())),
        demo=demo,
        sources=sources,
    )
