"""The performance analyst and the campaign manager in the graph, on a seeded demo history."""

from __future__ import annotations

from datetime import date

import pytest
from graph_runs import run
from sqlalchemy import select

from memory.ab_tests import AbTestStore
from memory.campaigns import CampaignStore
from memory.db import write_transaction
from memory.demo import seed_demo
from memory.metrics import MetricsStore
from memory.models import AbTestPlan
from tools.analytics.demo_history import demo_history

BRAND = "harbor-pine"
HISTORY = demo_history(end=date(2026, 11, 27), platforms=("instagram", "facebook", "tiktok", "linkedin"), weeks=20)


@pytest.fixture
def analytics(make_context, sessions):
    with write_transaction(sessions) as session:
        seed_demo(session, BRAND, HISTORY, actor="test")

    def make(**overrides):
        stores = {
            "metrics": MetricsStore(sessions),
            "campaigns": CampaignStore(sessions),
            "ab_tests": AbTestStore(sessions),
        }
        return make_context(**{**stores, **overrides})

    return make


def reply(graph, context, text, thread="t1"):
    snapshot = run(graph, context, text, thread=thread)
    return snapshot.values["agent"], snapshot.values["messages"][-1].content


def test_how_last_week_went_compares_it_with_the_week_before(graph, analytics):
    agent, text = reply(graph, analytics(), "how did last week go?")
    assert agent == "performance_analyst"
    assert "Performance for harbor-pine: last week (Nov 16-22)" in text and "(includes DEMO data)" in text
    assert "| Engagements |" in text and "**What changed**" in text


def test_a_period_it_cannot_read_falls_back_to_last_week_and_says_so(graph, analytics):
    _, text = reply(graph, analytics(), "what was our ROAS over the holidays?")
    assert "I didn't find a period I could read" in text


def test_attribution_shows_every_model_adding_up_to_the_conversions(graph, analytics):
    agent, text = reply(graph, analytics(), "which channels drive our conversions?")
    assert agent == "performance_analyst"
    assert "Data-driven (Markov removal effect)" in text and "Last touch" in text and "every row adds up" in text


def test_a_forecast_gives_four_weeks_with_ranges(graph, analytics):
    _, text = reply(graph, analytics(), "forecast the next few weeks for us")
    assert "**The next four weeks**" in text and text.count("week of") >= 12 and "80% of weeks" in text


def test_a_campaign_status_shows_kpis_and_pacing(graph, analytics):
    agent, text = reply(graph, analytics(), "how is the Winter launch campaign pacing?")
    assert agent == "campaign_manager"
    assert "**Winter launch** (active, sales)" in text and "revenue:" in text and "Budget: $" in text


def test_pausing_a_campaign_is_a_legal_step_and_an_illegal_one_is_explained(graph, analytics, sessions):
    context = analytics()
    _, text = reply(graph, context, "pause the Winter launch campaign", thread="p1")
    assert "Winter launch is now **paused** (was active)" in text
    _, text = reply(graph, context, "complete the Summer markets campaign", thread="p2")
    assert "Summer markets is now **completed** (was paused)" in text
    _, text = reply(graph, context, "resume the Summer markets campaign", thread="p3")
    assert "can't become active; from completed it can go to nothing" in text
    assert CampaignStore(sessions).get(BRAND, "winter launch").status == "paused"


@pytest.mark.parametrize(
    "question",
    [
        "when does the Summer markets campaign end?",
        "did the Summer markets campaign start well?",
        "how are the Summer markets doing since the launch? (campaign)",
    ],
)
def test_questions_with_lifecycle_words_never_change_a_campaign(graph, analytics, sessions, question):
    _, text = reply(graph, analytics(), question)
    assert "**Summer markets** (paused" in text
    assert CampaignStore(sessions).get(BRAND, "summer markets").status == "paused"


def test_a_budget_is_split_per_week_from_the_paid_history(graph, analytics):
    _, text = reply(graph, analytics(), "where should the next $20k go? cap facebook at 6k")
    assert "**Where $20,000 should go** over a month" in text and "a week" in text
    assert "facebook: $1,379" in text  # the $6k cap spread over 4.35 weeks, binding


def test_an_ab_result_without_a_plan_is_judged_with_the_always_valid_test(graph, analytics):
    agent, text = reply(graph, analytics(), "is B really better? A: 120/2400, B: 156/2380")
    assert agent == "campaign_manager"
    assert "**Not significant yet**" in text and "always-valid sequential test" in text  # fixed-horizon p: 0.02
    _, clear = reply(graph, analytics(), "is B really better? A: 400/10000, B: 560/10000", "ab-clear")
    assert "**Version B wins**" in clear and "always-valid p < 0.001" in clear


def test_a_planned_test_waits_for_its_horizon_then_keeps_its_verdict(graph, analytics, sessions):
    context = analytics()
    _, text = reply(graph, context, "plan an A/B test 'subject lines': baseline 10%, detect a 2 point lift", "ab1")
    assert "each version needs **3,841 visitors**" in text
    _, early = reply(graph, context, "subject lines so far: A: 100/1000, B: 140/1000", "ab2")
    assert "Too early to call" in early
    _, final = reply(graph, context, "subject lines: A: 400/4000, B: 470/4000", "ab3")
    assert "Version B wins" in final
    with sessions() as session:
        [stored] = session.scalars(select(AbTestPlan)).all()
    assert stored.decided_at is not None and stored.verdict.startswith("Version B wins")


def test_without_a_database_the_specialists_say_so(graph, make_context):
    _, text = reply(graph, make_context(), "how did last week go?")
    assert "need BrandPilot's database" in text
