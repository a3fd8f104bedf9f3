"""The metrics sync: lifetime numbers from the platform become day rows that add up to them, once per day."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from fake_platforms.server import FakeApi, Response, serve
from fake_platforms.x_api import x_api
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.deployment import deployment
from bot.jobs.metrics_sync import MetricsSync
from config.settings import load_settings
from memory.db import write_transaction
from memory.history import NewPost, add_post
from memory.models import PostMetric
from tools.platforms.base import Credentials
from tools.platforms.x import XClient

BRAND = "harbor-pine"
NOW = datetime(2026, 11, 27, 18, tzinfo=UTC)


def numbers(impressions: int, likes: int) -> dict:
    public = {"retweet_count": 0, "reply_count": 0, "like_count": likes, "quote_count": 0, "bookmark_count": 0}
    return {
        "public_metrics": {**public, "impression_count": impressions},
        "non_public_metrics": {"impression_count": impressions, "url_link_clicks": 1, "user_profile_clicks": 0},
    }


@pytest.fixture
def fake_x(monkeypatch) -> Iterator[FakeApi]:
    with serve(x_api()) as api:
        monkeypatch.setenv("X_API_URL", api.url)
        monkeypatch.setenv("PLATFORM_TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
        yield api


@pytest.fixture
def where(fake_x):
    with deployment(load_settings()) as where:
        where.credentials.save(BRAND, "x", Credentials("x-token", "2244994945"), account_name="hp", actor="test")
        yield where


def _post(where, external_id: str, published: datetime, source: str = "published") -> str:
    with write_transaction(where.sessions) as session:
        return add_post(
            session, NewPost(BRAND, "x", published, text="Pour day", external_id=external_id, source=source)
        )


def _days(where, post_id: str) -> dict[date, tuple[int, int]]:
    with where.sessions() as session:
        rows = session.scalars(select(PostMetric).where(PostMetric.post_id == post_id))
        return {row.day: (row.impressions, row.engagements) for row in rows}


def _sync(where, fake_x, now: datetime) -> MetricsSync:
    client = XClient(httpx.Client(), base_url=fake_x.url)
    return MetricsSync(where.sessions, {"x": client}, where.credentials, "America/New_York", clock=lambda: now)


def test_each_day_gets_what_the_lifetime_numbers_grew_by_and_a_rerun_changes_nothing(where, fake_x):
    fake_x.state["tweets"]["111"] = {"id": "111", "text": "Pour day"}
    post_id = _post(where, "111", NOW - timedelta(days=1))
    fake_x.state["metrics"]["111"] = numbers(1000, 40)
    [result] = _sync(where, fake_x, NOW).run_once()
    assert (result.platform, result.posts, result.asked, result.problem) == ("x", 1, 1, None)
    fake_x.state["metrics"]["111"] = numbers(1500, 55)
    _sync(where, fake_x, NOW + timedelta(days=1)).run_once()
    _sync(where, fake_x, NOW + timedelta(days=1)).run_once()  # the same day again: no double counting
    assert _days(where, post_id) == {date(2026, 11, 27): (1000, 40), date(2026, 11, 28): (500, 15)}


def test_only_recent_real_posts_the_platform_still_has_are_synced(where, fake_x):
    for tweet in ("222", "333", "444"):
        fake_x.state["tweets"][tweet] = {"id": tweet, "text": "t"}
    old = _post(where, "222", NOW - timedelta(days=40))
    demo = _post(where, "333", NOW - timedelta(days=2), source="demo")
    kept = _post(where, "444", NOW - timedelta(days=2))
    gone = _post(where, "555", NOW - timedelta(days=2))  # deleted on X
    [result] = _sync(where, fake_x, NOW).run_once()
    assert (result.posts, result.asked) == (1, 2)
    [read] = fake_x.of("GET", "/2/tweets")
    assert sorted(read.query["ids"][0].split(",")) == ["444", "555"]
    assert _days(where, kept) and not _days(where, old) and not _days(where, demo) and not _days(where, gone)


def test_a_refused_token_is_reported_for_that_account_and_nothing_is_written(where, fake_x):
    fake_x.state["tweets"]["666"] = {"id": "666", "text": "t"}
    post_id = _post(where, "666", NOW - timedelta(days=1))
    fake_x.fail_next("GET", "/2/tweets", Response(401, {"title": "Unauthorized", "status": 401}))
    [result] = _sync(where, fake_x, NOW).run_once()
    assert result.posts == 0 and result.problem and not _days(where, post_id)


def test_metrics_sync_from_the_command_line(where, fake_x):
    fake_x.state["tweets"]["777"] = {"id": "777", "text": "t"}
    _post(where, "777", datetime.now(UTC) - timedelta(days=1))
    result = CliRunner().invoke(cli, ["metrics", "sync", "--json"])
    assert result.exit_code == 0, result.output
    [account] = json.loads(result.output)["accounts"]
    assert (account["brand_id"], account["platform"], account["posts"]) == (BRAND, "x", 1)
