"""The crisis watch on stored mentions: quiet days stay quiet; a negative spike opens one incident that alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mention_series import ANGRY, START, background, spike

from bot.alerts import AlertService
from bot.deployment import deployment
from bot.listening.ingest import Ingestor
from bot.listening.watch import CrisisWatch, brand_playbooks
from config.settings import MonitorOptions, load_settings
from memory import queue
from memory.incidents import IncidentStore

BRAND = "harbor-pine"


@pytest.fixture(scope="module")
def calm_days():
    return background(2)


@pytest.fixture
def where(calm_days):
    with deployment(load_settings()) as where:
        Ingestor(where.sessions).ingest(BRAND, calm_days)
        yield where


def watch(where, **options) -> CrisisWatch:
    settings = MonitorOptions(**options)
    return CrisisWatch(
        where.sessions,
        [BRAND],
        settings,
        live=False,
        classifier=lambda texts: ("product_safety", 0.9),
        playbooks=brand_playbooks(where.settings),
    )


def test_ordinary_days_with_their_daily_peaks_raise_nothing(where):
    assert watch(where).run_once(START + timedelta(days=2), since=START) == []
    assert IncidentStore(where.sessions).open_incidents() == [] and AlertService(where.sessions).recent() == []


def test_a_negative_spike_opens_one_incident_that_alerts_with_evidence_and_pauses_posts(where):
    burst = START + timedelta(days=2, hours=3)
    result = Ingestor(where.sessions).ingest(BRAND, spike(burst, 60))
    assert result.new == 60
    crisis = watch(where)  # pauses at SEV1 (the default)
    posts = crisis.run_once(burst + timedelta(minutes=30), since=START)
    assert "opened" in [p.action for p in posts], posts
    [incident] = IncidentStore(where.sessions).open_incidents()
    assert incident.crisis_type == "product_safety" and incident.paused_queue
    assert "negative_share" in incident.signals or "volume" in incident.signals
    [alert] = [a for a in AlertService(where.sessions).recent() if a.kind == "crisis"]
    assert alert.severity == "critical" and "SEV1 product safety or recall incident" in alert.summary
    assert "the playbook puts" in alert.summary and "SEV1 by default" in alert.summary  # raised by the type
    assert "Approvals for a public response: Social lead (Talia Brooks)" in alert.summary
    assert "Legal" in alert.summary and "CEO (Nora Castellano) within 30 min" in alert.summary
    assert "scheduled posts are paused" in alert.summary
    # sample complaints from the burst, quoted with their reach (which ones depends on the sentiment model's scores)
    assert any(any(text[:40] in line for text in ANGRY) and "followers" in line for line in alert.evidence)
    with where.sessions() as session:
        assert BRAND in queue.pauses(session)

    more = Ingestor(where.sessions).ingest(BRAND, spike(burst + timedelta(minutes=40), 30))
    assert more.new == 30
    crisis.run_once(burst + timedelta(hours=1), since=START)
    assert len(IncidentStore(where.sessions).open_incidents()) == 1  # one incident that updates, not a new one

    crisis.run_once(burst + timedelta(hours=4), since=START)  # quiet for two hours: closed
    assert IncidentStore(where.sessions).open_incidents() == []
    assert IncidentStore(where.sessions).get(incident.id).status == "closed"


def test_a_growing_spike_escalates_the_same_incident_with_a_new_alert(where):
    crisis = CrisisWatch(
        where.sessions, [BRAND], MonitorOptions(pause_at=None), live=False, classifier=lambda texts: ("outage", 0.9)
    )
    burst = START + timedelta(days=2, hours=3)
    Ingestor(where.sessions).ingest(BRAND, spike(burst, 40))
    first = [p.action for p in crisis.run_once(burst + timedelta(minutes=20), since=START)]
    [opened] = IncidentStore(where.sessions).open_incidents()
    Ingestor(where.sessions).ingest(BRAND, spike(burst + timedelta(minutes=25), 200))
    crisis.run_once(burst + timedelta(minutes=50), since=START)
    [now] = IncidentStore(where.sessions).open_incidents()
    assert "opened" in first and now.id == opened.id
    assert now.severity < opened.severity  # "SEV1" < "SEV3": it rose
    assert [e["event"] for e in now.timeline].count("escalated") >= 1 and len(now.alert_ids) >= 2
    assert not now.paused_queue
