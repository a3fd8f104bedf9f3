"""The mention poller: new mentions stored, the cursor kept, a failing account reported and the others polled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from fake_platforms.server import FakeApi, Response, serve
from fake_platforms.x_api import x_api
from sqlalchemy import select

from bot.deployment import deployment
from bot.listening.poller import MentionPoller
from config.settings import load_settings
from memory.models_listening import ListeningCursor, StoredMention
from tools.platforms.base import Credentials
from tools.platforms.x import XClient

ACCOUNT = "2244994945"


@pytest.fixture
def fake_x(monkeypatch) -> Iterator[FakeApi]:
    api = x_api()
    api.state["users"] = {
        "1001": {"id": "1001", "username": "fan", "name": "Fan", "public_metrics": {"followers_count": 77}}
    }
    with serve(api) as running:
        monkeypatch.setenv("PLATFORM_TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
        yield running


def mention(api: FakeApi, post_id: int, text: str) -> None:
    api.state["mentions"].append(
        {"id": str(post_id), "text": text, "author_id": "1001", "created_at": "2026-11-25T09:30:00.000Z"}
    )


def test_each_poll_stores_only_what_is_new_and_keeps_its_place(fake_x):
    with deployment(load_settings()) as where:
        where.credentials.save("harbor-pine", "x", Credentials("x-token", ACCOUNT), account_name="hp", actor="t")
        poller = MentionPoller(where.sessions, {"x": XClient(httpx.Client(), base_url=fake_x.url)}, where.credentials)
        mention(fake_x, 1_900_000_000_000_000_001, "@harborpine love the fir candle")
        [first] = poller.run_once()
        assert (first.platform, first.read, first.new, first.problem) == ("x", 1, 1, None)
        mention(fake_x, 1_900_000_000_000_000_002, "@harborpine my order is late")
        [second] = poller.run_once()
        assert (second.read, second.new) == (1, 1)
        assert fake_x.of("GET", "/2/users/")[-1].query["since_id"] == ["1900000000000000001"]

        fake_x.fail_next("GET", "/2/users/", Response(401, {"title": "Unauthorized", "status": 401}))
        [failed] = poller.run_once()
        assert failed.problem and failed.new == 0
        with where.sessions() as session:
            cursor = session.get(ListeningCursor, ("harbor-pine", "x"))
            texts = sorted(row.text for row in session.scalars(select(StoredMention)))
        assert cursor.cursor == "1900000000000000002" and cursor.error  # the place is kept through a failure
        assert texts == ["@harborpine love the fir candle", "@harborpine my order is late"]


def test_competitors_are_searched_on_x_and_stored_with_their_subject(fake_x):
    from tools.monitor.competitors import Competitor

    rival = Competitor(id="wickwright", name="Wickwright", handles=["wickwright_co"])
    fake_x.state["search"] = [
        {"id": "1900000000000000101", "text": "Wickwright jars leak wax", "author_id": "1001",
         "created_at": "2026-11-25T09:00:00.000Z"},
        {"id": "1900000000000000102", "text": "thanks @wickwright_co!", "author_id": "1001",
         "created_at": "2026-11-25T09:05:00.000Z"},
        {"id": "1900000000000000103", "text": "unrelated chatter", "author_id": "1001",
         "created_at": "2026-11-25T09:06:00.000Z"},
    ]  # fmt: skip
    with deployment(load_settings()) as where:
        where.credentials.save("harbor-pine", "x", Credentials("x-token", ACCOUNT), account_name="hp", actor="t")
        client = XClient(httpx.Client(), base_url=fake_x.url)
        poller = MentionPoller(
            where.sessions, {"x": client}, where.credentials, competitors={"harbor-pine": [rival]}, competitor_limit=20
        )
        own, searched = poller.run_once()
        assert (own.platform, searched.platform, searched.read, searched.new) == ("x", "x/wickwright", 2, 2)
        assert fake_x.state["searches"] == ["(Wickwright OR @wickwright_co) -is:retweet"]
        [request] = fake_x.of("GET", "/2/tweets/search/recent")
        assert request.headers["authorization"] == "Bearer x-token" and "since_id" not in request.query
        assert request.query["max_results"] == ["20"]
        [_] = poller.run_once()  # searched less than an hour ago: the X read quota is kept
        assert len(fake_x.of("GET", "/2/tweets/search/recent")) == 1
        poller.competitor_every = timedelta(0)
        _, again = poller.run_once()
        assert again.new == 0
        assert fake_x.of("GET", "/2/tweets/search/recent")[-1].query["since_id"] == ["1900000000000000102"]
        with where.sessions() as session:
            subjects = {row.external_id: row.subject for row in session.scalars(select(StoredMention))}
        assert subjects == {"1900000000000000101": "wickwright", "1900000000000000102": "wickwright"}


def test_only_competitors_listed_in_brand_yaml_are_searched(tmp_path, monkeypatch):
    from bot.listening.watch import brand_competitors

    pack = tmp_path / "pack"
    pack.mkdir()
    rule = "{id: banned-competitor-names, terms: [Rival], reason: petty, severity: error, guideline: Words}"
    base = f"brand: {{id: acme, name: Acme}}\nrules:\n  banned_terms:\n    - {rule}\n"
    (pack / "brand.yaml").write_text(base)
    config = tmp_path / "brandpilot.yaml"
    config.write_text(f"brands:\n  - {{id: acme, pack: {pack}, name: Acme}}\n")
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    assert brand_competitors(load_settings()) == {"acme": []}  # banned names are tracked, never searched
    (pack / "brand.yaml").write_text(base + "competitors:\n  - {id: rival, name: Rival}\n")
    assert [c.id for c in brand_competitors(load_settings())["acme"]] == ["rival"]
