"""Streaming detector: quiet on seasonal noise, quick on spikes, warns on ramps, adapts to level shifts."""

import math
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from tools.monitor.detector import Detector, DetectorConfig, severity_of, trend_slope
from tools.monitor.incidents import IncidentTracker

START = datetime(2024, 3, 4)  # a Monday
STEP = timedelta(minutes=5)
DAY_POINTS = 288


def seasonal_mean(ts: datetime, base: float = 60.0) -> float:
    """Mentions per 5 minutes: a daily cycle peaking mid-afternoon, a third lower at weekends."""
    hour = ts.hour + ts.minute / 60
    daily = 1.0 + 0.8 * math.sin(2 * math.pi * (hour - 9) / 24)
    weekly = 0.65 if ts.weekday() >= 5 else 1.0
    return base * daily * weekly


def counts(days: int, seed: int = 7, base: float = 60.0) -> list[tuple[datetime, float]]:
    rng = np.random.default_rng(seed)
    times = [START + i * STEP for i in range(days * DAY_POINTS)]
    return [(ts, float(rng.poisson(seasonal_mean(ts, base)))) for ts in times]


def run(rows, config=None):
    detector = Detector(config)
    return [event for ts, value in rows for event in detector.update(ts, value)]


def alerts(events):
    return [e for e in events if e.kind == "alert"]


def test_ordinary_daily_and_weekly_peaks_do_not_alert_over_four_weeks():
    assert alerts(run(counts(28))) == []


def test_quiet_series_with_other_seeds_stays_quiet():
    for seed in (1, 2, 3):
        assert alerts(run(counts(21, seed=seed))) == []


def test_injected_spike_alerts_within_two_points():
    rows = counts(21)
    at = 17 * DAY_POINTS + 140  # a Friday, late morning
    for i in range(at, at + 6):
        ts, value = rows[i]
        rows[i] = (ts, value + 2.5 * seasonal_mean(ts))
    found = alerts(run(rows))
    assert found, "a 3.5x burst of half an hour must alert"
    assert rows[at][0] <= found[0].timestamp <= rows[at][0] + 2 * STEP
    assert all(rows[at][0] <= e.timestamp <= rows[at + 8][0] for e in found)
    assert found[0].expected == pytest.approx(seasonal_mean(rows[at][0]), rel=0.25)


def test_bigger_spikes_get_higher_severity():
    rows = counts(21)
    at = 16 * DAY_POINTS + 150
    for i in range(at, at + 6):
        ts, value = rows[i]
        rows[i] = (ts, value + 12 * seasonal_mean(ts))
    assert {e.severity for e in alerts(run(rows))} >= {"SEV1"}


def test_ramp_raises_an_early_warning_before_the_alert():
    rows = counts(21)
    at = 15 * DAY_POINTS + 130
    for k in range(48):  # four hours rising to four times the normal volume
        ts, value = rows[at + k]
        rows[at + k] = (ts, value + seasonal_mean(ts) * 3 * k / 47)
    events = run(rows)
    warnings = [e for e in events if e.kind == "warning"]
    found = alerts(events)
    assert warnings and found
    assert warnings[0].timestamp < found[0].timestamp
    assert warnings[0].severity == "warning"


def test_level_shift_alerts_then_adapts_instead_of_alerting_for_days():
    rows = counts(28)
    shift = 14 * DAY_POINTS + 120
    rows = rows[:shift] + [(ts, value * 2.0) for ts, value in rows[shift:]]
    events = run(rows)
    found = alerts(events)
    assert found and found[0].timestamp >= rows[shift][0]
    assert found[0].timestamp <= rows[shift][0] + timedelta(hours=1)
    assert all(e.timestamp < rows[shift][0] + timedelta(days=2) for e in found)
    tracker = IncidentTracker()
    opened = [p for e in events for p in tracker.observe("acme", "volume", e) if p.action == "opened"]
    assert len(opened) == 1


def test_negative_share_in_unit_interval_alerts_on_a_jump():
    rng = np.random.default_rng(11)
    config = DetectorConfig(transform="identity", min_scale=0.01)
    rows = []
    for i in range(21 * DAY_POINTS):
        ts = START + i * STEP
        share = 0.12 + 0.03 * math.sin(2 * math.pi * ts.hour / 24)
        rows.append((ts, float(np.clip(rng.normal(share, 0.02), 0.0, 1.0))))
    assert alerts(run(rows, config)) == []
    at = 18 * DAY_POINTS + 100
    rows[at:] = [(ts, min(1.0, value + 0.3)) for ts, value in rows[at:]]
    found = alerts(run(rows, config))
    assert found and rows[at][0] <= found[0].timestamp <= rows[at][0] + 2 * STEP
    assert 0.0 <= found[0].expected <= 1.0


def test_works_at_an_hourly_interval():
    rng = np.random.default_rng(5)
    hourly = [(START + timedelta(hours=h), 0.0) for h in range(24 * 28)]
    rows = [(ts, float(rng.poisson(12 * seasonal_mean(ts)))) for ts, _ in hourly]
    assert alerts(run(rows)) == []
    at = 24 * 20 + 14
    rows[at] = (rows[at][0], rows[at][1] * 3)
    rows[at + 1] = (rows[at + 1][0], rows[at + 1][1] * 3)
    found = alerts(run(rows))
    assert found and found[0].timestamp in (rows[at][0], rows[at + 1][0])


def test_no_scores_during_warm_up():
    rows = counts(1)
    rows[100] = (rows[100][0], 10_000.0)
    assert run(rows) == []


def test_timestamps_must_rise_and_values_be_finite():
    detector = Detector()
    detector.update(START, 1.0)
    with pytest.raises(ValueError, match="rise"):
        detector.update(START, 2.0)
    with pytest.raises(ValueError, match="finite"):
        detector.update(START + STEP, float("nan"))


def test_config_rejects_unordered_severities_and_bad_slots():
    with pytest.raises(ValueError, match="rising"):
        DetectorConfig(severities=(("SEV3", 8.0), ("SEV2", 5.0)))
    with pytest.raises(ValueError, match="divide a day"):
        DetectorConfig(slot_minutes=7)
    assert replace(DetectorConfig(), severities=(("low", 3.0), ("high", 9.0))).threshold == 3.0


def test_severity_is_the_highest_cut_point_reached():
    levels = (("SEV3", 4.5), ("SEV2", 8.0), ("SEV1", 12.0))
    assert severity_of(4.0, levels) is None
    assert severity_of(4.5, levels) == "SEV3"
    assert severity_of(9.0, levels) == "SEV2"
    assert severity_of(30.0, levels) == "SEV1"


def test_trend_slope_of_a_line_is_its_step():
    assert trend_slope([1.0, 3.0, 5.0, 7.0]) == pytest.approx(2.0)
