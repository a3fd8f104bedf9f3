"""Campaign KPIs: which metrics an objective is judged on, where a KPI stands against its target, budget pacing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from tools.analytics.drivers import METRICS, Ratios, Totals, ratios

# What each objective is judged on, first the headline KPI (ratios are named as in `drivers.Ratios`).
OBJECTIVE_KPIS: dict[str, tuple[str, ...]] = {
    "awareness": ("impressions", "engagement_rate"),
    "engagement": ("engagements", "engagement_rate"),
    "traffic": ("clicks", "ctr"),
    "leads": ("conversions", "cpa"),
    "sales": ("revenue", "roas"),
}
LOWER_IS_BETTER = frozenset({"cpa"})
RATIO_NAMES = tuple(Ratios.__dataclass_fields__)
PACING_TOLERANCE = 0.15  # within 15% of the straight-line spend is on track


def kpi_actual(metric: str, totals: Totals) -> float | None:
    """The value of a KPI (a summed metric or a ratio) for the totals; None when a ratio is undefined.

    Raises:
        ValueError: the metric is neither a summed metric nor a known ratio.
    """
    if metric in METRICS:
        return float(getattr(totals, metric))
    if metric in RATIO_NAMES:
        return getattr(ratios(totals), metric)
    raise ValueError(f"unknown KPI {metric!r}; use one of {', '.join((*METRICS, *RATIO_NAMES))}")


@dataclass(frozen=True)
class KpiStatus:
    """A KPI against its target: the actual value, the share of the target reached, and whether it is met."""

    metric: str
    target: float
    actual: float | None
    progress: float | None  # actual / target (target / actual for lower-is-better KPIs)
    met: bool


def kpi_status(metric: str, target: float, totals: Totals) -> KpiStatus:
    """Where a KPI stands against its target for the totals."""
    actual = kpi_actual(metric, totals)
    if actual is None or target <= 0:
        return KpiStatus(metric, target, actual, None, False)
    if metric in LOWER_IS_BETTER:
        progress = target / actual if actual > 0 else None
        return KpiStatus(metric, target, actual, progress, actual <= target)
    return KpiStatus(metric, target, actual, actual / target, actual >= target)


@dataclass(frozen=True)
class Pacing:
    """Budget pacing: spend so far against a straight line from start to end, and where it is heading."""

    budget: float
    spent: float
    expected: float  # what a straight line from start to end would have spent by today
    projected: float  # the spend at the end if it goes on at the rate so far
    status: Literal["not started", "on track", "overspending", "underspending", "finished"]


def pacing(budget: float, spent: float, starts_on: date, ends_on: date, today: date) -> Pacing:
    """How a campaign's spend compares with spending its budget evenly over its days (both ends included).

    Raises:
        ValueError: the campaign ends before it starts, or the budget or spend is negative.
    """
    if ends_on < starts_on:
        raise ValueError(f"the campaign ends ({ends_on}) before it starts ({starts_on})")
    if budget < 0 or spent < 0:
        raise ValueError("budget and spend must be zero or more")
    days = (ends_on - starts_on).days + 1
    if today < starts_on:
        return Pacing(budget, spent, 0.0, spent, "not started")
    if today > ends_on:
        return Pacing(budget, spent, budget, spent, "finished")
    elapsed = (today - starts_on).days + 1
    expected = budget * elapsed / days
    projected = spent * days / elapsed
    if expected and spent > expected * (1 + PACING_TOLERANCE):
        status: Literal["on track", "overspending", "underspending"] = "overspending"
    elif expected and spent < expected * (1 - PACING_TOLERANCE):
        status = "underspending"
    else:
        status = "on track"
    return Pacing(budget, spent, expected, projected, status)
