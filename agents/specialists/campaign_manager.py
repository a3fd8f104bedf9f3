"""The campaign manager: campaigns created, changed and moved through their lifecycle, budget splits, A/B tests."""

from __future__ import annotations

import re
from datetime import date

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.specialists.campaign_edits import EXAMPLE, create_answer, update_answer
from agents.specialists.campaign_stats import budget_answer, design_answer, verdict_answer
from agents.specialists.drafting import latest_request
from agents.state import BrandPilotState
from memory.campaign_progress import campaign_progress
from memory.campaigns import CampaignStore, CampaignView
from memory.metrics import MetricsStore
from tools.analytics.asks import ab_counts, ab_design, budget_ask
from tools.analytics.campaign_asks import campaign_ask, wants_change, wants_new_campaign
from tools.analytics.kpis import OBJECTIVE_KPIS
from tools.reports.render import number

NAME = "campaign_manager"
# A lifecycle step is asked for in the imperative ("pause the Winter launch", "can you resume ...", "mark
# Spring refresh as done"); a question that merely contains such a word ("when does it end?") changes nothing.
_POLITE = (
    r"^\W*(?:(?:ok|okay|hey|so|now|then|please|pls|kindly)\W+)*(?:(?:can|could|would) you\s+|let'?s\s+)?(?:please\s+)?"
)
_MOVES = (
    (re.compile(_POLITE + r"(?:pause|hold|put on hold)\b", re.I), "paused"),
    (re.compile(_POLITE + r"(?:resume|restart|unpause|start|launch|activate|kick off)\b", re.I), "active"),
    (re.compile(_POLITE + r"(?:complete|finish|end|close|wrap up)\b|\bmark\b.*\bas (?:done|complete|finished)", re.I),
     "completed"),
)  # fmt: skip
_LIST = re.compile(r"\b(?:campaigns|what(?:'s| is) running|which campaigns|list)\b", re.I)


def manage_campaigns(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Answer a campaign question or carry out a lifecycle step, from the brand's campaigns and metrics."""
    ctx = runtime.context
    request = latest_request(state)
    if ctx.metrics is None or ctx.campaigns is None or ctx.ab_tests is None:
        text = "Campaign answers need BrandPilot's database, which this conversation isn't connected to."
    else:
        try:
            text = _answer(ctx, request)
        except SQLAlchemyError:
            text = "The campaign data couldn't be read just now (the database didn't answer). Try again in a moment."
        except ValueError as error:  # numbers that can't be (e.g. more conversions than visitors), bad steps, dates
            text = f"I can't do that as asked: {error}"
    return {"messages": [AIMessage(text, name=NAME)], "drafts": [], "outcomes": []}


def _answer(ctx: AgentContext, request: str) -> str:
    assert ctx.metrics is not None and ctx.campaigns is not None and ctx.ab_tests is not None
    brand = ctx.brand.id
    counts = ab_counts(request)
    if counts is not None:
        return verdict_answer(ctx.ab_tests, brand, counts, request)
    design = ab_design(request)
    if design is not None:
        return design_answer(ctx.ab_tests, brand, design, request, ctx.actor)
    campaign = named_campaign(ctx.campaigns, brand, request)
    today = ctx.now().date()
    if wants_new_campaign(request, names_existing=campaign is not None):
        return create_answer(ctx.campaigns, brand, campaign_ask(request, today), ctx.actor)
    if campaign is not None:
        step = next((to for pattern, to in _MOVES if pattern.search(request)), None)
        if step is not None and step != campaign.status:
            moved = ctx.campaigns.transition(brand, campaign.name, step, actor=ctx.actor)
            return f"{moved.name} is now **{moved.status}** (was {campaign.status}); the change is in the audit log."
        if wants_change(request) and (ask := campaign_ask(request, today, without=campaign.name)).changes_anything:
            return update_answer(ctx.campaigns, brand, campaign, ask, ctx.actor)
        return status_answer(ctx.metrics, campaign, today)
    budget = budget_ask(request)
    if budget is not None:
        return budget_answer(ctx.metrics, brand, budget, request)
    if _LIST.search(request):
        return list_answer(ctx.campaigns, brand)
    return (
        "I can show a campaign's KPIs and pacing (name it), pause, resume or complete it, split a budget "
        '("where should the next $20k go?"), plan an A/B test ("baseline 3%, detect a 10% lift") or judge one '
        '("A: 120/2400, B: 156/2380"). To create one, describe it, e.g. ' + EXAMPLE + "."
    )


def named_campaign(store: CampaignStore, brand: str, request: str) -> CampaignView | None:
    """The brand's campaign the request names (the longest name found in it), if any."""
    lowered = " ".join(request.lower().split())
    named = [c for c in store.list(brand) if c.name.lower() in lowered]
    return max(named, key=lambda c: len(c.name)) if named else None


def list_answer(store: CampaignStore, brand: str) -> str:
    """The brand's campaigns, one line each."""
    campaigns = store.list(brand)
    if not campaigns:
        return "There are no campaigns yet. Create one with `brandpilot campaign create NAME --objective sales`."
    lines = ["**Campaigns**"]
    for c in campaigns:
        dates = f", {c.starts_on:%b %d} to {c.ends_on:%b %d}" if c.starts_on and c.ends_on else ""
        demo = " (demo)" if c.is_demo else ""
        lines.append(f"- {c.name}{demo}: {c.status}, {c.objective}, budget ${c.budget:,.0f}{dates}")
    return "\n".join(lines)


def status_answer(metrics: MetricsStore, campaign: CampaignView, today: date) -> str:
    """A campaign's KPIs against target so far and its budget pacing."""
    if campaign.starts_on is None:
        return f"{campaign.name} is {campaign.status} and has no start date yet, so there is nothing to measure."
    progress = campaign_progress(metrics, campaign, today)
    days = progress.days_with_metrics
    lines = [f"**{campaign.name}** ({campaign.status}, {campaign.objective}): {days} days with metrics."]
    for status in progress.kpis:
        share = f" ({status.progress:.0%} of target)" if status.progress is not None else ""
        mark = " ✓" if status.met else ""
        lines.append(
            f"- {status.metric}: {number(status.metric, status.actual)} of {number(status.metric, status.target)}"
            f"{share}{mark}"
        )
    if not campaign.kpis:
        judged = ", ".join(OBJECTIVE_KPIS[campaign.objective])
        lines.append(f"- No KPI targets set; a {campaign.objective} campaign is judged on {judged}.")
    if pace := progress.pace:
        lines.append(
            f"- Budget: ${pace.spent:,.0f} of ${pace.budget:,.0f} spent, {pace.status} (an even pace would be "
            f"${pace.expected:,.0f} by now; at this rate it ends at ${pace.projected:,.0f})."
        )
    return "\n".join(lines)
