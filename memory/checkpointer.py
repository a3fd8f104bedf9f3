"""LangGraph checkpointer factory: embedded SQLite or pooled Postgres, with strict msgpack."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
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


_NOTHING: Any = object()


class ReadAhead:
    """Mixin for a saver: a caller holding a thread's lock hands the latest checkpoint it just read to the next run.

    The run's own first read of that thread is then answered from memory, once, instead of the database.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the saver with an empty hand-over."""
        super().__init__(*args, **kwargs)
        self._read_ahead: dict[str, CheckpointTuple | None] = {}

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The latest checkpoint handed over by `reusing`, else a read from the database."""
        key = _latest_key(config)
        if key is not None:
            handed = self._read_ahead.pop(key, _NOTHING)  # one atomic step: a racing reader can't get it twice
            if handed is not _NOTHING:
                return handed
        return super().get_tuple(config)  # type: ignore[misc]

    @contextmanager
    def reusing(self, config: RunnableConfig, saved: CheckpointTuple | None) -> Iterator[None]:
        """Within this block, the next read of the thread's latest checkpoint returns `saved`.

        Only sound while the caller holds the thread's lock, so that nothing writes the thread in between.
        """
        key = _latest_key(config)
        if key is None:
            yield
            return
        self._read_ahead[key] = saved
        try:
            yield
        finally:
            self._read_ahead.pop(key, None)


def _latest_key(config: RunnableConfig) -> str | None:
    """The thread id of a read of a thread's latest root checkpoint, else None."""
    conf: dict[str, Any] = config.get("configurable") or {}
    if conf.get("checkpoint_id") or conf.get("checkpoint_ns") or "thread_id" not in conf:
        return None
    return str(conf["thread_id"])


@contextmanager
def reusing_read(saver: Any, config: RunnableConfig, saved: CheckpointTuple | None) -> Iterator[None]:
    """`saver.reusing(...)` for savers that support it; a no-op for others (e.g. in-memory test savers)."""
    if isinstance(saver, ReadAhead):
        with saver.reusing(config, saved):
            yield
    else:
        yield


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

    class Saver(ReadAhead, SqliteSaver):
        """The SQLite saver with read-ahead."""

    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, check_same_thread=False, timeout=30)) as conn:
        saver = Saver(conn, serde=serde)
        saver.setup()
        yield saver


@contextmanager
def _postgres_saver(conninfo: str, serde: JsonPlusSerializer, max_size: int) -> Iterator[BaseCheckpointSaver[str]]:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg import Connection
    from psycopg.rows import DictRow, dict_row
    from psycopg_pool import ConnectionPool

    class Saver(ReadAhead, PostgresSaver):
        """The Postgres saver with read-ahead."""

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
        saver = Saver(pool, serde=serde)
        saver.setup()
        yield saver


def _libpq_url(url: str) -> str:
    """Turn a SQLAlchemy-style Postgres URL into one libpq/psycopg accepts."""
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.lower() in POSTGRES_SCHEMES else url
