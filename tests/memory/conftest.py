"""Fixtures for the memory tests: a migrated database of each kind (SQLite, and a real Postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from queue_rows import Factory

from memory.db import create_db_engine, normalize_database_url, session_factory, upgrade_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of each kind."""
    if request.param == "sqlite":
        url = normalize_database_url(None, tmp_path / "home")
    else:
        url = normalize_database_url(request.getfixturevalue("postgres_db_url"), tmp_path)
    upgrade_database(url)
    return url


@pytest.fixture
def factory(database_url: str) -> Iterator[Factory]:
    """A session factory on the migrated database."""
    engine = create_db_engine(database_url)
    yield session_factory(engine)
    engine.dispose()
