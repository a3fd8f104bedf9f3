"""Regression guard on NAB's Twitter volume series: the default settings keep their measured level."""

import pytest
from shared import needs_shared, shared_path

from tools.monitor.nab_eval import evaluate, format_table, summarise

pytestmark = needs_shared("data", "nab_realtweets", "labels.json")


@pytest.fixture(scope="module")
def summary():
    return summarise(evaluate(shared_path("data", "nab_realtweets")))


def test_default_detector_keeps_its_level_on_nab_twitter_series(summary):
    total = summary["total"]
    assert total["windows"] == 15
    assert total["windows_hit"] >= 14  # measured 14 of 15
    assert total["false_per_week"] <= 0.83 + 0.15  # measured 0.83 false alerts per series-week
    assert total["nab_standard"] >= 72.0  # measured 77.7


def test_table_lists_every_series_and_the_total(summary):
    table = format_table([*summary["series"], summary["total"]], "series")
    assert table.count("\n") == len(summary["series"]) + 1
    assert "TOTAL" in table
