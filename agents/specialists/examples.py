"""The brand's best and worst measured posts on a platform, given to the model as examples when it drafts."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.replies import reply
from memory.history import PostOutcome
from prompts.loader import data_block
from tools.platforms.specs import platform_label

log = logging.getLogger(__name__)
SHOWN = 2  # best and worst posts each
MIN_POSTS = 2 * SHOWN + 2  # fewer measured posts than this: no examples (a ranking of four says little)
LOOKBACK = timedelta(days=365)
EXAMPLE_CHARS = 600


@dataclass(frozen=True)
class Ranked:
    """A past post with its engagement rate, raw and shrunk toward the platform's average."""

    post: PostOutcome
    rate: float
    shrunk: float


@dataclass(frozen=True)
class PerformanceExamples:
    """The best and worst of `measured` posts on one platform, ranked by shrunk engagement rate."""

    platform: str
    best: tuple[Ranked, ...]
    worst: tuple[Ranked, ...]
    measured: int

    def prompt_block(self) -> str:
        """The examples as quoted data for the drafting prompt."""
        blocks = [_block(r, "best") for r in self.best] + [_block(r, "worst") for r in self.worst]
        return "\n\n".join(blocks)

    def note(self) -> str:
        """The reply line saying the draft learned from them."""
        return reply(
            "drafted_from_performance",
            platform=platform_label(self.platform),
            measured=self.measured,
            count=len(self.best),
            best=", ".join(f"{r.rate:.1%}" for r in self.best),
            worst=", ".join(f"{r.rate:.1%}" for r in self.worst),
        )


def _block(ranked: Ranked, kind: str) -> str:
    text = " ".join(ranked.post.text.split())[:EXAMPLE_CHARS]
    when = ranked.post.published_at.date().isoformat()
    return data_block("example", text, performance=kind, engagement_rate=f"{ranked.rate:.2%}", published=when)


def rank_posts(posts: Sequence[PostOutcome]) -> list[Ranked]:
    """Posts with text and impressions, best first by engagement rate shrunk toward the average.

    Each post's rate is pulled toward the pooled rate by the median post's impressions, so a post seen by
    30 people with 6 likes does not outrank one seen by 30,000 with 3,000.
    """
    measured = [p for p in posts if p.text.strip() and p.total("impressions") > 0]
    if not measured:
        return []
    impressions = [p.total("impressions") for p in measured]
    pooled = sum(p.total("engagements") for p in measured) / sum(impressions)
    weight = statistics.median(impressions)
    ranked = [
        Ranked(
            p,
            p.total("engagements") / p.total("impressions"),
            (p.total("engagements") + pooled * weight) / (p.total("impressions") + weight),
        )
        for p in measured
    ]
    return sorted(ranked, key=lambda r: (-r.shrunk, r.post.id))


def performance_examples(ctx: AgentContext, platform: str) -> PerformanceExamples | None:
    """The brand's best and worst posts of the last year on `platform`; None when too few were measured."""
    if ctx.history is None:
        return None
    try:
        posts = ctx.history.outcomes(ctx.brand.id, platform=platform, since=ctx.now() - LOOKBACK, limit=2000)
    except SQLAlchemyError:  # drafting goes on without examples; the reply then doesn't claim them
        log.warning("could not read the post history for drafting examples", exc_info=True)
        return None
    ranked = rank_posts(posts)
    if len(ranked) < MIN_POSTS:
        return None
    return PerformanceExamples(platform, tuple(ranked[:SHOWN]), tuple(reversed(ranked[-SHOWN:])), len(ranked))
