"""KPIs against their targets and budget pacing, on hand-worked numbers."""

from __future__ import annotations

from datetime import date

import pytest

from tools.analytics.drivers import Totals
from tools.analytics.kpis import OBJECTIVE_KPIS, kpi_actual, kpi_status, pacing

TOTALS = Totals(impressions=10_000, engagements=400, clicks=200, conversions=20, spend=500.0, revenue=1_500.0)


def test_kpis_are_summed_metrics_or_ratios_by_their_definitions():
    assert kpi_actual("revenue", TOTALS) == 1_500.0
    assert kpi_actual("engagement_rate", TOTALS) == pytest.approx(0.04)
    assert kpi_actual("roas", TOTALS) == pytest.approx(3.0)
    assert kpi_actual("cpa", TOTALS) == pytest.approx(25.0)
    assert kpi_actual("roas", Totals()) is None
    with pytest.raises(ValueError, match="unknown KPI 'likes'; use one of impressions"):
        kpi_actual("likes", TOTALS)


def test_every_objective_names_kpis_that_can_be_computed():
    for metrics in OBJECTIVE_KPIS.values():
        for metric in metrics:
            kpi_actual(metric, TOTALS)


def test_a_kpi_is_met_at_its_target_and_cpa_is_met_below_it():
    assert kpi_status("revenue", 1_500.0, TOTALS).met
    below = kpi_status("revenue", 3_000.0, TOTALS)
    assert not below.met and below.progress == pytest.approx(0.5)
    assert kpi_status("cpa", 30.0, TOTALS).met and not kpi_status("cpa", 20.0, TOTALS).met
    assert kpi_status("cpa", 20.0, TOTALS).progress == pytest.approx(0.8)
    assert kpi_status("roas", 2.0, Totals()).progress is None


@pytest.mark.parametrize(
    ("spent", "today", "status", "expected", "projected"),
    [
        (0.0, date(2027, 2, 27), "not started", 0.0, 0.0),
        (1_000.0, date(2027, 3, 10), "on track", 1_000.0, 3_100.0),  # day 10 of 31: 10/31 of 3,100
        (1_400.0, date(2027, 3, 10), "overspending", 1_000.0, 4_340.0),
        (500.0, date(2027, 3, 10), "underspending", 1_000.0, 1_550.0),
        (2_900.0, date(2027, 4, 2), "finished", 3_100.0, 2_900.0),
    ],
)
def test_pacing_compares_spend_with_an_even_line(spent, today, status, expected, projected):
    result = pacing(3_100.0, spent, date(2027, 3, 1), date(2027, 3, 31), today)
    assert result.status == status
    assert result.expected == pytest.approx(expected) and result.projected == pytest.approx(projected)


def test_impossible_campaign_dates_or_amounts_are_refused():
    with pytest.raises(ValueError, match="ends .* before it starts"):
        pacing(100.0, 0.0, date(2027, 3, 2), date(2027, 3, 1), date(2027, 3, 1))
    with pytest.raises(ValueError, match="zero or more"):
        pacing(-1.0, 0.0, date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 1))
