"""The performance analyst: how a period went and why, which channels earn the conversions, what comes next."""

from __future__ import annotations

import re
from datetime import date, timedelta

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.specialists.campaign_manager import named_campaign, status_answer
from agents.specialists.drafting import latest_request
from agents.state import BrandPilotState
from memory.metrics import MetricsStore
from memory.reports import forecast_weeks, period_report
from tools.analytics.attribution import MODEL_NAMES, attribute
from tools.analytics.period_asks import period_ask
from tools.reports.render import number, to_markdown
from tools.reports.summary import Period, report_periods

NAME = "performance_analyst"
ATTRIBUTION_DAYS = 90
_ATTRIBUTION = re.compile(
    r"\b(?:attribut\w*|credit\w*|touch ?points?|first[- ]touch|last[- ]touch|markov|customer journeys?|"
    r"paths? to (?:purchase|conversion)|which (?:channels?|platforms?) (?:drive|bring|get|deliver|lead)\w*)\b",
    re.IGNORECASE,
)
_FORECAST = re.compile(
    r"\b(?:forecast\w*|projections?|project(?:ed)?|next (?:few |couple of |\d+ )?(?:weeks?|months?)|"
    r"coming weeks|what (?:will|should) (?:we|i) expect|where (?:are|is) (?:we|it) heading)\b",
    re.IGNORECASE,
)
_MODEL_TITLES = {
    "last_touch": "Last touch",
    "first_touch": "First touch",
    "linear": "Linear",
    "time_decay": "Time decay (7-day half-life)",
    "position_based": "Position based (40/20/40)",
    "markov": "Data-driven (Markov removal effect)",
}


def analyse_performance(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Answer a performance question from the brand's own metrics, with the numbers and how they were computed."""
    ctx = runtime.context
    request = latest_request(state)
    if ctx.metrics is None or ctx.campaigns is None:
        text = "Performance answers need BrandPilot's database, which this conversation isn't connected to."
    else:
        try:
            text = _answer(ctx, ctx.metrics, request, ctx.now().date())
        except SQLAlchemyError:
            text = "The metrics couldn't be read just now (the database didn't answer). Try again in a moment."
        except ValueError as error:  # a period or number in the request that can't be (e.g. "Feb 30")
            text = f'I couldn\'t read that: {error}. Try e.g. "how did last week go?" or "last 30 days".'
    return {"messages": [AIMessage(text, name=NAME)], "drafts": [], "outcomes": []}


def _answer(ctx: AgentContext, metrics: MetricsStore, request: str, today: date) -> str:
    brand = ctx.brand.id
    if _ATTRIBUTION.search(request):
        return attribution_answer(metrics, brand, today)
    if _FORECAST.search(request):
        return forecast_answer(metrics, brand, today)
    assert ctx.campaigns is not None
    campaign = named_campaign(ctx.campaigns, brand, request)
    if campaign is not None:  # "how is the Winter launch doing?": that campaign's KPIs and pacing
        return status_answer(metrics, campaign, today)
    asked = period_ask(request, today)
    note = ""
    if asked is None:
        period, previous = report_periods("weekly", today)
        note = (
            "\n\n_I didn't find a period I could read in your message, so this is last week; ask about e.g. "
            '"last month", "this month so far", "last 30 days" or "week of Nov 3"._'
        )
    else:
        period = Period(asked.start, asked.end, asked.label)
        previous = Period(asked.compare_start, asked.compare_end, asked.compare_label)
    report = period_report(metrics, ctx.campaigns, brand, "period", period, previous)
    tail = "\n\n_Charts: `/brandpilot report weekly` in Slack, or `brandpilot report weekly` in a terminal._"
    return to_markdown(report) + note + ("" if report.empty else tail)


def attribution_answer(metrics: MetricsStore, brand: str, today: date) -> str:
    """Conversions credited to each channel by every model, over the last 90 days of customer journeys."""
    start = today - timedelta(days=ATTRIBUTION_DAYS)
    paths = metrics.paths(brand, start, today + timedelta(days=1))
    converted = sum(1 for p in paths if p.converted)
    if not converted:
        return (
            f"There are no converting customer journeys in the last {ATTRIBUTION_DAYS} days to attribute. Import them "
            "with `brandpilot metrics journeys FILE.csv` (one row per touch: journey_id, channel, at, converted, "
            "value), or try the demo with `brandpilot demo seed` to see the models at work."
        )
    credits = {model: attribute(paths, model) for model in MODEL_NAMES}
    channels = sorted(credits["markov"], key=lambda c: -credits["markov"][c])
    header = "| Model | " + " | ".join(channels) + " |"
    rows = [header, "|---" * (len(channels) + 1) + "|"]
    for model in MODEL_NAMES:
        rows.append(f"| {_MODEL_TITLES[model]} | " + " | ".join(f"{credits[model][c]:.1f}" for c in channels) + " |")
    top = channels[0]
    spread = {model: credits[model][top] for model in MODEL_NAMES}
    low, high = min(spread.values()), max(spread.values())
    return "\n\n".join(
        [
            f"**Which channels earn the conversions**: {converted:,} conversions from {len(paths):,} customer "
            f"journeys over the last {ATTRIBUTION_DAYS} days ({start:%b %d} to {today:%b %d}). Each model shares "
            "out the same total, so every row adds up to it.",
            "\n".join(rows),
            f"{top} comes out on top in the data-driven model (it also learns from journeys that didn't convert). "
            f"Across the models it is credited with {low:.0f} to {high:.0f} conversions, so the ranking is robust "
            "if that range is narrow and a matter of model choice if it is wide.",
        ]
    )


def forecast_answer(metrics: MetricsStore, brand: str, today: date) -> str:
    """Engagements, conversions and revenue for the next four weeks with 80% ranges, from the last 26 weeks."""
    start_of_week = today - timedelta(days=today.weekday())
    weekly = metrics.weekly(brand, start_of_week - timedelta(weeks=26), start_of_week)
    lines = []
    for metric in ("engagements", "conversions", "revenue"):
        result = forecast_weeks(weekly, metric)
        if result is None:
            return (
                "I need at least four full weeks of metrics to forecast; import more with `brandpilot metrics import`."
            )
        weeks = "; ".join(
            f"week of {w.week:%b %d}: {number(metric, w.value)} ({number(metric, w.low)}-{number(metric, w.high)})"
            for w in result.weeks
        )
        lines.append(f"- **{metric.title()}**: {weeks}")
    return "\n".join([f"**The next four weeks** (80% ranges), from your last {len(weekly)} weeks:", *lines]) + (
        f"\n\n{result.description}"
    )
