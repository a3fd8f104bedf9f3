"""Database URLs, engines, sessions and Alembic migrations for BrandPilot's SQL store."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
UPGRADE_COMMAND = "brandpilot db upgrade"
SQLITE_BUSY_TIMEOUT_MS = 30_000

T = TypeVar("T")

_POSTGRES_PREFIXES = ("postgres://", "postgresql://", "postgresql+psycopg://")
_VALID_URLS = "sqlite:///path/to/file.db or postgresql://user:password@host:5432/dbname"


class SchemaNotCurrentError(RuntimeError):
    """The database schema is missing or older than this version of BrandPilot expects."""


def normalize_database_url(url: str | None, home: Path) -> str:
    """Return a SQLAlchemy URL: the embedded SQLite file when `url` is empty, psycopg for Postgres."""
    if not url:
        return f"sqlite:///{home}/brandpilot.db"
    url = _with_driver(url)
    if url.startswith(("sqlite://", "sqlite+pysqlite://", "postgresql+psycopg://")):
        return url
    if "://" not in url:
        raise ValueError(f"DATABASE_URL has no scheme (like postgresql://); use {_VALID_URLS}")
    raise ValueError(f"unsupported DATABASE_URL scheme {url.split('://', 1)[0]!r}; use {_VALID_URLS}")


def create_db_engine(url: str, *, pre_ping: bool = True) -> Engine:
    """Create an engine: SQLite gets foreign keys, WAL and a busy timeout; Postgres pre-pings unless told not to.

    Skip the ping (one round trip per checkout) only for callers that retry idempotent work on a dropped
    connection themselves, like the approval ledger.
    """
    url = _with_driver(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=pre_ping)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def run_once(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` on one connection, autocommitted on Postgres; retry once if the server had dropped it.

    For idempotent statements on the hot path of a turn, on an engine created with `pre_ping=False`: one round
    trip per statement instead of a ping, BEGIN, the statement and COMMIT.
    """
    for attempt in (1, 2):
        try:
            connection = engine.connect()
            if engine.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            with connection:
                return work(connection)
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")


_SQLITE_WRITERS: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()
_SQLITE_WRITERS_GUARD = threading.Lock()


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that writes. On SQLite the process's writers take turns on a Python lock first.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to 100 ms), so
    threads that write often (the publishing worker's) would spend most of their time asleep; queueing them
    here instead hands the write lock over at once. Other processes still meet SQLite's own busy timeout.
    """
    engine = sessions.kw["bind"]
    if engine.dialect.name != "sqlite":
        with sessions.begin() as session:
            yield session
        return
    with _SQLITE_WRITERS_GUARD:
        lock = _SQLITE_WRITERS.setdefault(engine, threading.Lock())
    with lock, sessions.begin() as session:
        yield session


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory; objects stay readable after commit (`expire_on_commit=False`)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """Build an Alembic config in code, pointing at the migrations shipped inside this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", _with_driver(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """Return the newest migration revision this version of BrandPilot ships."""
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"expected one Alembic head in {MIGRATIONS_DIR}, found {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    """Every migration revision this version of BrandPilot ships."""
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def schema_revision(engine: Engine) -> str | None:
    """Return the migration revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema_current(engine: Engine) -> None:
    """Raise SchemaNotCurrentError, naming the command to run, unless the schema is at head."""
    current, head = schema_revision(engine), head_revision()
    where = engine.url.render_as_string(hide_password=True)
    if current == head:
        return
    if current is None:
        raise SchemaNotCurrentError(
            f"The database {where} has no BrandPilot tables yet. Run `{UPGRADE_COMMAND}` to create them."
        )
    if current not in known_revisions():
        raise SchemaNotCurrentError(
            f"The database {where} is at revision {current}, which this version of BrandPilot "
            f"does not know (newest known: {head}); it was migrated by a newer BrandPilot. "
            "Upgrade BrandPilot, or point DATABASE_URL at another database."
        )
    raise SchemaNotCurrentError(
        f"The database {where} is at revision {current} but this version needs {head}. "
        f"Run `{UPGRADE_COMMAND}` to migrate it."
    )


def upgrade_database(url: str) -> None:
    """Run all Alembic migrations up to head on the database at `url`."""
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def _with_driver(url: str) -> str:
    for prefix in _POSTGRES_PREFIXES:
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL-safe: a crash never corrupts, commits stay cheap
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
