"""Where a campaign stands as of a day: its metrics since it started, each KPI against target, its budget pacing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from memory.campaigns import CampaignView, Kpi
from memory.metrics import MetricsStore
from tools.analytics.drivers import Totals
from tools.analytics.kpis import OBJECTIVE_KPIS, KpiStatus, Pacing, kpi_status, pacing


@dataclass(frozen=True)
class CampaignProgress:
    """A campaign's totals from its first day to `as_of` (included), its KPIs and its pacing (None: no budget)."""

    as_of: date
    days_with_metrics: int
    totals: Totals
    kpis: tuple[KpiStatus, ...]
    pace: Pacing | None


def campaign_progress(
    metrics: MetricsStore, campaign: CampaignView, as_of: date, *, objective_kpis: bool = False
) -> CampaignProgress:
    """Sum the campaign's daily totals up to `as_of`, then judge each KPI target and the budget pacing.

    A campaign without a start date counts every day of its posts so far. With `objective_kpis`, a campaign
    that has no targets is shown its objective's KPIs with a target of 0 (their values, no verdict).
    Reproduce with `MetricsStore.daily(brand, starts_on, as_of + 1 day, campaign=name)`.
    """
    first = campaign.starts_on or date.min
    daily = metrics.daily(campaign.brand_id, first, as_of + timedelta(days=1), campaign=campaign.name)
    totals = sum(daily.values(), Totals())
    targets = campaign.kpis
    if not targets and objective_kpis:
        targets = tuple(Kpi(metric, 0.0) for metric in OBJECTIVE_KPIS[campaign.objective])
    pace = None
    if campaign.starts_on and campaign.ends_on and campaign.budget > 0:
        pace = pacing(campaign.budget, totals.spend, campaign.starts_on, campaign.ends_on, as_of)
    return CampaignProgress(
        as_of, len(daily), totals, tuple(kpi_status(k.metric, k.target, totals) for k in targets), pace
    )
