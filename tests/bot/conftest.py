"""Fixtures for the conversation service: a running app on the embedded defaults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import App, open_app
from config.settings import load_settings


@pytest.fixture
def running_app(brandpilot_home) -> Iterator[App]:
    """The assistant on SQLite, the embedded checkpointer and in-process coordination."""
    with open_app(load_settings()) as app:
        yield app
