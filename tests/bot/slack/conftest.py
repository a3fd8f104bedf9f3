"""Fixtures for Slack tests: a local fake Slack Web API with the settings pointing at it, and the app on top."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_slack import BOT_TOKEN, FakeSlack, fake_slack_server
from slack_requests import SECRET

from bot.app import open_app
from bot.slack.server import asgi_app, build_slack_app
from config.settings import load_settings


@pytest.fixture
def fake_slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The fake Web API, with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL set for it."""
    with fake_slack_server() as fake:
        monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("SLACK_API_URL", fake.url)
        yield fake


@pytest.fixture
def slack_config() -> Path | None:
    """A BrandPilot config file for the `slack` fixture; none by default (override in a test module)."""
    return None


@pytest.fixture
def slack(fake_slack: FakeSlack, slack_config: Path | None, monkeypatch: pytest.MonkeyPatch):
    """(fake Web API, the ASGI app Slack posts to, the running assistant)."""
    if slack_config is not None:
        monkeypatch.setenv("BRANDPILOT_CONFIG", str(slack_config))
    with open_app(load_settings()) as app:
        yield fake_slack, asgi_app(build_slack_app(app)), app
