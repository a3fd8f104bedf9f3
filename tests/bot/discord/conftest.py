"""Fixtures for the Discord bot's tests: the assistant, the fake Discord REST API and a logged-in bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import pytest
from discord_harness import CONFIG, start
from fake_discord import FakeDiscord, fake_discord_server

from bot.app import App, open_app
from bot.discord.client import BrandPilotBot
from config.settings import load_settings


@pytest.fixture
def discord_config() -> str:
    """The BrandPilot config the `app` fixture runs with (override in a test module to add to it)."""
    return CONFIG


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, discord_config: str) -> Iterator[App]:
    config = tmp_path / "brandpilot.yaml"
    config.write_text(discord_config)
    monkeypatch.setenv("BRANDPILOT_CONFIG", str(config))
    with open_app(load_settings()) as running:
        yield running


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with fake_discord_server() as server:
        yield server


@pytest.fixture
async def running(app: App, fake: FakeDiscord) -> AsyncIterator[BrandPilotBot]:
    bot = await start(app, fake)
    try:
        yield bot
    finally:
        await bot.close()


@pytest.fixture(autouse=True)
def rest_base() -> Iterator[None]:
    """`login_against` points discord.py's process-wide REST base at the fake; put it back after each test."""
    previous = discord.http.Route.BASE
    yield
    discord.http.Route.BASE = previous
