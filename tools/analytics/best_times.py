"""Best posting times from a brand's own post history per platform, weekday and hour, shrunk toward a prior."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PRIOR_POSTS = 4.0  # how many posts' worth of weight the prior carries in every slot
# Where general guidance puts engagement when a brand has no history: weekday mornings and lunch, weekend
# late mornings. Relative weights (1.0 = the platform's average), used only as a prior, never as evidence.
_GENERAL_GUIDANCE = {
    "weekday": {8: 1.10, 9: 1.20, 10: 1.15, 11: 1.10, 12: 1.15, 13: 1.05, 17: 1.05, 18: 1.05},
    "weekend": {10: 1.10, 11: 1.10, 12: 1.05},
}


@dataclass(frozen=True)
class PostRecord:
    """One published post's outcome: when it went out and how people responded."""

    platform: str
    posted_at: datetime
    impressions: int
    engagements: int


@dataclass(frozen=True)
class Slot:
    """A weekday and hour (local time) with its estimated engagement rate and the evidence behind it."""

    weekday: int
    hour: int
    rate: float  # posterior mean engagement rate (engagements per impression)
    low: float  # 80% interval
    high: float
    posts: int  # the brand's own posts in this slot
    observed: float | None  # their mean rate, when there are any

    @property
    def label(self) -> str:
        """Like "Tuesday 09:00"."""
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"


@dataclass(frozen=True)
class BestTimes:
    """Ranked slots for one platform, the history they came from, and how much of it there was."""

    platform: str
    slots: list[Slot]
    history_posts: int
    baseline: float  # the brand's own average rate on the platform (or the prior's, without history)
    from_prior_only: bool

    def evidence(self, top: int = 3) -> list[str]:
        """Plain-words lines saying why each of the top slots is recommended."""
        lines = []
        for slot in self.slots[:top]:
            span = f"{slot.rate:.2%} expected (80% interval {slot.low:.2%} to {slot.high:.2%})"
            if slot.posts:
                seen = f"{slot.posts} of your posts there averaged {slot.observed:.2%}"
            else:
                seen = "none of your posts went out then; this is the prior"
            lines.append(f"{slot.label}: {span}; {seen} (your average {self.baseline:.2%}).")
        return lines


def best_times(
    history: Iterable[PostRecord],
    platform: str,
    timezone: str,
    *,
    default_rate: float = 0.02,
    prior_posts: float = PRIOR_POSTS,
) -> BestTimes:
    """Rank the 168 weekday-hour slots for `platform` by expected engagement rate.

    Each slot's estimate is the mean of the brand's own posts' rates there, shrunk toward a prior worth
    `prior_posts` posts: the brand's platform average shaped by general timing guidance (or `default_rate`
    when the brand has no history on the platform). Slots with few posts therefore stay near the prior, and
    the interval says how sure the estimate is (normal approximation with the pooled spread of post rates).
    """
    zone = ZoneInfo(timezone)
    rates: dict[tuple[int, int], list[float]] = defaultdict(list)
    every: list[float] = []
    for record in history:
        if record.platform != platform or record.impressions <= 0:
            continue
        local = record.posted_at.astimezone(zone)
        rate = min(record.engagements / record.impressions, 1.0)
        rates[(local.weekday(), local.hour)].append(rate)
        every.append(rate)
    baseline = sum(every) / len(every) if every else default_rate
    spread = _spread(every, baseline)
    slots = []
    for weekday in range(7):
        for hour in range(24):
            prior = baseline * _guidance(weekday, hour)
            seen = rates.get((weekday, hour), [])
            n = len(seen)
            mean = (sum(seen) + prior_posts * prior) / (n + prior_posts)
            half = 1.2816 * spread / math.sqrt(n + prior_posts)  # z for an 80% two-sided interval
            observed = sum(seen) / n if n else None
            slots.append(Slot(weekday, hour, mean, max(mean - half, 0.0), min(mean + half, 1.0), n, observed))
    slots.sort(key=lambda s: (-s.rate, -s.posts, s.weekday, s.hour))
    return BestTimes(platform, slots, len(every), baseline, not every)


def _guidance(weekday: int, hour: int) -> float:
    table = _GENERAL_GUIDANCE["weekend" if weekday >= 5 else "weekday"]
    return table.get(hour, 0.9 if 7 <= hour <= 21 else 0.6)


def _spread(rates: list[float], mean: float) -> float:
    """The standard deviation of single posts' rates (half the mean when there are too few to measure)."""
    if len(rates) < 5:
        return mean * 0.5
    variance = sum((r - mean) ** 2 for r in rates) / (len(rates) - 1)
    return math.sqrt(variance)
