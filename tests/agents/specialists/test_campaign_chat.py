"""Campaigns created and changed from chat through the graph: stored, audited, and what is missing asked for."""

from __future__ import annotations

from datetime import date

import pytest
from graph_runs import run
from sqlalchemy import select

from memory.ab_tests import AbTestStore
from memory.campaigns import CampaignStore, Kpi, NewCampaign
from memory.metrics import MetricsStore
from memory.models import AuditLog

BRAND = "harbor-pine"


@pytest.fixture
def context(make_context, sessions):
    stores = {
        "metrics": MetricsStore(sessions),
        "campaigns": CampaignStore(sessions),
        "ab_tests": AbTestStore(sessions),
    }
    return make_context(**stores)


def reply(graph, context, text, thread="c1"):
    snapshot = run(graph, context, text, thread=thread)
    return snapshot.values.get("agent"), snapshot.values["messages"][-1].content


def test_a_campaign_described_in_chat_is_created_in_planning(graph, context, sessions):
    agent, text = reply(
        graph,
        context,
        "create a campaign called Spring Glow for sales with a $20k budget from March 1 to April 30 on instagram "
        "and tiktok, revenue target $60k",
    )
    assert agent == "campaign_manager"
    assert "Created **Spring Glow** (planning): sales, budget $20,000, Mar 01 2027 to Apr 30 2027" in text
    created = CampaignStore(sessions).get(BRAND, "spring glow")
    assert (created.budget, created.channels, created.kpis) == (
        20000.0,
        ("instagram", "tiktok"),
        (Kpi("revenue", 60000),),
    )
    with sessions() as session:
        assert session.scalars(select(AuditLog.action).where(AuditLog.action == "campaign.created")).all()


def test_a_campaign_without_a_name_or_objective_is_asked_for_not_invented(graph, context, sessions):
    _, text = reply(graph, context, "set up a new campaign for our winter candles with a 5k budget")
    assert "once I know its name" in text and "what it is for" in text
    assert CampaignStore(sessions).list(BRAND) == []


def test_a_name_already_used_creates_nothing(graph, context, sessions):
    CampaignStore(sessions).create(NewCampaign(BRAND, "Winter Sale", "sales", 1000), actor="test")
    _, text = reply(graph, context, "create a new campaign called Winter Sale for awareness")
    assert "Nothing was created" in text and "already has a campaign called 'Winter Sale'" in text


def test_targets_budget_and_dates_change_in_chat_and_are_audited(graph, context, sessions):
    store = CampaignStore(sessions)
    store.create(NewCampaign(BRAND, "Winter Sale", "sales", 10000, date(2026, 12, 1), date(2026, 12, 31)), actor="t")
    _, text = reply(graph, context, "set the Winter Sale revenue target to 80k and raise its budget to $25,000")
    assert "Updated" in text and "budget $25,000" in text and "revenue ≥ $80,000" in text
    _, later = reply(graph, context, "extend Winter Sale until January 15", thread="c2")
    assert "Dec 01 2026 to Jan 15 2027" in later
    after = store.get(BRAND, "winter sale")
    assert (after.budget, after.ends_on, after.kpis) == (25000.0, date(2027, 1, 15), (Kpi("revenue", 80000),))
    with sessions() as session:
        details = session.scalars(select(AuditLog.detail).where(AuditLog.action == "campaign.updated")).all()
    assert details[0]["budget"] == ["10000.0", "25000.0"] and details[1]["ends_on"] == ["2026-12-31", "2027-01-15"]


def test_a_change_that_cannot_be_is_refused_and_nothing_is_stored(graph, context, sessions):
    store = CampaignStore(sessions)
    store.create(NewCampaign(BRAND, "Winter Sale", "sales", 10000, date(2026, 12, 10), date(2026, 12, 31)), actor="t")
    _, text = reply(graph, context, "change the end of Winter Sale to Dec 5")
    assert "Nothing was changed" in text and "before it starts" in text
    assert store.get(BRAND, "winter sale").ends_on == date(2026, 12, 31)
