"""Fixtures the platform client tests share: the HTTP client, fake APIs served for one test, recorded sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
from fake_platforms.server import FakeApi, serve


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """The HTTP client a platform client under test sends with (short timeout, redirects not followed)."""
    with httpx.Client(timeout=5) as client:
        yield client


@pytest.fixture
def serve_fake() -> Iterator[Callable[[FakeApi], FakeApi]]:
    """Serves a fake API on a loopback port until the test ends: `api = serve_fake(x_api())`."""
    with ExitStack() as stack:
        yield lambda api: stack.enter_context(serve(api))


@pytest.fixture
def sleeps() -> list[float]:
    """What a client's injected `sleep` was called with (build the client with `sleep=sleeps.append`)."""
    return []
