"""Demo data in the database: written all at once, refused twice, cleared without touching real data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from memory.campaigns import CampaignStore, NewCampaign
from memory.demo import clear_demo, seed_demo
from memory.history import HistoryStore, NewPost, add_post
from memory.models import Campaign, ConversionPath, PostMetric, PublishedPost
from tools.analytics.demo_history import demo_history

BRAND = "harbor-and-pine"
HISTORY = demo_history(end=date(2026, 11, 27), platforms=("instagram", "linkedin"), weeks=8)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_seed_writes_everything_marked_as_demo_and_clear_removes_only_that(factory):
    with factory.begin() as session:
        real = add_post(session, NewPost(BRAND, "x", datetime(2026, 11, 1, tzinfo=UTC), "a real post", "x-1"))
        counts = seed_demo(session, BRAND, HISTORY, actor="test")
    CampaignStore(factory).create(NewCampaign(BRAND, "Real one", "sales"), actor="maya")
    assert counts.posts == len(HISTORY.posts) and counts.campaigns == len(HISTORY.campaigns)
    with factory() as session:
        assert count(session, PostMetric) == counts.metric_days == sum(len(p.days) for p in HISTORY.posts)
        assert count(session, ConversionPath) == counts.journeys
        assert session.scalar(select(func.count()).where(PublishedPost.source == "demo")) == counts.posts
    outcomes = HistoryStore(factory).outcomes(BRAND, platform="instagram")
    assert outcomes and all(o.total("impressions") > 0 for o in outcomes)

    with factory.begin() as session:
        removed = clear_demo(session, BRAND)
    assert removed == counts
    with factory() as session:
        assert [p.id for p in session.scalars(select(PublishedPost))] == [real]
        assert [c.name for c in session.scalars(select(Campaign))] == ["Real one"]
        assert count(session, PostMetric) == count(session, ConversionPath) == 0


def test_a_second_seed_is_refused_and_writes_nothing(factory):
    with factory.begin() as session:
        seed_demo(session, BRAND, HISTORY, actor="test")
    with pytest.raises(ValueError, match="already has demo data"), factory.begin() as session:
        seed_demo(session, BRAND, HISTORY, actor="test")
    with factory() as session:
        assert count(session, PublishedPost) == len(HISTORY.posts)


def test_a_real_campaign_with_a_demo_name_stops_the_seed(factory):
    CampaignStore(factory).create(NewCampaign(BRAND, HISTORY.campaigns[0].name, "sales"), actor="maya")
    with pytest.raises(ValueError, match="already has campaigns named"), factory.begin() as session:
        seed_demo(session, BRAND, HISTORY, actor="test")
    with factory() as session:
        assert count(session, PublishedPost) == 0
