"""The content strategist: plans the calendar, shows it, and answers timing, cadence, pillar and prediction asks."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.replies import reply
from agents.routing.strategy_asks import CADENCE, PILLARS, PLAN, PREDICT, SHOW, TIMES
from agents.specialists import strategy_answers as answers
from agents.specialists.calendar_view import read_calendar, render_items, render_plan
from agents.specialists.drafting import latest_request
from agents.specialists.strategy_facts import (
    brand_plan,
    label,
    local_bounds,
    past_posts,
    platforms_for,
    times_by_platform,
)
from agents.specialists.strategy_ideas import ideas_for_slots
from agents.state import BrandPilotState
from tools.analytics.calendar_plan import plan_calendar
from tools.content.brand_plan import BrandPlanError
from tools.content.periods import PeriodError, period_in

log = logging.getLogger(__name__)

_INTENTS: tuple[tuple[re.Pattern[str], Callable[[AgentContext, str, BrandPilotState], str]], ...] = (
    (PREDICT, answers.predict_engagement),
    (TIMES, answers.best_times_answer),
    (CADENCE, answers.cadence_answer),
    (PILLARS, answers.pillars_answer),
)


def plan_content(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Answer a content-strategy request from the brand's pack, history and calendar."""
    text = safe_answer(runtime.context, latest_request(state), state, _answer)

    return {"messages": [AIMessage(text, name="content_strategist")], "drafts": [], "outcomes": []}


def safe_answer(ctx: AgentContext, request: str, state: BrandPilotState, answer: Callable[..., str]) -> str:
    """The answer, or a plain reply when the brand pack's content plan is malformed or the calendar can't be reached."""
    try:
        return answer(ctx, request, state)
    except BrandPlanError as error:
        return reply("strategy_pack_problem", problem=str(error))
    except SQLAlchemyError:
        log.exception("the content calendar could not be read or written")
        return reply("calendar_failed")


def _answer(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    if SHOW.search(request):
        return show_calendar(ctx, request)
    if PLAN.search(request) and not PREDICT.search(request):
        return plan_period(ctx, request)
    for pattern, answer in _INTENTS:
        if pattern.search(request):
            return answer(ctx, request, state)
    return answers.ideas_answer(ctx, request, state)


def _today(ctx: AgentContext):
    return ctx.now().astimezone(ZoneInfo(ctx.options.timezone)).date()


def plan_period(ctx: AgentContext, request: str) -> str:
    """Plan the period the request names, store it on the calendar, and show it with the reasons."""
    if ctx.calendar is None:
        return reply("calendar_unavailable")
    try:
        period = period_in(request, _today(ctx))
    except PeriodError as error:
        return reply("period_problem", problem=str(error))
    platforms = platforms_for(ctx, request)
    plan = brand_plan(ctx)
    outcomes = past_posts(ctx)
    best = times_by_platform(ctx, platforms, outcomes)
    start, end = local_bounds(period.start, period.end, ctx.options.timezone)
    around = ctx.calendar.busy(ctx.brand.id, start - timedelta(days=1), end + timedelta(days=1))
    # the slots this plan replaces don't stand in its way; everything else does, and counts toward the cadence
    busy = [b for b in around if not (b.planned and b.platform in platforms and start <= b.at < end)]
    taken = Counter(b.platform for b in busy if start <= b.at < end)
    days = (period.end - period.start).days + 1
    cadence = {
        p: replace(plan.cadence[p], per_week=max(plan.cadence[p].per_week - taken[p] * 7 / days, 0.0))
        for p in platforms
        if p in plan.cadence
    }
    result = plan_calendar(
        period.start,
        period.end,
        ctx.options.timezone,
        {p: c for p, c in cadence.items() if c.per_week > 0},
        best,
        plan.pillars,
        busy,
        now=ctx.now(),
        campaign=answers.campaign_in(request),
    )
    notes = [reply("plan_counted", platform=label(p), count=n) for p, n in sorted(taken.items()) if p in cadence]
    if not result.slots:
        lines = [*notes, *result.notes] or [reply("plan_nothing_left")]
        return reply("plan_empty", period=period.label, notes="\n".join(f"- {n}" for n in lines))
    ideas = ideas_for_slots(ctx, result.slots, plan.pillars)
    ids = ctx.calendar.add(ctx.brand.id, result.slots, created_by=ctx.actor, ideas=ideas, replace=(start, end))
    return render_plan(ctx, period, replace(result, notes=[*notes, *result.notes]), ideas, ids, plan, best, busy)


def show_calendar(ctx: AgentContext, request: str) -> str:
    """The calendar for the period the request names (the next 14 days from today when it names none)."""
    if ctx.calendar is None:
        return reply("calendar_unavailable")
    try:
        period_label, items = read_calendar(ctx.calendar, ctx.brand.id, ctx.options.timezone, ctx.now(), request)
    except PeriodError as error:
        return reply("period_problem", problem=str(error))
    return render_items(ctx.options.timezone, period_label, items)
