"""Period-over-period changes per platform, with the volume and rate effects that explain engagement changes."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, fields

from tools.platforms.specs import platform_label

METRICS = ("impressions", "engagements", "clicks", "conversions", "spend", "revenue")
RATIO_DEFINITIONS: dict[str, str] = {
    "engagement_rate": "engagement rate = engagements / impressions",
    "ctr": "CTR = clicks / impressions",
    "conversion_rate": "conversion rate = conversions / clicks",
    "cpa": "CPA = spend / conversions",
    "roas": "ROAS = revenue / spend",
    "roi": "ROI = (revenue - spend) / spend",
}
BARELY = 0.2  # an effect smaller than this share of the larger one "barely moved" the total


@dataclass(frozen=True)
class Totals:
    """One platform's totals over one period; money in the account's currency."""

    impressions: float = 0
    engagements: float = 0
    clicks: float = 0
    conversions: float = 0
    spend: float = 0.0
    revenue: float = 0.0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(getattr(self, m) + getattr(other, m) for m in METRICS))


@dataclass(frozen=True)
class Ratios:
    """Derived ratios as defined in `RATIO_DEFINITIONS`; None where the denominator is 0."""

    engagement_rate: float | None
    ctr: float | None
    conversion_rate: float | None
    cpa: float | None
    roas: float | None
    roi: float | None


@dataclass(frozen=True)
class MetricChange:
    """A metric in both periods, its absolute change and its change in percent (None when it was 0 before)."""

    metric: str
    previous: float
    current: float
    absolute: float
    percent: float | None


@dataclass(frozen=True)
class PlatformChange:
    """One platform's (or all platforms', as "all") changes, ratios, and engagement change split in two.

    `volume_effect` is the part of the engagement change due to impressions, `rate_effect` the part due to the
    engagement rate; they add up to the engagement change. `share` is this platform's part of the total
    engagement change (None when the total did not change).
    """

    platform: str
    changes: tuple[MetricChange, ...]
    before: Ratios
    after: Ratios
    volume_effect: float
    rate_effect: float
    share: float | None

    def change(self, metric: str) -> MetricChange:
        """The change of one of `METRICS`."""
        return next(c for c in self.changes if c.metric == metric)


@dataclass(frozen=True)
class Comparison:
    """Totals over all platforms, and each platform ordered by the size of its engagement change (the mix)."""

    overall: PlatformChange
    platforms: tuple[PlatformChange, ...]


def _divide(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def ratios(totals: Totals) -> Ratios:
    """The derived ratios of one period's totals, per `RATIO_DEFINITIONS`."""
    t = totals
    return Ratios(
        engagement_rate=_divide(t.engagements, t.impressions),
        ctr=_divide(t.clicks, t.impressions),
        conversion_rate=_divide(t.conversions, t.clicks),
        cpa=_divide(t.spend, t.conversions),
        roas=_divide(t.revenue, t.spend),
        roi=_divide(t.revenue - t.spend, t.spend),
    )


def metric_change(metric: str, previous: float, current: float) -> MetricChange:
    """The absolute and percentage change of a metric; the percentage is None when `previous` is 0."""
    percent = None if previous == 0 else 100.0 * (current - previous) / previous
    return MetricChange(metric, previous, current, current - previous, percent)


def split_engagement_change(before: Totals, after: Totals) -> tuple[float, float]:
    """(volume effect, rate effect) of the engagement change, a symmetric (Shapley) two-factor split.

    volume = Δimpressions · (r₀ + r₁) / 2 and rate = Δr · (i₀ + i₁) / 2, with r the engagement rate; the rate
    effect is computed as the change minus the volume effect so the two add up exactly. A period without
    impressions takes the other period's rate, so a platform that starts or stops is all volume.
    """
    r0 = _divide(before.engagements, before.impressions)
    r1 = _divide(after.engagements, after.impressions)
    r0 = r1 if r0 is None else r0
    r1 = r0 if r1 is None else r1
    volume = (after.impressions - before.impressions) * ((r0 or 0.0) + (r1 or 0.0)) / 2
    return volume, (after.engagements - before.engagements) - volume


def _checked(period: str, totals: Mapping[str, Totals]) -> None:
    for platform, t in totals.items():
        for f in fields(Totals):
            value = getattr(t, f.name)
            if not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{platform} {f.name} in the {period} period is {value!r}; pass a finite number >= 0.")
        if t.engagements > 0 and t.impressions == 0:
            raise ValueError(
                f"{platform} has {t.engagements} engagements but no impressions in the {period} period; "
                "pass its impressions so the change can be split into volume and rate."
            )


def _platform_change(name: str, before: Totals, after: Totals, total_change: float) -> PlatformChange:
    volume, rate = split_engagement_change(before, after)
    changes = tuple(metric_change(m, getattr(before, m), getattr(after, m)) for m in METRICS)
    share = _divide(after.engagements - before.engagements, total_change)
    return PlatformChange(name, changes, ratios(before), ratios(after), volume, rate, share)


def compare_periods(previous: Mapping[str, Totals], current: Mapping[str, Totals]) -> Comparison:
    """Compare two periods' totals per platform; a platform missing from one period counts as zeros there.

    Overall volume and rate effects are the sums of the platforms' effects, so they add up to the overall
    engagement change; platforms are ordered by the absolute size of their engagement change.

    Raises:
        ValueError: when no platform is given, or a total is negative, NaN, or engagements lack impressions.
    """
    if not previous and not current:
        raise ValueError("no totals to compare; pass each platform's Totals for the previous and current period.")
    _checked("previous", previous)
    _checked("current", current)
    names = sorted(set(previous) | set(current))
    pairs = {name: (previous.get(name, Totals()), current.get(name, Totals())) for name in names}
    before, after = sum((b for b, _ in pairs.values()), Totals()), sum((a for _, a in pairs.values()), Totals())
    total_change = after.engagements - before.engagements
    platforms = sorted(
        (_platform_change(name, b, a, total_change) for name, (b, a) in pairs.items()),
        key=lambda p: -abs(p.change("engagements").absolute),
    )
    volume, rate = sum(p.volume_effect for p in platforms), sum(p.rate_effect for p in platforms)
    changes = tuple(metric_change(m, getattr(before, m), getattr(after, m)) for m in METRICS)
    overall = PlatformChange("all", changes, ratios(before), ratios(after), volume, rate, 1.0 if total_change else None)
    return Comparison(overall, tuple(platforms))


@dataclass(frozen=True)
class Driver:
    """A platform's engagement change, its two effects, and a plain sentence explaining it."""

    platform: str
    change: float
    volume_effect: float
    rate_effect: float
    sentence: str


def _moved(subject: str, amount: float) -> str:
    return f"{subject} {'rose' if amount > 0 else 'fell'} ({amount:+,.0f})"


def explain(platform: PlatformChange) -> str:
    """One sentence: how the platform's engagements changed and whether impressions or the rate drove it."""
    change = platform.change("engagements").absolute
    verb = f"rose {change:,.0f}" if change > 0 else f"fell {-change:,.0f}" if change < 0 else "did not change"
    head = f"{platform_label(platform.platform)}: engagements {verb}"
    impressions = platform.change("impressions")
    if not change and not platform.volume_effect:
        return f"{head}."
    if impressions.previous == 0 or impressions.current == 0:
        when = "the period before" if impressions.previous == 0 else "this period"
        return f"{head}, all from impressions ({impressions.absolute:+,.0f}; none {when})"
    effects = [("impressions", platform.volume_effect), ("the rate", platform.rate_effect)]
    (main, main_amount), (other, other_amount) = sorted(effects, key=lambda e: -abs(e[1]))
    lead = "mostly because"
    if abs(other_amount) < BARELY * abs(main_amount):
        tail = f"{other} barely moved ({other_amount:+,.0f})"
    elif (other_amount > 0) == (main_amount > 0):
        tail = _moved(f"{other} also", other_amount)
    else:
        lead = "because"
        tail = _moved(other, other_amount) + (", offsetting part of it" if change else ", offsetting it")
    return f"{head}, {lead} {_moved(main, main_amount)}; {tail}"


def top_drivers(comparison: Comparison, count: int = 3) -> list[Driver]:
    """The `count` platforms whose engagement change was largest in absolute size, each with a sentence."""
    if count < 1:
        raise ValueError(f"count must be at least 1; got {count}.")
    moved = [p for p in comparison.platforms if p.change("engagements").absolute or p.volume_effect]
    return [
        Driver(p.platform, p.change("engagements").absolute, p.volume_effect, p.rate_effect, explain(p))
        for p in moved[:count]
    ]
