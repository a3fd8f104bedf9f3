"""Campaigns: created in planning, moved only by legal steps, every step audited, bad requests explained."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from memory.campaigns import TRANSITIONS, CampaignError, CampaignStore, Kpi, NewCampaign
from memory.models import AuditLog

BRAND = "harbor-and-pine"


def spring(**overrides) -> NewCampaign:
    values = {
        "brand_id": BRAND,
        "name": "Spring  launch",
        "objective": "sales",
        "budget": 20_000.0,
        "starts_on": date(2027, 3, 1),
        "ends_on": date(2027, 3, 31),
        "channels": ("instagram", "facebook"),
        "kpis": (Kpi("revenue", 60_000.0), Kpi("roas", 3.0)),
    }
    return NewCampaign(**{**values, **overrides})


def test_a_new_campaign_starts_in_planning_with_its_kpis(factory):
    store = CampaignStore(factory)
    created = store.create(spring(), actor="maya")
    assert (created.name, created.status, created.budget) == ("Spring launch", "planning", 20_000.0)
    assert store.get(BRAND, "spring LAUNCH").kpis == (Kpi("revenue", 60_000.0), Kpi("roas", 3.0))
    assert [c.name for c in store.list(BRAND, statuses=("planning",))] == ["Spring launch"]


def test_the_lifecycle_allows_only_legal_steps_and_audits_each(factory):
    store = CampaignStore(factory)
    store.create(spring(), actor="maya")
    with pytest.raises(CampaignError, match="planning, so it can't become paused; from planning it can go to active"):
        store.transition(BRAND, "Spring launch", "paused", actor="maya")
    for state in ("active", "paused", "active", "completed"):
        assert store.transition(BRAND, "Spring launch", state, actor="maya").status == state
    with pytest.raises(CampaignError, match="nothing: it is finished"):
        store.transition(BRAND, "Spring launch", "active", actor="maya")
    with factory() as session:
        steps = [e.detail for e in session.scalars(select(AuditLog).where(AuditLog.action == "campaign.status"))]
    assert [s["to"] for s in steps] == ["active", "paused", "active", "completed"]


def test_every_state_can_be_reached_and_completed_is_final():
    reachable = {"planning"} | {to for targets in TRANSITIONS.values() for to in targets}
    assert reachable == set(TRANSITIONS) and TRANSITIONS["completed"] == ()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"objective": "virality"}, "use one of awareness, engagement, traffic, leads, sales"),
        ({"budget": -5.0}, "zero or more"),
        ({"budget": float("nan")}, "zero or more"),
        ({"starts_on": date(2027, 4, 1)}, "ends .* before it starts"),
    ],
)
def test_bad_campaigns_are_refused_with_what_to_do(factory, overrides, message):
    with pytest.raises(CampaignError, match=message):
        CampaignStore(factory).create(spring(**overrides), actor="maya")


def test_a_duplicate_name_or_unknown_campaign_is_explained(factory):
    store = CampaignStore(factory)
    store.create(spring(), actor="maya")
    with pytest.raises(CampaignError, match="already has a campaign called 'spring launch'"):
        store.create(spring(name="spring launch "), actor="maya")  # same name, other spacing: refused by lookup too
    with pytest.raises(CampaignError, match=r"no campaign called 'Autumn' \(campaigns: Spring launch\)"):
        store.get(BRAND, "Autumn")
