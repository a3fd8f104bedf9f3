"""NAB scoring: known answers of the standard profile on small hand-made series, and the window metrics."""

import json
import math
from datetime import datetime, timedelta

import pytest

from tools.monitor.nab import (
    STANDARD,
    evaluate_series,
    load_windows,
    nab_raw_score,
    normalised_score,
    probation_length,
    scaled_sigmoid,
)

T0 = datetime(2015, 3, 1)
TIMES = [T0 + timedelta(minutes=i) for i in range(200)]
WINDOW = (TIMES[40], TIMES[59])  # 20 rows wide
MAX_TP = 2 / (1 + math.exp(-5)) - 1


def score(rows: list[int], probation: int = 0) -> float:
    return nab_raw_score(TIMES, [TIMES[i] for i in rows], [WINDOW], STANDARD, probation)


def test_scaled_sigmoid_matches_nab_reference_points():
    assert scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert scaled_sigmoid(0.0) == 0.0
    assert scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert scaled_sigmoid(3.0) == -1.0


def test_perfect_detector_scores_100_and_null_detector_0():
    null, perfect = score([]), 1 * STANDARD.tp
    assert null == -1.0
    assert normalised_score(score([40]), null, perfect) == pytest.approx(100.0)
    assert normalised_score(null, null, perfect) == 0.0


def test_only_the_first_detection_in_a_window_counts():
    assert score([40, 45, 59]) == pytest.approx(1.0)
    assert score([50]) == pytest.approx(scaled_sigmoid(-0.5) / MAX_TP)
    assert score([50, 55]) == score([50])


def test_false_positive_before_any_window_costs_the_full_fp_weight():
    assert score([20, 40]) == pytest.approx(1.0 - 0.11)
    assert normalised_score(score([20, 40]), -1.0, 1.0) == pytest.approx(94.5)


def test_false_positive_just_after_a_window_costs_little_and_far_after_costs_fully():
    just_after = score([60]) - score([])
    assert just_after == pytest.approx(0.11 * scaled_sigmoid(1 / 19))
    assert -0.02 < just_after < 0
    assert score([199]) - score([]) == pytest.approx(-0.11)


def test_probationary_rows_count_for_nothing():
    assert score([10], probation=30) == -1.0
    assert score([10], probation=0) == pytest.approx(-1.11)


def test_probation_is_fifteen_percent_capped_at_750_rows():
    assert probation_length(1000) == 150
    assert probation_length(15_900) == 750


def test_window_metrics_count_hits_false_alerts_and_lag():
    times = [T0 + timedelta(minutes=5 * i) for i in range(6000)]
    windows = [(times[2000], times[2300]), (times[4000], times[4300])]
    alerts = [times[100], times[1500], times[2100], times[2200], times[5000]]
    result = evaluate_series("s", times, alerts, windows, labels=[times[2150], times[4150]])
    assert (result.windows_hit, result.windows_total, result.false_alerts) == (1, 2, 2)  # times[100] is probation
    assert result.lags == (timedelta(minutes=500),)
    assert result.label_lags == (timedelta(minutes=-250),)  # alerted before the labelled point
    assert result.series_weeks == pytest.approx((6000 - 1 - 750) * 5 / (7 * 24 * 60))
    assert result.false_per_week == pytest.approx(2 / result.series_weeks)


def test_windows_load_from_nab_labels_json(tmp_path):
    labels = {
        "windows": {
            "realTweets/Twitter_volume_X.csv": [["2015-03-03 04:37:53.000000", "2015-03-04 13:37:53.000000"]],
            "realKnownCause/other.csv": [],
        }
    }
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    assert load_windows(tmp_path) == {
        "Twitter_volume_X.csv": [(datetime(2015, 3, 3, 4, 37, 53), datetime(2015, 3, 4, 13, 37, 53))]
    }
