"""The calendar as chat text: a new plan with its reasons, or the stored calendar for a period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from agents.context import AgentContext, ContentCalendar
from agents.replies import reply
from agents.specialists.strategy_facts import label, local_bounds
from memory.calendar import SHORT_ID, CalendarItem
from tools.analytics.best_times import BestTimes
from tools.analytics.calendar_plan import Busy, CalendarPlan
from tools.content.brand_plan import BrandPlan
from tools.content.periods import Period, PeriodError, period_in


def _day(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%a %d %b")


def render_plan(
    ctx: AgentContext,
    period: Period,
    result: CalendarPlan,
    ideas: Sequence[str],
    ids: Sequence[str],
    plan: BrandPlan,
    best: dict[str, BestTimes],
    busy: Sequence[Busy],
) -> str:
    """The reply for a new plan: the slots by day, why those times, and where cadence and pillars came from."""
    zone = ZoneInfo(ctx.options.timezone)
    platforms = sorted({slot.platform for slot in result.slots})
    lines = [
        reply(
            "plan_made",
            count=len(result.slots),
            period=period.label,
            platforms=", ".join(label(p) for p in platforms),
            timezone=ctx.options.timezone,
        )
    ]
    rows = list(zip(result.slots, ideas, ids, strict=True))
    for day, group in groupby(rows, key=lambda row: _day(row[0].at, zone)):
        lines.append(f"\n**{day}**")
        for slot, idea, entry_id in group:
            kind = (f" {slot.format}" if slot.format else "") + (f" [{slot.campaign}]" if slot.campaign else "")
            hour = slot.at.astimezone(zone).strftime("%H:%M")
            lines.append(f"- {hour} {label(slot.platform)}{kind}, _{slot.pillar}_: {idea} `{entry_id[:SHORT_ID]}`")
    lines.append(reply("plan_times_heading"))
    prior_only = [label(p) for p in platforms if best[p].from_prior_only]
    for platform in platforms:
        times = best[platform]
        if not times.from_prior_only:
            basis = reply("plan_times_history", posts=times.history_posts, baseline=f"{times.baseline:.2%}")
            lines.append(f"- {label(platform)}: {basis} {_best_used(result, platform, zone, times)}")
    if prior_only:
        lines.append(f"- {', '.join(prior_only)}: {reply('plan_times_prior')}")
    lines.append(_sources(plan, platforms))
    if busy:
        lines.append(reply("plan_kept_clear", count=len(busy)))
    lines += [f"_Note: {note}_" for note in result.notes]
    lines.append(reply("plan_next_steps"))
    return "\n".join(lines)


def _best_used(result: CalendarPlan, platform: str, zone: ZoneInfo, times: BestTimes) -> str:
    """The evidence for the best hour this plan actually uses on the platform."""
    used = {
        (s.at.astimezone(zone).weekday(), s.at.astimezone(zone).hour) for s in result.slots if s.platform == platform
    }
    slots = [slot for slot in times.slots if (slot.weekday, slot.hour) in used][:1]
    return replace(times, slots=slots).evidence(1)[0] if slots else ""


def _sources(plan: BrandPlan, platforms: list[str]) -> str:
    cadence = []
    for platform in platforms:
        entry = plan.cadence.get(platform)
        if entry is not None:
            cadence.append(f"{label(platform)} {entry.per_week:g}/week ({entry.source})")
    pillar_sources = sorted({p.source for p in plan.pillars})
    return reply(
        "plan_sources",
        cadence="; ".join(cadence),
        pillars=", ".join(p.name for p in plan.pillars),
        pillar_source=", ".join(pillar_sources),
    )


SHOW_DAYS = 14


def read_calendar(
    calendar: ContentCalendar, brand_id: str, timezone: str, now: datetime, words: str, *, strict: bool = False
) -> tuple[str, list[CalendarItem]]:
    """The period's label and calendar items for the dates `words` name (the next 14 days when they name none).

    Raises:
        PeriodError: the words name impossible dates, or (with `strict`, for commands) name no dates at all.
    """
    today = now.astimezone(ZoneInfo(timezone)).date()
    period = period_in(words, today)
    if strict and words.strip() and not period.stated:
        raise PeriodError(
            f"I couldn't read {words.strip()!r} as dates; try `next week`, `december` or `2026-12-01 to 2026-12-14`."
        )
    first, last = (period.start, period.end) if period.stated else (today, today + timedelta(days=SHOW_DAYS - 1))
    start, end = local_bounds(first, last, timezone)
    items = calendar.items(brand_id, start, end)
    return (period.label if period.stated else f"the next {SHOW_DAYS} days"), items


def render_items(timezone: str, period_label: str, items: Sequence[CalendarItem]) -> str:
    """The stored calendar for a period: planned slots and queued posts, by day."""
    if not items:
        return reply("calendar_empty", period=period_label)
    zone = ZoneInfo(timezone)
    planned = sum(1 for item in items if item.kind == "planned")
    lines = [reply("calendar_heading", period=period_label, planned=planned, posts=len(items) - planned)]
    for day, group in groupby(items, key=lambda item: _day(item.at, zone)):
        lines.append(f"\n**{day}**")
        lines += [_item_line(item, zone) for item in group]
    return "\n".join(lines)


def _item_line(item: CalendarItem, zone: ZoneInfo) -> str:
    hour = item.at.astimezone(zone).strftime("%H:%M")
    if item.kind == "post":
        preview = " ".join(item.text.split())[:80]
        return f"- {hour} {label(item.platform)} post ({item.status}): “{preview}” `{item.id[:SHORT_ID]}`"
    kind = (f" {item.format}" if item.format else "") + (f" [{item.campaign}]" if item.campaign else "")
    state = f"covered by post `{item.filled_by[:SHORT_ID]}`" if item.filled_by else item.status
    idea = f": {item.idea}" if item.idea else ""
    return f"- {hour} {label(item.platform)}{kind}, _{item.pillar}_{idea} ({state}) `{item.id[:SHORT_ID]}`"
