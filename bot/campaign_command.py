"""`/brandpilot campaign [list [STATE] | status NAME]` and `brandpilot campaign list|status`: campaigns as text."""

from __future__ import annotations

from datetime import date

from bot.calendar_command import HasDatabase
from memory.campaign_progress import CampaignProgress, campaign_progress
from memory.campaigns import CampaignError, CampaignStore, CampaignView
from memory.metrics import MetricsStore
from memory.models import CAMPAIGN_OBJECTIVES, CAMPAIGN_STATUSES
from tools.analytics.kpis import LOWER_IS_BETTER
from tools.reports.render import number

CREATE_HINT = (
    "brandpilot campaign create NAME --objective {" + ",".join(CAMPAIGN_OBJECTIVES) + "} --budget 20000 "
    "--kpi revenue=60000"
)


def campaign_line(campaign: CampaignView) -> str:
    """One line: name, status, objective, budget, dates, channels and KPI targets."""
    dates = f"{campaign.starts_on or '?'} to {campaign.ends_on or '?'}".replace("? to ?", "no dates")
    kpis = ", ".join(
        f"{k.metric} {'<=' if k.metric in LOWER_IS_BETTER else '>='} {number(k.metric, k.target)}"
        for k in campaign.kpis
    )
    return (
        f"{campaign.name}{' [demo]' if campaign.is_demo else ''}: {campaign.status}, {campaign.objective}, "
        f"budget {campaign.budget:,.2f}, {dates}, channels: {', '.join(campaign.channels) or 'not set'}, "
        f"KPIs: {kpis or 'no targets set'}"
    )


def campaign_list_text(where: HasDatabase, brand_id: str, status: str | None = None) -> str:
    """The brand's campaigns (in `status` only, when given), newest first, one line each."""
    if status is not None and status not in CAMPAIGN_STATUSES:
        raise CampaignError(f"{status!r} is not a campaign state; use one of {', '.join(CAMPAIGN_STATUSES)}.")
    campaigns = CampaignStore(where.sessions).list(brand_id, statuses=[status] if status else [])
    if not campaigns:
        return f"{brand_id} has no {status + ' ' if status else ''}campaigns. Create one with: {CREATE_HINT}"
    return "\n".join(campaign_line(c) for c in campaigns)


def campaign_status_lines(campaign: CampaignView, progress: CampaignProgress, today: date) -> list[str]:
    """The campaign's line, its KPIs against target from its start to `today`, and its budget pacing."""
    lines = [campaign_line(campaign)]
    if not progress.days_with_metrics:
        lines.append(
            f"No metrics yet: none of its posts has numbers up to {today}. Posts count toward it when their "
            f"campaign is {campaign.name!r} (`brandpilot metrics import` reads a campaign column)."
        )
    else:
        lines.append(f"KPIs from {campaign.starts_on or 'its first post'} to {today}:")
        for k in progress.kpis:
            reached = f" of {number(k.metric, k.target)}" if k.target else " (no target)"
            if k.target and k.progress is not None:
                reached += f" ({k.progress:.0%} of target)"
            verdict = "" if not k.target else ", met" if k.met else ", not met yet"
            lines.append(f"- {k.metric}: {number(k.metric, k.actual)}{reached}{verdict}")
    if pace := progress.pace:
        lines.append(
            f"Budget pacing: {pace.status}; spent {pace.spent:,.2f} of {pace.budget:,.2f} (an even pace: "
            f"{pace.expected:,.2f} by today; at this rate: {pace.projected:,.2f} by the end)."
        )
    return lines


def campaign_status_text(where: HasDatabase, brand_ids: list[str], name: str, today: date) -> str:
    """The named campaign of the first of `brand_ids` that has one; CampaignError names the campaigns there are."""
    store = CampaignStore(where.sessions)
    for brand_id in brand_ids:
        try:
            campaign = store.get(brand_id, name)
        except CampaignError:
            continue
        progress = campaign_progress(MetricsStore(where.sessions), campaign, today, objective_kpis=True)
        return "\n".join(campaign_status_lines(campaign, progress, today))
    known = [c.name for brand_id in brand_ids for c in store.list(brand_id)]
    listed = f"; the campaigns here: {', '.join(known[:20])}" if known else "; there are no campaigns here yet"
    raise CampaignError(f"No campaign is called {name!r}{listed}.")


def campaign_reply(where: HasDatabase, brand_ids: list[str], words: str, today: date) -> str:
    """`campaign [list [STATE]] | status NAME` for the brands of a workspace; CampaignError says what was wrong."""
    action, _, rest = words.strip().partition(" ")
    action, rest = action.lower() or "list", rest.strip()
    if action == "list":
        if len(rest.split()) > 1:
            raise CampaignError(f"`campaign list` takes at most a state ({', '.join(CAMPAIGN_STATUSES)}).")
        head = (lambda b: f"**{b}**\n") if len(brand_ids) > 1 else (lambda b: "")
        return "\n\n".join(head(b) + campaign_list_text(where, b, rest.lower() or None) for b in brand_ids)
    if action == "status":
        if not rest:
            raise CampaignError("`campaign status` needs a campaign's name, e.g. `campaign status Winter Sale`.")
        return campaign_status_text(where, brand_ids, rest.strip("\"'“”"), today)
    raise CampaignError(
        f"`campaign {words.strip()}` isn't a form I know; use `campaign list [STATE]` or `campaign status NAME`."
    )
