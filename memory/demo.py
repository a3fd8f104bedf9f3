"""Writing and removing a brand's demo history (posts, metrics, campaigns, journeys), always marked as demo."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from memory.models import Campaign, ConversionPath, PostMetric, PublishedPost
from tools.analytics.demo_history import DemoHistory

DEMO_SOURCE = "demo"


@dataclass(frozen=True)
class DemoCounts:
    """What a seed wrote (or a clear removed)."""

    posts: int
    metric_days: int
    campaigns: int
    journeys: int


def has_demo(session: Session, brand_id: str) -> bool:
    """Whether the brand already has demo posts."""
    query = select(func.count()).where(PublishedPost.brand_id == brand_id, PublishedPost.source == DEMO_SOURCE)
    return bool(session.scalar(query))


def seed_demo(session: Session, brand_id: str, history: DemoHistory, *, actor: str) -> DemoCounts:
    """Write the demo history for the brand in the caller's transaction (all of it, or nothing on error).

    Raises:
        ValueError: the brand already has demo data (clear it first), or a real campaign has a demo's name.
    """
    if has_demo(session, brand_id):
        raise ValueError(f"{brand_id} already has demo data; run `brandpilot demo clear --brand {brand_id}` first")
    names = [c.name for c in history.campaigns]
    clash = session.scalars(select(Campaign.name).where(Campaign.brand_id == brand_id, Campaign.name.in_(names)))
    taken = sorted(clash)
    if taken:
        raise ValueError(f"{brand_id} already has campaigns named {', '.join(taken)}; the demo would duplicate them")
    post_rows, metric_rows = [], []
    for n, post in enumerate(history.posts):
        post_id = str(uuid.uuid4())
        post_rows.append(
            {
                "id": post_id,
                "brand_id": brand_id,
                "platform": post.platform,
                "external_id": f"demo-{brand_id}-{n}",
                "published_at": post.published_at,
                "text": post.text,
                "hashtags": list(post.hashtags),
                "media_kind": post.media_kind,
                "campaign": post.campaign,
                "source": DEMO_SOURCE,
            }
        )
        metric_rows += [
            {"post_id": post_id, **{f.name: getattr(day, f.name) for f in fields(day)}} for day in post.days
        ]
    campaign_rows = [
        {
            "id": str(uuid.uuid4()),
            "brand_id": brand_id,
            "name": c.name,
            "objective": c.objective,
            "status": c.status,
            "budget": c.budget,
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "channels": list(c.channels),
            "kpis": [{"metric": metric, "target": target} for metric, target in c.kpis],
            "is_demo": True,
            "created_by": actor,
        }
        for c in history.campaigns
    ]
    journey_rows = [
        {
            "id": str(uuid.uuid4()),
            "brand_id": brand_id,
            "campaign": j.campaign,
            "touches": [{"channel": channel, "at": at.isoformat()} for channel, at in j.touches],
            "converted": j.converted,
            "value": j.value,
            "ended_at": j.ended_at,
            "is_demo": True,
        }
        for j in history.journeys
    ]
    for model, rows in (
        (PublishedPost, post_rows),
        (PostMetric, metric_rows),
        (Campaign, campaign_rows),
        (ConversionPath, journey_rows),
    ):
        if rows:
            session.execute(insert(model), rows)
    return DemoCounts(len(post_rows), len(metric_rows), len(campaign_rows), len(journey_rows))


def clear_demo(session: Session, brand_id: str) -> DemoCounts:
    """Remove the brand's demo posts, their metrics, demo campaigns and demo journeys; real data stays."""
    demo_posts = select(PublishedPost.id).where(PublishedPost.brand_id == brand_id, PublishedPost.source == DEMO_SOURCE)
    days = session.execute(delete(PostMetric).where(PostMetric.post_id.in_(demo_posts))).rowcount
    posts = session.execute(
        delete(PublishedPost).where(PublishedPost.brand_id == brand_id, PublishedPost.source == DEMO_SOURCE)
    ).rowcount
    campaigns = session.execute(delete(Campaign).where(Campaign.brand_id == brand_id, Campaign.is_demo)).rowcount
    journeys = session.execute(
        delete(ConversionPath).where(ConversionPath.brand_id == brand_id, ConversionPath.is_demo)
    ).rowcount
    return DemoCounts(posts, days, campaigns, journeys)
