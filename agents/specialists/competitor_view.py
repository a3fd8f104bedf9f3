"""How the brand compares with its competitors in the mentions: share of voice, sentiment and what is rising."""

from __future__ import annotations

from datetime import datetime

from agents.context import AgentContext
from memory.mentions import MentionStore
from tools.monitor.competitors import Competitor
from tools.monitor.trends import TrendMention, find_trends

HOW_TO_TRACK = (
    "Competitor mentions come from X search for the competitors listed under `competitors:` in brand.yaml, once an "
    "X account is connected (`brandpilot platforms connect x`), and from listening-tool exports: "
    "`brandpilot monitor import FILE.jsonl --competitor ID` (or a `subject` field per line, or lines that name only "
    "that competitor)."
)


def competitor_lines(
    ctx: AgentContext, store: MentionStore, window: tuple[datetime, datetime, str, datetime, datetime, str]
) -> list[str]:
    """Share of voice and negative share per competitor for a period against the one before."""
    start, end, label, before_start, before_end, before_label = window
    competitors = ctx.brand.rulebook.tracked_competitors()
    if not competitors:
        return ["No competitors are listed for this brand. " + HOW_TO_TRACK]
    now, before = store.subjects(ctx.brand.id, start, end), store.subjects(ctx.brand.id, before_start, before_end)
    total = sum(n for n, _ in now.values())
    rows = [(None, ctx.brand.name), *((c.id, c.name) for c in competitors)]
    lines = [f"**Share of voice and sentiment, {label}** (against {before_label}):"]
    for subject, name in rows:
        count, negative = now.get(subject, (0, 0.0))
        if not count:
            lines.append(f"- {name}: no mentions recorded")
            continue
        was = before.get(subject)
        change = f" (was {was[1]:.0%} negative on {was[0]} mentions)" if was else ""
        lines.append(f"- {name}: {count} mentions, {count / total:.0%} of voice, {negative:.0%} negative{change}")
    if not any(now.get(c.id) for c in competitors):
        lines.append(HOW_TO_TRACK)
    return lines


def competitor_activity(ctx: AgentContext, store: MentionStore, start: datetime, end: datetime) -> list[str]:
    """Per competitor with mentions in the period: what is rising in them and the most-reached complaint."""
    lines = []
    for competitor in ctx.brand.rulebook.tracked_competitors():
        lines += _activity(ctx, store, competitor, start, end)
    return lines or ["No competitor mentions were recorded in this period. " + HOW_TO_TRACK]


def _activity(ctx: AgentContext, store: MentionStore, competitor: Competitor, start: datetime, end: datetime) -> list:
    rows = store.texts(ctx.brand.id, start, end, subject=competitor.id)
    if not rows:
        return []
    mentions = [TrendMention(text=t, author=a, created_at=at, followers=f, negative=n) for t, a, at, f, n in rows]
    days = max((end - start).total_seconds() / 86_400, 1 / 24)
    rising = find_trends(mentions, [], recent_days=days, baseline_days=0, exclude=competitor.words(), limit=3)
    line = f"- **{competitor.name}**: {len(rows)} mentions"
    if rising:
        line += "; most talked about: " + ", ".join(f"{t.term} ({t.count})" for t in rising)
    worst = store.samples(ctx.brand.id, start, end, limit=1, subject=competitor.id, min_negative=0.5)
    if worst:
        flat = " ".join(worst[0].text.split())
        line += f'; the widest-reaching complaint: @{worst[0].author} ({worst[0].followers:,}): "{flat[:140]}"'
    return [line]
