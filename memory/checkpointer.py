"""LangGraph checkpointer factory: embedded SQLite or pooled Postgres, with strict msgpack."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

CHECKPOINTS_FILE = "checkpoints.sqlite"
SQLITE_SCHEMES = ("sqlite", "sqlite+pysqlite")
POSTGRES_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg")

AllowedModules = Iterable[tuple[str, str] | type]


def make_serializer(
    allowed_modules: AllowedModules | None = None,
) -> JsonPlusSerializer:
    """Return a serializer that only revives safe built-in types plus `allowed_modules`.

    `allowed_modules` lists `(module, class_name)` pairs (or classes) of the graph's own
    state types, e.g. `[("agents.state", "Draft")]`; anything else is not revived on load.
    """
    allowed = list(allowed_modules or [])
    return JsonPlusSerializer(allowed_msgpack_modules=allowed or None)


@contextmanager
def open_checkpointer(
    database_url: str | None,
    home: Path,
    *,
    allowed_modules: AllowedModules | None = None,
    pool_max_size: int = 10,
) -> Iterator[BaseCheckpointSaver[str]]:
    """Yield a set-up saver: SQLite at `{home}/checkpoints.sqlite`, or Postgres for a postgres URL."""
    url = database_url or "sqlite://"
    scheme = url.split("://", 1)[0].lower()
    serde = make_serializer(allowed_modules)
    if scheme in SQLITE_SCHEMES:
        with _sqlite_saver(Path(home) / CHECKPOINTS_FILE, serde) as saver:
            yield saver
    elif scheme in POSTGRES_SCHEMES:
        with _postgres_saver(_libpq_url(url), serde, pool_max_size) as saver:
            yield saver
    else:
        choices = ", ".join(f"{name}://" for name in (*SQLITE_SCHEMES, *POSTGRES_SCHEMES))
        raise ValueError(
            f"unsupported checkpoint database scheme {scheme!r}; use one of {choices} "
            "or leave DATABASE_URL unset for the embedded SQLite store"
        )


@contextmanager
def _sqlite_saver(path: Path, serde: JsonPlusSerializer) -> Iterator[BaseCheckpointSaver[str]]:
    from langgraph.checkpoint.sqlite import SqliteSaver

    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, check_same_thread=False, timeout=30)) as conn:
        saver = SqliteSaver(conn, serde=serde)
        saver.setup()
        yield saver


@contextmanager
def _postgres_saver(conninfo: str, serde: JsonPlusSerializer, max_size: int) -> Iterator[BaseCheckpointSaver[str]]:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg import Connection
    from psycopg.rows import DictRow, dict_row
    from psycopg_pool import ConnectionPool

    pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        check=ConnectionPool.check_connection,
        name="brandpilot-checkpoints",
        open=False,
    )
    with pool:
        saver = PostgresSaver(pool, serde=serde)
        saver.setup()
        yield saver


def _libpq_url(url: str) -> str:
    """Turn a SQLAlchemy-style Postgres URL into one libpq/psycopg accepts."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.lower() in POSTGRES_SCHEMES else url
