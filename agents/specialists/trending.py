"""What the monitor reports as trending in the brand's mentions, for the social monitor and the X trend hook."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from memory.mentions import MentionStore
from tools.monitor.trends import Trend, TrendMention, find_trends

RECENT = timedelta(days=1)
BASELINE = timedelta(days=14)
HOOK_MAX_NEGATIVE = 0.35  # a topic people are unhappy about is reported, never ridden
TRENDING = re.compile(r"\b(?:trend\w*|buzz\w*|viral|rising topics?|hot topics?|talking about (?:right )?now)\b", re.I)
_TREND_HOOK = re.compile(
    r"\b(?:rid(?:e|ing)|hook(?:ed|ing)?|jump(?:ing)? on|hop(?:ping)? on|tie[ds]? (?:it )?(?:in)?to|us(?:e|ing)|"
    r"join(?:ing)?|piggyback\w*|cash(?:ing)? in on)\b.{0,40}?\btrend(?:s|ing)?\b|"
    r"\b(?:what(?:'s| is) trending|trending (?:topics?|hashtags?|now|today|right now)|today'?s trends?|"
    r"current trends?|whatever(?:'s| is) trending|latest trend)\b",
    re.I,
)


def wants_trend_hook(request: str) -> bool:
    """Whether a post request asks to ride a trend without naming it (the monitor then picks one)."""
    return _TREND_HOOK.search(request) is not None


def brand_words(ctx: AgentContext) -> list[str]:
    """The brand's own names, which never count as a trend in its mentions."""
    words = [ctx.brand.name, ctx.brand.id, ctx.brand.id.replace("-", " ")]
    info = ctx.brand.rulebook.brand
    return [w for w in {*words, info.name, info.id} if w]


def current_trends(ctx: AgentContext, store: MentionStore, *, limit: int = 5) -> list[Trend]:
    """Terms rising in the brand's mentions over the last day against the 14 days before it."""
    now = ctx.now()
    recent = _rows(store.texts(ctx.brand.id, now - RECENT, now))
    baseline = _rows(store.texts(ctx.brand.id, now - RECENT - BASELINE, now - RECENT))
    return find_trends(
        recent,
        baseline,
        recent_days=RECENT / timedelta(days=1),
        baseline_days=BASELINE / timedelta(days=1) if baseline else 0,
        exclude=brand_words(ctx),
        limit=limit,
    )


def hook_trend(trends: list[Trend]) -> Trend | None:
    """The strongest trend worth riding: not one people are mostly unhappy about."""
    return next((t for t in trends if t.negative_share < HOOK_MAX_NEGATIVE), None)


def monitor_trend(ctx: AgentContext) -> tuple[str | None, str]:
    """The trend the monitor reports for a post to ride (hashtag or phrase), or None, and a line saying why."""
    if ctx.mentions is None:
        return None, 'Name the trend to ride (e.g. "using the #CozySeason trend"): this chat can\'t read the monitor.'
    try:
        trends = current_trends(ctx, ctx.mentions)
    except SQLAlchemyError:
        return None, "The monitor's mentions couldn't be read just now, so the post rides no trend; name one to add it."
    chosen = hook_trend(trends)
    if chosen is None:
        skipped = f" ({len(trends)} rising, but people are unhappy about them)" if trends else ""
        return None, f"The monitor reports no trend worth riding in your mentions today{skipped}; name one to add it."
    return chosen.term, "The monitor reports this trend in your mentions:\n" + trend_line(chosen)


def trend_line(trend: Trend) -> str:
    """One trend as the chat shows it, with its evidence."""
    usual = f"about {trend.baseline_per_day:.1f} a day before" if trend.baseline_per_day >= 0.05 else "new"
    mood = f", {trend.negative_share:.0%} negative" if trend.negative_share >= 0.2 else ""
    return (
        f"- **{trend.term}**: {trend.count} mentions by {trend.authors} people in the last day ({usual}; "
        f"{trend.lift:.0f}x the usual rate{mood})"
    )


def _rows(rows: list[tuple]) -> list[TrendMention]:
    return [TrendMention(text=t, author=a, created_at=at, followers=f, negative=n) for t, a, at, f, n in rows]
