"""The listening specialists in chat: sentiment for a period, crisis checks with the playbook, replies waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from graph_runs import pending, run

from bot.listening.ingest import Ingestor
from memory.db import write_transaction
from memory.incidents import IncidentStore, open_incident
from memory.mentions import MentionStore
from tools.monitor.mentions import Mention

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # the tests' fixed now


@pytest.fixture
def listening(make_context, sessions):
    ingest = Ingestor(sessions)
    mentions = [
        Mention("x", "1", "ana", NOW - timedelta(days=1), "I love the new fir candle, it smells amazing!", 800),
        Mention(
            "x", "2", "bigvoice", NOW - timedelta(days=2), "This brand is a scam, my order never came. Awful.", 250_000
        ),
        Mention(
            "instagram", "3", "cy", NOW - timedelta(hours=3), "where is my refund?? nobody answers", 40, kind="comment"
        ),
        Mention("x", "4", "dee", NOW - timedelta(days=10), "the worst candle I ever bought", 10),
        Mention("x", "5", "eve", NOW - timedelta(days=9), "terrible service, rude staff", 10),
    ]
    ingest.ingest("harbor-pine", mentions)
    return lambda **extra: make_context(mentions=MentionStore(sessions), incidents=IncidentStore(sessions), **extra)


def test_sentiment_for_the_week_against_the_week_before_with_the_widest_reaching_complaint(graph, listening):
    snapshot = run(graph, listening(), "how do people feel about us this week compared to last week?")
    assert snapshot.values["agent"] == "sentiment_analyst"
    reply = snapshot.values["messages"][-1].content
    assert "mentions" in reply and "negative" in reply and "@bigvoice (250,000 followers" in reply
    assert not pending(snapshot)


def test_a_crisis_check_lists_open_incidents_and_rates_the_described_problem_by_the_playbook(
    graph, listening, sessions
):
    with write_transaction(sessions) as session:
        open_incident(
            session,
            brand_id="harbor-pine",
            severity="SEV2",
            crisis_type="outage",
            type_confidence=0.8,
            score=9.1,
            signals=["volume"],
            mentions=120,
            at=NOW - timedelta(hours=2),
        )
    snapshot = run(
        graph, listening(), "how serious is the reddit thread saying our candle jars shatter and burn people?"
    )
    assert snapshot.values["agent"] == "crisis_detector"
    reply = snapshot.values["messages"][-1].content
    assert "SEV2 outage for harbor-pine" in reply
    assert "Your playbook rates it **SEV1**" in reply  # product safety defaults to SEV1 in the sample playbook


def test_social_monitor_shows_the_comments_waiting_and_the_big_accounts(graph, listening):
    snapshot = run(graph, listening(), "which comments and DMs are waiting for a reply?")
    assert snapshot.values["agent"] == "social_monitor"
    reply = snapshot.values["messages"][-1].content
    assert "where is my refund" in reply and "instagram @cy" in reply
    snapshot = run(graph, listening(), "which influencers mentioned us this week?", thread="cli:t2")
    assert "@bigvoice (250,000 followers" in snapshot.values["messages"][-1].content


def test_without_a_database_the_specialists_say_so(graph, make_context):
    snapshot = run(graph, make_context(), "is the sentiment around our brand getting worse this week?")
    assert "need BrandPilot's database" in snapshot.values["messages"][-1].content
