"""A seeded, realistic demo history: posts with daily metrics, campaigns with paid results, customer journeys.

The numbers follow known shapes so reports have something true to find: a yearly season (a holiday peak, a
summer dip), weekday and hour effects per platform, slow audience growth, formats and hashtags that really do
better, paid spend with diminishing returns per channel, a campaign that missed its target and a few posts
that flopped. Everything is generated from one seed, so the same call gives the same history.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

# Posts a week, typical impressions, engagement rate, best hours and whether weekends are quiet, per platform.
PLATFORMS: dict[str, dict] = {
    "x": {"per_week": 5, "impressions": 1800, "rate": 0.022, "hours": (9, 12, 17), "weekend": 0.8},
    "linkedin": {"per_week": 3, "impressions": 2400, "rate": 0.035, "hours": (8, 10, 12), "weekend": 0.45},
    "instagram": {"per_week": 4, "impressions": 5200, "rate": 0.048, "hours": (11, 18, 20), "weekend": 1.15},
    "facebook": {"per_week": 3, "impressions": 3100, "rate": 0.027, "hours": (9, 13, 19), "weekend": 1.05},
    "tiktok": {"per_week": 3, "impressions": 9000, "rate": 0.061, "hours": (12, 19, 21), "weekend": 1.2},
    "youtube": {"per_week": 1, "impressions": 4200, "rate": 0.041, "hours": (15, 17), "weekend": 1.1},
}
HASHTAGS = {"#CandleSeason": 1.25, "#SlowLiving": 1.1, "#HomeScents": 1.0, "#ShopSmall": 0.9, "#Giveaway": 1.4}
MEDIA_LIFT = {"text": 0.8, "image": 1.0, "carousel": 1.2, "video": 1.35}
DAY_SHARES = (0.55, 0.22, 0.11, 0.07, 0.05)  # how a post's numbers arrive over its first days
CLICK_SHARE = 0.18  # of engagements
CONVERSION_RATE = 0.012  # of organic clicks
ORDER_VALUE = 38.0
TOPICS = (
    "our winter candle sale",
    "the Fog Bell candle, back in stock",
    "how we pour each batch by hand",
    "five ways to make a candle last longer",
    "a customer's cozy reading nook",
    "the new Low Tide scent",
    "behind the scenes at the studio",
    "gift ideas under $40",
    "why we use soy wax",
    "our weekend market stall",
)
JOURNEY_CHANNELS = ("instagram", "facebook", "tiktok", "email", "search")
# How strongly each channel moves a journey toward buying (the truth attribution should roughly recover).
JOURNEY_PULL = {"instagram": 0.9, "facebook": 0.6, "tiktok": 0.5, "email": 1.3, "search": 1.1}


@dataclass(frozen=True)
class DemoDay:
    """One post's numbers for one day."""

    day: date
    impressions: int
    reach: int
    engagements: int
    clicks: int
    video_views: int
    conversions: int
    spend: float
    revenue: float


@dataclass(frozen=True)
class DemoPost:
    """A demo post and its daily numbers."""

    platform: str
    published_at: datetime
    text: str
    hashtags: tuple[str, ...]
    media_kind: str
    campaign: str | None
    days: tuple[DemoDay, ...]


@dataclass(frozen=True)
class DemoCampaign:
    """A demo campaign with its dates, budget, paid channels and KPI targets."""

    name: str
    objective: str
    status: str
    budget: float
    starts_on: date
    ends_on: date
    channels: tuple[str, ...]
    kpis: tuple[tuple[str, float], ...]
    # Paid response per channel: conversions from one post = saturation * (1 - exp(-its spend / scale)).
    response: tuple[tuple[str, float, float], ...] = ()


@dataclass(frozen=True)
class DemoJourney:
    """A customer's touches in order, and whether it ended in an order."""

    touches: tuple[tuple[str, datetime], ...]
    converted: bool
    value: float
    campaign: str | None
    ended_at: datetime


@dataclass(frozen=True)
class DemoHistory:
    """Everything `brandpilot demo seed` writes."""

    posts: tuple[DemoPost, ...]
    campaigns: tuple[DemoCampaign, ...]
    journeys: tuple[DemoJourney, ...]


def season(day: date) -> float:
    """The yearly demand curve: a peak in late November and December, a dip in July."""
    yday = day.timetuple().tm_yday
    angle = 2 * math.pi * (yday - 350) / 365.25
    away = abs(yday - 345)
    away = min(away, 365 - away)  # days from mid-December, across the new year too
    return 1.0 + 0.25 * math.cos(angle) + 0.45 * math.exp(-(away**2) / (2 * 18**2))


def demo_campaigns(end: date) -> tuple[DemoCampaign, ...]:
    """Four campaigns over the year before `end`: two finished (one missed its target), one paused, one running."""

    def span(first: tuple[int, int], last: tuple[int, int]) -> tuple[date, date]:
        """The most recent run of these calendar dates that ended before `end`."""
        year = end.year if date(end.year, *last) < end else end.year - 1
        return date(year if first <= last else year - 1, *first), date(year, *last)

    return (
        DemoCampaign(
            "Holiday gift guide", "sales", "completed", 12_000.0, *span((11, 15), (12, 24)),
            ("instagram", "facebook"), (("revenue", 30_000.0), ("roas", 2.5)),
            (("instagram", 130.0, 600.0), ("facebook", 90.0, 400.0)),
        ),
        DemoCampaign(
            "Spring refresh", "engagement", "completed", 4_000.0, *span((3, 10), (4, 20)),
            ("instagram", "tiktok"), (("engagements", 40_000.0), ("engagement_rate", 0.06)),
            (("instagram", 9.0, 700.0), ("tiktok", 7.0, 500.0)),
        ),
        DemoCampaign(
            "Summer markets", "awareness", "paused", 3_000.0, *span((6, 15), (8, 31)),
            ("facebook", "instagram"), (("impressions", 400_000.0),),
            (("facebook", 6.0, 500.0), ("instagram", 8.0, 700.0)),
        ),
        DemoCampaign(
            "Winter launch", "sales", "active", 15_000.0, end - timedelta(days=28), end + timedelta(days=28),
            ("instagram", "facebook", "tiktok"), (("revenue", 45_000.0), ("roas", 3.0)),
            (("instagram", 80.0, 800.0), ("facebook", 55.0, 500.0), ("tiktok", 35.0, 1200.0)),
        ),
    )  # fmt: skip


def demo_history(*, end: date, platforms: tuple[str, ...], weeks: int = 52, seed: int = 7) -> DemoHistory:
    """The demo history for the `weeks` before `end` on the given platforms (unknown ones are skipped)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, not {weeks}")
    rng = np.random.default_rng(seed)
    start = end - timedelta(weeks=weeks)
    campaigns = tuple(c for c in demo_campaigns(end) if c.ends_on >= start and c.starts_on <= end)
    posts = [
        post
        for platform in platforms
        if platform in PLATFORMS
        for post in _platform_posts(rng, platform, start, end, campaigns)
    ]
    posts.sort(key=lambda p: p.published_at)
    journeys = _journeys(rng, start, end, campaigns)
    return DemoHistory(tuple(posts), campaigns, journeys)


def _platform_posts(
    rng: np.random.Generator, platform: str, start: date, end: date, campaigns: tuple[DemoCampaign, ...]
) -> list[DemoPost]:
    spec = PLATFORMS[platform]
    posts = []
    day, index = start, 0
    while day < end:
        for _ in range(rng.poisson(spec["per_week"] / 7)):
            posts.append(_post(rng, platform, day, index, campaigns))
            index += 1
        day += timedelta(days=1)
    return posts


def _post(
    rng: np.random.Generator, platform: str, day: date, index: int, campaigns: tuple[DemoCampaign, ...]
) -> DemoPost:
    spec = PLATFORMS[platform]
    hour = int(rng.choice(spec["hours"])) if rng.random() < 0.7 else int(rng.integers(7, 23))
    at = datetime.combine(day, time(hour, int(rng.integers(0, 60))), tzinfo=UTC)
    media = str(rng.choice(["video", "image"] if platform in ("tiktok", "youtube") else list(MEDIA_LIFT)))
    tags = tuple(rng.choice(list(HASHTAGS), size=int(rng.integers(1, 4)), replace=False))
    campaign = next((c for c in campaigns if c.starts_on <= day <= c.ends_on and platform in c.channels), None)
    topic = TOPICS[index % len(TOPICS)]
    text = f"[demo] {topic[:1].upper()}{topic[1:]}. {' '.join(tags)}"
    best = 1.0 if hour in spec["hours"] else 0.75
    weekend = spec["weekend"] if day.weekday() >= 5 else 1.0
    growth = 1.0 + 0.35 * (index / 250)
    lift = MEDIA_LIFT[media] * float(np.mean([HASHTAGS[t] for t in tags])) * best
    flop = 0.08 if rng.random() < 0.02 else 1.0  # a few posts that went nowhere
    impressions = spec["impressions"] * season(day) * weekend * growth * flop * rng.lognormal(0.0, 0.35)
    rate = spec["rate"] * lift * rng.lognormal(0.0, 0.2)
    spend = _spend(rng, campaign, platform)
    paid_conversions = _paid_conversions(rng, campaign, platform, spend)
    return DemoPost(
        platform=platform,
        published_at=at,
        text=text,
        hashtags=tags,
        media_kind=media,
        campaign=campaign.name if campaign else None,
        days=_days(rng, day, impressions, rate, media, spend, paid_conversions),
    )


def _spend(rng: np.random.Generator, campaign: DemoCampaign | None, platform: str) -> float:
    """A campaign post's share of the budget, varied on purpose so response curves can be fitted.

    From 0.25x to 1.45x the even share, 85% on average, so a campaign ends a little under its budget.
    """
    if campaign is None:
        return 0.0
    days = (campaign.ends_on - campaign.starts_on).days + 1
    posts = sum(PLATFORMS[c]["per_week"] for c in campaign.channels if c in PLATFORMS) * days / 7
    return float(round(campaign.budget / max(posts, 1.0) * rng.uniform(0.25, 1.45), 2))


def _paid_conversions(rng: np.random.Generator, campaign: DemoCampaign | None, platform: str, spend: float) -> int:
    curve = next((r for r in (campaign.response if campaign else ()) if r[0] == platform), None)
    if curve is None or spend <= 0:
        return 0
    _, saturation, scale = curve
    return int(rng.poisson(saturation * (1 - math.exp(-spend / scale))))


def _days(
    rng: np.random.Generator,
    first: date,
    impressions: float,
    rate: float,
    media: str,
    spend: float,
    paid: int,
) -> tuple[DemoDay, ...]:
    days = []
    for offset, share in enumerate(DAY_SHARES):
        shown = int(impressions * share)
        engagements = int(rng.binomial(shown, min(rate, 0.9))) if shown else 0
        clicks = int(rng.binomial(engagements, CLICK_SHARE)) if engagements else 0
        organic = int(rng.binomial(clicks, CONVERSION_RATE)) if clicks else 0
        conversions = organic + int(round(paid * share))
        days.append(
            DemoDay(
                day=first + timedelta(days=offset),
                impressions=shown,
                reach=int(shown * 0.82),
                engagements=engagements,
                clicks=clicks,
                video_views=int(shown * 0.4) if media == "video" else 0,
                conversions=conversions,
                spend=round(spend * share, 2),
                revenue=round(conversions * ORDER_VALUE * float(rng.uniform(0.8, 1.25)), 2),
            )
        )
    return tuple(days)


def _journeys(
    rng: np.random.Generator, start: date, end: date, campaigns: tuple[DemoCampaign, ...], per_day: float = 8.0
) -> tuple[DemoJourney, ...]:
    journeys = []
    day = start
    while day < end:
        for _ in range(rng.poisson(per_day * season(day))):
            count = int(rng.integers(1, 6))
            channels = rng.choice(JOURNEY_CHANNELS, size=count)
            began = datetime.combine(day, time(int(rng.integers(7, 23))), tzinfo=UTC)
            touches = tuple(
                (str(channel), began + timedelta(hours=float(hours)))
                for channel, hours in zip(channels, np.sort(rng.uniform(0, 24 * 10, size=count)), strict=True)
            )
            pull = sum(JOURNEY_PULL[str(c)] for c in channels)
            converted = bool(rng.random() < 1 - math.exp(-0.09 * pull))
            ended = touches[-1][1]
            campaign = next((c.name for c in campaigns if c.starts_on <= ended.date() <= c.ends_on), None)
            value = round(float(rng.gamma(4.0, ORDER_VALUE / 4.0)), 2) if converted else 0.0
            journeys.append(DemoJourney(touches, converted, value, campaign, ended))
        day += timedelta(days=1)
    return tuple(journeys)
