"""Precompiled statements store exactly what Core would, fill column defaults, and fail the way Core fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from memory.db import create_db_engine, normalize_database_url, run_once
from memory.models import AuditLog, Brand, UTCDateTime
from memory.precompiled import Precompiled

AUDIT = AuditLog.__table__
BRANDS = Brand.__table__
AT = datetime(2026, 11, 28, 9, 30, 15, 120000, tzinfo=timezone(timedelta(hours=-5)))
ENTRY = {
    "at": AT,
    "actor": "ana",
    "action": "approval.approved",
    "thread_key": "cli:t1",
    "subject_type": "approval",
    "subject_id": "a1",
    "detail": {"platform": "x", "reason": None, "tags": ["a", "b"]},
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url, pre_ping=False)
    yield engine
    engine.dispose()


def test_a_precompiled_insert_stores_what_a_core_insert_stores(engine: Engine) -> None:
    statement = Precompiled(insert(AUDIT), column_keys=list(ENTRY))
    with engine.begin() as connection:
        connection.execute(insert(AUDIT), {**ENTRY, "subject_id": "core"})
        statement.run(connection, {**ENTRY, "subject_id": "precompiled"})
        rows = connection.execute(select(AUDIT.c.subject_id, AUDIT.c.at, AUDIT.c.detail).order_by(AUDIT.c.id)).all()
        raw = connection.exec_driver_sql("SELECT at, detail FROM audit_log ORDER BY id").all()
    assert [r.subject_id for r in rows] == ["core", "precompiled"]
    assert rows[0][1:] == rows[1][1:] == (AT.astimezone(UTC), ENTRY["detail"])
    assert raw[0] == raw[1], "the same text in the database, timestamps and JSON alike"


def test_literals_in_the_statement_and_returning_columns_work(engine: Engine) -> None:
    rename = Precompiled(
        update(BRANDS)
        .where(BRANDS.c.id == bindparam("b_id"), BRANDS.c.name == "Old name")
        .values(name=bindparam("b_name"))
        .returning(BRANDS.c.id)
    )
    with engine.begin() as connection:
        connection.execute(insert(BRANDS), {"id": "b1", "name": "Old name", "pack_path": "p"})
        assert rename.first(connection, {"b_id": "b1", "b_name": "New name"}) == ("b1",)
        assert rename.first(connection, {"b_id": "b1", "b_name": "Again"}) is None  # "Old name" no longer
        assert connection.execute(select(BRANDS.c.name)).scalar_one() == "New name"


def test_python_side_column_defaults_are_filled_in(engine: Engine) -> None:
    table = Table(
        "precompiled_defaults",
        MetaData(),
        Column("id", String(8), primary_key=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("options", JSON, nullable=False, default=dict),
        Column("created_at", UTCDateTime(), nullable=False, default=lambda: AT),
    )
    table.create(engine)
    try:
        with engine.begin() as connection:
            Precompiled(insert(table), column_keys=("id",)).run(connection, {"id": "p1"})
            Precompiled(insert(table), column_keys=("id", "attempts")).run(connection, {"id": "p2", "attempts": 3})
            stored = connection.execute(select(table).order_by(table.c.id)).all()
        assert [tuple(row) for row in stored] == [("p1", 0, {}, AT.astimezone(UTC)), ("p2", 3, {}, AT.astimezone(UTC))]
    finally:
        table.drop(engine)


def test_many_rows_run_as_one_executemany(engine: Engine) -> None:
    statement = Precompiled(insert(AUDIT), column_keys=list(ENTRY))
    with engine.begin() as connection:
        statement.run_many(connection, [{**ENTRY, "subject_id": str(i)} for i in range(3)])
        assert connection.execute(select(AUDIT.c.subject_id).order_by(AUDIT.c.id)).scalars().all() == ["0", "1", "2"]


def test_a_commit_on_a_plain_connection_commits_like_core(engine: Engine) -> None:
    statement = Precompiled(insert(AUDIT), column_keys=list(ENTRY))
    with engine.connect() as connection:
        statement.run(connection, ENTRY)
        connection.commit()
    with engine.connect() as connection:
        assert connection.execute(select(AUDIT.c.subject_id)).scalars().all() == ["a1"]


def test_a_missing_value_is_named_and_database_errors_are_sqlalchemy_errors(engine: Engine) -> None:
    statement = Precompiled(insert(BRANDS), column_keys=("id", "name", "pack_path"))
    with engine.begin() as connection:
        with pytest.raises(KeyError, match="pack_path"):
            statement.run(connection, {"id": "b1", "name": "B"})
        statement.run(connection, {"id": "b1", "name": "B", "pack_path": "p"})
        with pytest.raises(IntegrityError):  # callers that catch SQLAlchemyError keep working
            statement.run(connection, {"id": "b1", "name": "B", "pack_path": "p"})


def test_expanding_parameters_are_refused(engine: Engine) -> None:
    statement = Precompiled(select(BRANDS.c.id).where(BRANDS.c.id.in_(bindparam("ids", expanding=True))))
    with engine.connect() as connection, pytest.raises(ValueError, match="IN"):
        statement.run(connection, {"ids": ["b1"]})


def test_a_connection_the_server_dropped_is_invalidated_and_run_once_replaces_it(postgres_db_url: str) -> None:
    url = normalize_database_url(postgres_db_url, Path("."))
    engine, admin = create_db_engine(url, pre_ping=False), create_db_engine(url)
    backend = Precompiled(select(func.pg_backend_pid()))

    def drop(pid: int) -> None:
        with admin.begin() as connection:
            connection.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})

    try:
        (first,) = run_once(engine, lambda connection: backend.first(connection, {}))
        drop(first)
        with engine.connect() as connection, pytest.raises(DBAPIError) as caught:
            backend.first(connection, {})
        assert caught.value.connection_invalidated, "reported as SQLAlchemy reports a disconnect"
        (second,) = run_once(engine, lambda connection: backend.first(connection, {}))
        drop(second)
        (third,) = run_once(engine, lambda connection: backend.first(connection, {}))
        assert len({first, second, third}) == 3, "each dropped connection was replaced and the statement ran again"
    finally:
        engine.dispose()
        admin.dispose()
