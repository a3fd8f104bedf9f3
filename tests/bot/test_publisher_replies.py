"""An approved reply to a waiting DM goes out through the platform's messages API, once, and stops waiting."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from fake_platforms.server import FakeApi, serve
from fake_platforms.x_api import x_api

from bot.alerts import AlertService
from bot.app import App, open_app
from bot.jobs.publish_reports import Reporter
from bot.jobs.publisher import Publisher
from bot.listening.ingest import Ingestor
from bot.turns import Turn
from config.settings import load_settings
from memory.history import HistoryStore
from memory.mentions import MentionStore
from memory.models import ScheduledPost
from tools.monitor.mentions import Mention
from tools.platforms.base import Credentials
from tools.platforms.factory import app_credentials, make_clients

X_USER = "2244994945"
SENDER = "4242"


@pytest.fixture
def fake_x() -> Iterator[FakeApi]:
    with serve(x_api()) as api:
        api.state["dm_open"].add(SENDER)
        yield api


@pytest.fixture
def world(brandpilot_home, monkeypatch, fake_x) -> Iterator[App]:
    monkeypatch.setenv("PLATFORM_TOKEN_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("X_API_URL", fake_x.url)
    with open_app(load_settings()) as app:
        brand = app.settings.default_brand_id()
        app.credentials.save(brand, "x", Credentials("x-token", X_USER), account_name="acct", actor="test")
        yield app


def test_an_approved_dm_reply_is_sent_to_the_sender_and_the_dm_stops_waiting(world, fake_x):
    brand = world.settings.default_brand_id()
    sent = datetime.now(UTC) - timedelta(hours=1)
    dm = Mention("x", "dm-1", "ed", sent, "my candle arrived cracked, not happy", 300, kind="dm", author_id=SENDER)
    Ingestor(world.sessions).ingest(brand, [dm])
    world.service.handle_turn(Turn("cli:inbox", "maya", "draft replies to the waiting DMs"))
    answer = "Hi ed, we're so sorry. Could you send us your order number so we can send a new one?"
    world.service.decide("cli:inbox", {"action": "edit", "text": f"[message to: {SENDER}]\n\n{answer}"}, user="maya")
    result = world.service.decide("cli:inbox", {"action": "approve"}, user="maya")
    with world.sessions() as session:
        post = session.get(ScheduledPost, result.outcomes[0]["post_id"])
    assert post.urgent and not post.dry_run
    with httpx.Client(timeout=10) as http:
        worker = Publisher(
            world.sessions,
            clients=make_clients(world.settings, http),
            credentials=world.credentials,
            coordinator=world.coordinator,
            reporter=Reporter(world.sessions, AlertService(world.sessions)),
            options=world.settings.publishing,
            app_credentials=app_credentials(world.settings),
            clock=lambda: post.scheduled_for + timedelta(seconds=5),
        )
        [published] = worker.run_once()
        assert worker.run_once() == []  # sent once
    assert published["status"] == "published"
    [request] = fake_x.of("POST", f"/2/dm_conversations/with/{SENDER}/messages")
    assert request.json() == {"text": answer} and request.headers["authorization"] == "Bearer x-token"
    assert fake_x.of("POST", "/2/tweets") == []  # private, never a public post
    assert MentionStore(world.sessions).needing_reply(brand, sent - timedelta(days=1)) == []
    assert HistoryStore(world.sessions).outcomes(brand) == []  # a reply is not a brand post: analytics never see it
