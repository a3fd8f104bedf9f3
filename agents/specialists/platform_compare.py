"""How the brand's platforms compare on its own measured posts, said with intervals and without overclaiming."""

from __future__ import annotations

from datetime import timedelta

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.strategy_facts import label, past_posts, platforms_for
from tools.analytics.platform_compare import MIN_POSTS, clearly_ahead, compare_platforms

WINDOW_DAYS = 90


def compare_performance(ctx: AgentContext, request: str) -> str:
    """Each platform's mean engagement rate per post over the last 90 days, best first, and whether the lead is real."""
    platforms = set(platforms_for(ctx, request))
    since = ctx.now() - timedelta(days=WINDOW_DAYS)
    outcomes = [o for o in past_posts(ctx) if o.platform in platforms and o.published_at >= since]
    scores = compare_platforms(o.record() for o in outcomes)
    counts = {p: sum(1 for o in outcomes if o.platform == p and o.total("impressions") > 0) for p in sorted(platforms)}
    if len(scores) < 2:
        measured = ", ".join(f"{label(p)} {n}" for p, n in counts.items())
        return reply("compare_thin", days=WINDOW_DAYS, minimum=MIN_POSTS, measured=measured)
    lines = [reply("compare_heading", days=WINDOW_DAYS)]
    for n, score in enumerate(scores, 1):
        lines.append(
            f"{n}. **{label(score.platform)}**: {score.rate:.2%} engagement per post (80% interval {score.low:.2%} "
            f"to {score.high:.2%}), {score.posts} posts, {score.impressions:,} impressions"
        )
    first, second = scores[0], scores[1]
    verdict = "compare_clear" if clearly_ahead(first, second) else "compare_unclear"
    lines.append(reply(verdict, first=label(first.platform), second=label(second.platform)))
    missing = [f"{label(p)} ({n})" for p, n in counts.items() if 0 < n < MIN_POSTS]
    if missing:
        lines.append(reply("compare_left_out", platforms=", ".join(missing), minimum=MIN_POSTS))
    return "\n".join(lines)
