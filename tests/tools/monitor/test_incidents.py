"""Incident grouping: one incident per episode that escalates, closes when quiet, and respects a cooldown."""

from datetime import datetime, timedelta

from tools.monitor.detector import DetectorEvent
from tools.monitor.incidents import IncidentConfig, IncidentTracker

T0 = datetime(2024, 5, 6, 9, 0)
MIN = timedelta(minutes=1)


def alert(minutes: float, severity: str = "SEV3", score: float = 5.0) -> DetectorEvent:
    return DetectorEvent(T0 + minutes * MIN, "alert", severity, score, 10.0, 40.0)


def warning(minutes: float) -> DetectorEvent:
    return DetectorEvent(T0 + minutes * MIN, "warning", "warning", 3.0, 10.0, 20.0)


def actions(posts):
    return [p.action for p in posts]


def test_an_alert_that_keeps_firing_opens_one_incident():
    tracker = IncidentTracker()
    posts = [p for m in range(0, 60, 5) for p in tracker.observe("acme", "volume", alert(m))]
    assert actions(posts) == ["opened"]


def test_a_rise_in_severity_updates_the_incident_at_once():
    tracker = IncidentTracker()
    tracker.observe("acme", "volume", alert(0))
    posts = tracker.observe("acme", "volume", alert(5, "SEV1", 14.0))
    assert actions(posts) == ["updated"]
    assert posts[0].severity == "SEV1"
    assert tracker.observe("acme", "volume", alert(10, "SEV2", 9.0)) == []
    assert tracker.open["acme"].severity == "SEV1"


def test_a_long_incident_gets_a_rate_limited_refresh():
    tracker = IncidentTracker(IncidentConfig(refresh_interval=timedelta(hours=1)))
    posts = [p for m in range(0, 150, 5) for p in tracker.observe("acme", "volume", alert(m))]
    assert actions(posts) == ["opened", "updated", "updated"]


def test_quiet_period_closes_and_cooldown_blocks_a_new_incident():
    config = IncidentConfig(quiet_period=timedelta(hours=2), cooldown=timedelta(hours=6))
    tracker = IncidentTracker(config)
    tracker.observe("acme", "volume", alert(0))
    assert actions(tracker.tick(T0 + 119 * MIN)) == []
    assert actions(tracker.tick(T0 + 120 * MIN)) == ["closed"]
    assert tracker.observe("acme", "volume", alert(200)) == []
    assert actions(tracker.observe("acme", "volume", alert(120 + 6 * 60))) == ["opened"]


def test_signals_of_one_brand_join_one_incident_and_brands_stay_apart():
    tracker = IncidentTracker()
    first = tracker.observe("acme", "volume", alert(0))
    second = tracker.observe("acme", "negative_share", alert(3))
    other = tracker.observe("globex", "volume", alert(4))
    assert actions(first) == ["opened"] and second == [] and actions(other) == ["opened"]
    assert tracker.open["acme"].signals == frozenset({"volume", "negative_share"})


def test_a_warning_is_posted_once_and_not_while_an_incident_is_open():
    tracker = IncidentTracker()
    assert actions(tracker.observe("acme", "volume", warning(0))) == ["warning"]
    assert tracker.observe("acme", "volume", warning(30)) == []
    tracker.observe("acme", "volume", alert(40))
    assert tracker.observe("acme", "volume", warning(45)) == []
