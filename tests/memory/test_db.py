"""Tests for database URLs, engine settings and the UTC timestamp type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError, StatementError

from memory.db import (
    create_db_engine,
    normalize_database_url,
    run_once,
    session_factory,
    upgrade_database,
)
from memory.models import Brand


def test_no_url_means_embedded_sqlite_in_home(tmp_path: Path) -> None:
    assert normalize_database_url(None, tmp_path) == f"sqlite:///{tmp_path}/brandpilot.db"
    assert normalize_database_url("", tmp_path) == f"sqlite:///{tmp_path}/brandpilot.db"


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:p@db:5432/bp",
        "postgresql://u:p@db:5432/bp",
        "postgresql+psycopg://u:p@db:5432/bp",
    ],
)
def test_postgres_urls_use_psycopg(url: str, tmp_path: Path) -> None:
    assert normalize_database_url(url, tmp_path) == "postgresql+psycopg://u:p@db:5432/bp"


def test_unknown_scheme_lists_valid_choices(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mysql") as excinfo:
        normalize_database_url("mysql://u@db/bp", tmp_path)
    assert "sqlite:///" in str(excinfo.value) and "postgresql://" in str(excinfo.value)


def test_sqlite_engine_enforces_foreign_keys_wal_and_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/nested/dir/bp.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert (tmp_path / "nested" / "dir" / "bp.db").exists()
    engine.dispose()


def test_postgres_engine_pre_pings_pooled_connections() -> None:
    engine = create_db_engine("postgresql://u:p@127.0.0.1:1/bp")
    assert engine.dialect.driver == "psycopg"
    assert engine.pool._pre_ping is True


def test_timestamps_round_trip_as_aware_utc_on_sqlite(tmp_path: Path) -> None:
    url = normalize_database_url(None, tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url)
    factory = session_factory(engine)
    berlin = timezone(timedelta(hours=2))
    created = datetime(2025, 6, 1, 11, 30, tzinfo=berlin)
    with factory.begin() as session:
        session.add(Brand(id="kettle-ember", name="Kettle & Ember", created_at=created))
    with factory() as session:
        loaded = session.scalars(select(Brand.created_at)).one()
        later = session.scalars(select(Brand.id).where(Brand.created_at > created)).all()
    assert loaded == created and loaded.tzinfo == UTC
    assert loaded.hour == 9
    assert later == []
    engine.dispose()


def test_naive_datetimes_are_refused(tmp_path: Path) -> None:
    url = normalize_database_url(None, tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url)
    with (
        pytest.raises(StatementError, match="timezone-aware"),
        session_factory(engine).begin() as session,
    ):
        session.add(Brand(id="b", name="B", created_at=datetime(2025, 1, 1)))
    engine.dispose()


def test_sessions_keep_objects_readable_after_commit(tmp_path: Path) -> None:
    url = normalize_database_url(None, tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url)
    with session_factory(engine).begin() as session:
        brand = Brand(id="b", name="B")
        session.add(brand)
    assert brand.name == "B"
    engine.dispose()


@pytest.mark.postgres
def test_run_once_autocommits_and_survives_a_connection_the_server_dropped(postgres_db_url: str) -> None:
    url = normalize_database_url(postgres_db_url, Path("."))
    upgrade_database(url)
    engine, admin = create_db_engine(url, pre_ping=False), create_db_engine(url)
    try:
        first = run_once(
            engine, lambda c: (c.execute(text("select pg_backend_pid()")).scalar_one(), c.connection.autocommit)
        )
        with admin.begin() as connection:  # the server drops the pooled connection (a restart, an idle timeout)
            connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": first[0]})
        second = run_once(engine, lambda c: c.execute(text("select pg_backend_pid()")).scalar_one())
        assert second != first[0], "the dropped connection was replaced and the work ran again"
        assert first[1] is True, "autocommitted: one round trip, no BEGIN or COMMIT"
    finally:
        engine.dispose()
        admin.dispose()


def test_run_once_raises_other_database_errors_at_once(tmp_path: Path) -> None:
    engine = create_db_engine(normalize_database_url(None, tmp_path))
    calls = []

    def broken(connection):
        calls.append(1)
        return connection.execute(text("select * from no_such_table")).all()

    with pytest.raises(OperationalError, match="no_such_table"):  # not a dropped connection: no second try
        run_once(engine, broken)
    assert calls == [1]
    engine.dispose()
