"""The strategist's data answers: best times, cadence, pillars, ideas and engagement predictions, with evidence."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.strategy_facts import (
    brand_plan,
    label,
    past_posts,
    platforms_for,
    posting_rate,
    times_by_platform,
)
from agents.specialists.strategy_ideas import model_lines, offline_ideas
from agents.state import BrandPilotState
from prompts.loader import quoted
from tools.analytics.best_times import WEEKDAYS, BestTimes, Slot
from tools.analytics.calendar_plan import DAY_PART_HOURS
from tools.analytics.engagement import PastPost, Prediction, predict
from tools.content.brand_plan import WEEK, Cadence
from tools.content.brief import parse_brief

TIMES_SHOWN = 3  # platforms in a best-times answer that names none
_QUOTED = re.compile(r"\"([^\"]{8,})\"|“([^”]{8,})”|(?<![A-Za-z])'([^']{8,})'(?![A-Za-z])")
_CAMPAIGN = re.compile(r"\bcampaign[:\s]+[\"“']?([A-Za-z0-9][\w-]{1,60})|\b([A-Za-z0-9][\w-]{1,60}) campaign\b", re.I)
_COUNT = re.compile(r"\b(\d{1,2})\s+(?:\w+\s+){0,3}?(?:ideas|posts|hooks|angles)\b", re.IGNORECASE)
_NOT_CAMPAIGNS = {"the", "our", "a", "an", "this", "that", "next", "new", "holiday", "q4"}


def campaign_in(request: str) -> str | None:
    """A campaign the request names ("for the spring-launch campaign", "campaign: ember-club")."""
    for match in _CAMPAIGN.finditer(request):
        name = match[1] or match[2]
        if name.lower() not in _NOT_CAMPAIGNS:
            return name
    return None


def _drafted_texts(request: str, state: BrandPilotState) -> list[str]:
    quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(request)]
    if quoted:
        return quoted
    drafts = state.get("drafts") or []
    return ["\n".join(drafts[-1]["parts"])] if drafts else []


def predict_engagement(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    """Predicted engagement for each quoted text (or the thread's last draft) at its platform's best slot."""
    texts = _drafted_texts(request, state)
    if not texts:
        return reply("predict_needs_text")
    drafts = state.get("drafts") or []
    named = platforms_for(ctx, request)
    platform = named[0] if len(named) < len(ctx.options.enabled_platforms) or not drafts else drafts[-1]["platform"]
    outcomes = past_posts(ctx, platform)
    times = times_by_platform(ctx, [platform], outcomes)[platform]
    when = _next_slot_time(times, ctx.now(), ctx.options.timezone)
    past = [PastPost(o.record(), o.text) for o in outcomes]
    results = [(text, predict(past, times, text, when, ctx.options.timezone)) for text in texts]
    lines = [
        reply("predict_heading", platform=label(platform), slot=times.slots[0].label, timezone=ctx.options.timezone)
    ]
    ranked = sorted(results, key=lambda r: -r[1].rate) if len(results) > 1 else results
    for n, (text, prediction) in enumerate(ranked, 1):
        lines.append(f"{n}. “{_short(text)}”: {prediction.sentence()}")
    if len(ranked) > 1:
        lines.append(_ranking_verdict(ranked[0][1], ranked[1][1]))
    if times.from_prior_only:
        lines.append(reply("predict_no_history", platform=label(platform)))
    return "\n".join(lines)


def _next_slot_time(times: BestTimes, now: datetime, timezone: str) -> datetime:
    """The next start of the platform's best slot (its weekday and local hour), for the prediction."""
    best = times.slots[0]
    local = now.astimezone(ZoneInfo(timezone))
    days = (best.weekday - local.weekday()) % 7
    return (local + timedelta(days=days)).replace(hour=best.hour, minute=0, second=0, microsecond=0)


def _ranking_verdict(first: Prediction, second: Prediction) -> str:
    if first.low > second.high:
        return reply("predict_clear_winner")
    return reply("predict_too_close")


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def best_times_answer(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    """The top slots per platform with their evidence, and the days the brand's playbook asks for."""
    asked = platforms_for(ctx, request)
    platforms = asked if _all_asked(request) else asked[:TIMES_SHOWN]
    outcomes = past_posts(ctx)
    best = times_by_platform(ctx, platforms, outcomes)
    plan = brand_plan(ctx)
    lines = [reply("times_heading", timezone=ctx.options.timezone)]
    for platform in platforms:
        lines.append(f"\n**{label(platform)}**")
        cadence = plan.cadence.get(platform)
        times = best[platform]
        slots = [slot for slot in times.slots if cadence is None or _fits(slot, cadence)][:3]
        if times.from_prior_only:
            shown = ", ".join(slot.label for slot in slots)
            lines.append(f"- {reply('times_prior_only', slots=shown, rate=f'{slots[0].rate:.2%}')}")
        else:
            lines += [f"- {line}" for line in BestTimes(platform, slots, 0, times.baseline, False).evidence(3)]
        if cadence is not None and (cadence.weekdays != WEEK or cadence.day_part):
            lines.append(f"- {reply('times_playbook', days=_days(cadence), source=cadence.source)}")
    if len(platforms) < len(asked):
        lines.append(reply("times_more", others=", ".join(label(p) for p in asked[len(platforms) :])))
    return "\n".join(lines)


def _fits(slot: Slot, cadence: Cadence) -> bool:
    return slot.weekday in cadence.weekdays and slot.hour in DAY_PART_HOURS.get(cadence.day_part, range(24))


def _all_asked(request: str) -> bool:
    return bool(re.search(r"\b(?:each|every|all)\b[^.?!]*\b(?:platform|channel|network)s?\b", request, re.I))


def _days(cadence: Cadence) -> str:
    days = "every day" if cadence.weekdays == WEEK else ", ".join(WEEKDAYS[d] for d in cadence.weekdays)
    return f"{days}{f', {cadence.day_part}' if cadence.day_part else ''}"


def cadence_answer(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    """Each platform's cadence from the brand pack beside how often the brand actually posted lately."""
    plan = brand_plan(ctx)
    outcomes = past_posts(ctx)
    now = ctx.now()
    lines = [reply("cadence_heading")]
    for platform in platforms_for(ctx, request):
        cadence = plan.cadence.get(platform)
        if cadence is None:
            continue
        formats = ", ".join(f"{count:g} {name}" for name, count in cadence.formats)
        actual = posting_rate(outcomes, platform, now)
        lines.append(
            reply(
                "cadence_line",
                platform=label(platform),
                per_week=f"{cadence.per_week:g}",
                formats=f" ({formats})" if formats else "",
                days=_days(cadence),
                source=cadence.source,
                actual=f"{actual:.1f}",
            )
        )
    return "\n".join(lines)


def pillars_answer(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    """The brand's pillars, where each one is used, and where they come from."""
    plan = brand_plan(ctx)
    lines = [reply("pillars_heading", brand=ctx.brand.name)]
    for pillar in plan.pillars:
        where = ", ".join(label(p) for p in pillar.platforms) or "every platform"
        about = f" ({pillar.description})" if pillar.description else ""
        lines.append(f"- **{pillar.name}**{about}: {where}")
    lines.append(reply("pillars_source", sources=", ".join(sorted({p.source for p in plan.pillars}))))
    return "\n".join(lines)


def ideas_answer(ctx: AgentContext, request: str, state: BrandPilotState) -> str:
    """Content ideas for the request across the brand's pillars, grounded in its passages."""
    plan = brand_plan(ctx)
    count = min(int(m[1]), 20) if (m := _COUNT.search(request)) else max(len(plan.pillars), 4)
    chosen = [plan.pillars[n % len(plan.pillars)] for n in range(count)]
    names = [pillar.name for pillar in chosen]
    if ctx.llm is not None:
        pillar_list = quoted(", ".join(p.name for p in plan.pillars))
        ideas = model_lines(
            ctx, "pillar_ideas", count, pillars=sorted(set(names)), request=quoted(request), pillar_list=pillar_list
        )
        if ideas:
            return "\n".join([reply("ideas_heading", count=count), *(f"{n}. {i}" for n, i in enumerate(ideas, 1))])
    seeds = offline_ideas(ctx, chosen, topic=parse_brief(request).topic or "")
    lines = [reply("ideas_heading", count=count)]
    lines += [f"{n}. **{name}**: {seed}" for n, (name, seed) in enumerate(zip(names, seeds, strict=True), 1)]
    lines.append(reply("ideas_offline_note"))
    return "\n".join(lines)
