"""Campaigns created and changed from chat: what was understood, what is still needed, and the stored result."""

from __future__ import annotations

from memory.campaigns import CampaignChanges, CampaignError, CampaignStore, CampaignView, Kpi, NewCampaign
from memory.models import CAMPAIGN_OBJECTIVES
from tools.analytics.campaign_asks import CampaignAsk
from tools.analytics.kpis import LOWER_IS_BETTER, OBJECTIVE_KPIS
from tools.reports.render import number

EXAMPLE = (
    '"create a campaign called Spring Glow for sales with a $20k budget from March 1 to April 30 on instagram '
    'and tiktok, revenue target $60k"'
)


def describe(campaign: CampaignView) -> str:
    """A campaign's plan in one sentence: objective, budget, dates, channels and KPI targets."""
    start, end = campaign.starts_on, campaign.ends_on
    dates = {
        (True, True): f"{start:%b %d %Y} to {end:%b %d %Y}",
        (True, False): f"from {start:%b %d %Y}",
        (False, True): f"until {end:%b %d %Y}",
        (False, False): "no dates yet",
    }[(start is not None, end is not None)]
    targets = ", ".join(
        f"{k.metric} {'≤' if k.metric in LOWER_IS_BETTER else '≥'} {number(k.metric, k.target)}" for k in campaign.kpis
    )
    channels = ", ".join(campaign.channels) or "no channels named"
    return (
        f"**{campaign.name}** ({campaign.status}): {campaign.objective}, budget ${campaign.budget:,.0f}, {dates}, "
        f"{channels}; KPI targets: {targets or 'none yet'}."
    )


def create_answer(store: CampaignStore, brand: str, ask: CampaignAsk, actor: str) -> str:
    """Create the campaign the message describes, or say what is missing (its name, its objective)."""
    missing = []
    if ask.name is None:
        missing.append('its name (in quotes, or after "called")')
    if ask.objective is None:
        missing.append(f"what it is for ({', '.join(CAMPAIGN_OBJECTIVES)})")
    if missing:
        return f"I can create that campaign once I know {' and '.join(missing)}. For example: {EXAMPLE}."
    assert ask.name is not None and ask.objective is not None
    kpis = [Kpi(metric, target) for metric, target in ask.kpis.items()]
    new = NewCampaign(brand, ask.name, ask.objective, ask.budget or 0.0, ask.starts_on, ask.ends_on, ask.channels, kpis)
    try:
        created = store.create(new, actor=actor)
    except CampaignError as error:
        return f"Nothing was created: {error}"
    lines = [f'Created {describe(created)} It is in planning; say "start {created.name}" when it goes live.']
    if not created.kpis:
        judged = " and ".join(OBJECTIVE_KPIS[created.objective])
        lines.append(
            f'A {created.objective} campaign is judged on {judged}: give targets, e.g. "set the {created.name} '
            f'{OBJECTIVE_KPIS[created.objective][0]} target to …".'
        )
    if not created.budget:
        lines.append(f'No budget yet: e.g. "set the {created.name} budget to 20k".')
    return "\n\n".join(lines)


def update_answer(store: CampaignStore, brand: str, campaign: CampaignView, ask: CampaignAsk, actor: str) -> str:
    """Apply the budget, dates, channels and KPI targets the message sets; say what changed."""
    changes = CampaignChanges(
        budget=ask.budget,
        starts_on=ask.starts_on,
        ends_on=ask.ends_on,
        channels=ask.channels or None,
        kpis=[Kpi(metric, target) for metric, target in ask.kpis.items()],
    )
    try:
        updated = store.update(brand, campaign.name, changes, actor=actor)
    except CampaignError as error:
        return f"Nothing was changed: {error}"
    if updated == campaign:
        return f"That is already so; nothing changed. {describe(updated)}"
    return f"Updated (the change is in the audit log): {describe(updated)}"
