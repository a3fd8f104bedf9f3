"""Weekly forecasts: exact on noiseless series, honest interval coverage, agreement with statsmodels OLS."""

import math
from datetime import date, timedelta

import numpy as np
import pytest
import statsmodels.api as sm

from tools.analytics.forecast import (
    MIN_WEEKS,
    MIN_WEEKS_FOR_SEASONALITY,
    MIN_WEEKS_FOR_TREND,
    forecast,
)

START = date(2023, 1, 2)  # a Monday
PERIOD = 365.25 / 7  # weeks in a year


def weeks(n, start=START):
    return [start + timedelta(weeks=i) for i in range(n)]


def synthetic(rng, n, *, seasonal, noise=0.15):
    """Log-scale truth: level + trend (+ a two-harmonic yearly pattern); lognormal noise around it."""
    t = np.arange(n)
    log_truth = math.log(rng.uniform(200, 2000)) + rng.normal(0, 0.004) * t
    if seasonal:
        for k, amplitude in ((1, rng.uniform(0.1, 0.4)), (2, rng.uniform(0, 0.15))):
            log_truth = log_truth + amplitude * np.sin(2 * math.pi * k * t / PERIOD + rng.uniform(0, 2 * math.pi))
    return np.exp(log_truth + rng.normal(0, noise, n))


def test_a_noiseless_steady_growth_series_is_extrapolated_exactly_with_no_spread():
    # linear on the model's log1p scale: log1p(y) = 3 + 0.05 t
    values = np.expm1(3 + 0.05 * np.arange(30))
    result = forecast(weeks(30), list(values), horizon=5)
    assert result.method == "trend"
    expected = np.expm1(3 + 0.05 * np.arange(30, 35))
    assert [w.value for w in result.weeks] == pytest.approx(list(expected), rel=1e-9)
    assert [w.high - w.low for w in result.weeks] == pytest.approx([0] * 5, abs=1e-6)


def test_a_noiseless_trend_and_yearly_pattern_is_extrapolated_exactly():
    t = np.arange(130 + 8)
    log_values = 5 + 0.002 * t + 0.3 * np.sin(2 * math.pi * t / PERIOD + 1.0) + 0.1 * np.cos(4 * math.pi * t / PERIOD)
    result = forecast(weeks(130), list(np.expm1(log_values[:130])), horizon=8)
    assert result.method == "trend and seasonality"
    assert [w.value for w in result.weeks] == pytest.approx(list(np.expm1(log_values[130:])), rel=1e-9)


def test_forecast_weeks_follow_the_last_week_even_with_gaps_and_unsorted_input():
    dates = [START + timedelta(weeks=i) for i in (3, 0, 1, 5, 6, 2, 8, 9, 10)]
    result = forecast(dates, [10, 12, 11, 13, 12, 14, 13, 15, 14], horizon=3)
    assert [w.week for w in result.weeks] == [START + timedelta(weeks=i) for i in (11, 12, 13)]
    assert result.history == 9 and result.level == 0.8


@pytest.mark.parametrize(
    ("n", "seasonal", "method"), [(120, True, "trend and seasonality"), (30, False, "trend"), (6, False, "flat level")]
)
def test_intervals_cover_held_out_weeks_at_their_stated_level(n, seasonal, method):
    rng = np.random.default_rng(7 + n)
    horizon, hits = 8, {0.5: 0, 0.8: 0, 0.95: 0}
    for _ in range(300):
        series = synthetic(rng, n + horizon, seasonal=seasonal)
        history, held_out = series[:n], series[n:]
        for level in hits:
            result = forecast(weeks(n), list(history), horizon=horizon, level=level)
            assert result.method == method
            hits[level] += sum(w.low <= y <= w.high for w, y in zip(result.weeks, held_out, strict=True))
    coverage = {level: count / (300 * horizon) for level, count in hits.items()}
    # 2,400 held-out weeks per level: about 3 standard errors either side (seeded, so deterministic)
    assert 0.45 <= coverage[0.5] <= 0.55, coverage
    assert 0.76 <= coverage[0.8] <= 0.84, coverage
    assert 0.925 <= coverage[0.95] <= 0.975, coverage


def reference_design(t, terms):
    columns = [np.ones_like(t)]
    if terms != "flat":
        columns.append(t)
    if terms == "seasonal":
        for k in (1, 2, 3):
            columns += [np.sin(2 * math.pi * k * t / PERIOD), np.cos(2 * math.pi * k * t / PERIOD)]
    return np.column_stack(columns)


@pytest.mark.parametrize(("n", "terms"), [(130, "seasonal"), (20, "trend"), (6, "flat")])
def test_point_and_interval_match_statsmodels_ols_on_the_log_scale(n, terms):
    rng = np.random.default_rng(11)
    values = synthetic(rng, n, seasonal=True, noise=0.25)
    horizon, level = 6, 0.9
    result = forecast(weeks(n), list(values), horizon=horizon, level=level)
    t = np.arange(n, dtype=float)
    fit = sm.OLS(np.log1p(values), reference_design(t, terms)).fit()
    future = reference_design(np.arange(n, n + horizon, dtype=float), terms)
    frame = fit.get_prediction(future).summary_frame(alpha=1 - level)
    assert np.log1p([w.value for w in result.weeks]) == pytest.approx(frame["mean"].to_numpy(), abs=1e-8)
    assert np.log1p([w.low for w in result.weeks]) == pytest.approx(frame["obs_ci_lower"].to_numpy(), abs=1e-8)
    assert np.log1p([w.high for w in result.weeks]) == pytest.approx(frame["obs_ci_upper"].to_numpy(), abs=1e-8)


@pytest.mark.parametrize(
    ("n", "method", "said"),
    [
        (MIN_WEEKS, "flat level", "average level of only 4 weeks (too few for a trend; 8 are needed)"),
        (MIN_WEEKS_FOR_TREND - 1, "flat level", "only 7 weeks"),
        (MIN_WEEKS_FOR_TREND, "trend", "trend of 8 weeks (seasonality needs 104 weeks, two years)"),
        (MIN_WEEKS_FOR_SEASONALITY - 1, "trend", "trend of 103 weeks"),
        (MIN_WEEKS_FOR_SEASONALITY, "trend and seasonality", "trend and yearly pattern of 104 weeks"),
    ],
)
def test_short_histories_use_simpler_methods_and_say_so(n, method, said):
    values = synthetic(np.random.default_rng(3), n, seasonal=False)
    result = forecast(weeks(n), list(values), level=0.8)
    assert result.method == method
    assert said in result.description and "80% of weeks" in result.description
    assert "\n" not in result.description


def test_a_flat_level_forecasts_the_same_value_every_week_from_the_log_mean():
    values = [100, 120, 90, 110, 105]
    result = forecast(weeks(5), values, horizon=3)
    assert [w.value for w in result.weeks] == pytest.approx([math.expm1(np.mean(np.log1p(values)))] * 3)
    assert all(w.low < w.value < w.high for w in result.weeks)


def test_bounds_are_clipped_at_zero_for_sparse_counts():
    values = [0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 3, 0]
    result = forecast(weeks(len(values)), values, horizon=4, level=0.95)
    assert all(w.low >= 0 and w.value >= 0 for w in result.weeks)
    assert any(w.low == 0 for w in result.weeks)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weeks": weeks(3), "values": [1, 2, 3]}, "only 3 weeks of history; pass at least 4"),
        ({"values": [5, 6, -1, 7, 8]}, "negative"),
        ({"values": [5, 6, math.nan, 7, 8]}, "pass a finite number"),
        ({"values": [5, 6, 7, 8]}, "got 5 week dates but 4 values"),
        ({"horizon": 0}, "horizon must be a whole number of weeks from 1"),
        ({"level": 0.0}, "level must be strictly between 0 and 1"),
        ({"level": 1.0}, "level must be strictly between 0 and 1"),
        ({"level": 80}, "level must be strictly between 0 and 1"),
        ({"weeks": [*weeks(4), START]}, "appears twice"),
        ({"weeks": [*weeks(4), START + timedelta(days=31)]}, "same weekday"),
    ],
)
def test_bad_input_is_refused_with_what_to_pass(kwargs, message):
    arguments = {"weeks": weeks(5), "values": [5, 6, 7, 8, 9], **kwargs}
    with pytest.raises(ValueError, match=message):
        forecast(**arguments)
