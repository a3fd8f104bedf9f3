"""How the brand's platforms compare on engagement rate, with intervals that say when a lead is real."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tools.analytics.best_times import PostRecord

Z80 = 1.2816  # two-sided 80% interval
MIN_POSTS = 3  # fewer measured posts than this say nothing about a platform


@dataclass(frozen=True)
class PlatformScore:
    """One platform's record: posts, reach in impressions, and the mean engagement rate per post."""

    platform: str
    posts: int
    impressions: int
    engagements: int
    rate: float  # mean of the posts' engagement rates
    low: float  # 80% interval of that mean
    high: float


def compare_platforms(history: Iterable[PostRecord], *, min_posts: int = MIN_POSTS) -> list[PlatformScore]:
    """Platforms with at least `min_posts` measured posts, best mean engagement rate first.

    A post's rate is its engagements over its impressions; posts without impressions are left out. The
    interval is the normal approximation on the posts' rates (t-like spread from the sample), so a platform
    with few posts gets a wide one.
    """
    rates: dict[str, list[float]] = defaultdict(list)
    seen: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record in history:
        if record.impressions <= 0:
            continue
        rates[record.platform].append(min(record.engagements / record.impressions, 1.0))
        seen[record.platform][0] += record.impressions
        seen[record.platform][1] += record.engagements
    scores = []
    for platform, values in rates.items():
        if len(values) < min_posts:
            continue
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
        half = Z80 * spread / math.sqrt(len(values))
        impressions, engagements = seen[platform]
        scores.append(
            PlatformScore(platform, len(values), impressions, engagements, mean, max(mean - half, 0.0), mean + half)
        )
    return sorted(scores, key=lambda s: (-s.rate, s.platform))


def clearly_ahead(first: PlatformScore, second: PlatformScore) -> bool:
    """Whether the leader's interval sits wholly above the runner-up's (otherwise the lead may be noise)."""
    return first.low > second.high
