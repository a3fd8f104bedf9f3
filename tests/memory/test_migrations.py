"""Tests for Alembic migrations on fresh SQLite and Postgres databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from memory.db import (
    SchemaNotCurrentError,
    alembic_config,
    check_schema_current,
    create_db_engine,
    head_revision,
    normalize_database_url,
    schema_revision,
    upgrade_database,
)
from memory.models import Base

TABLES = {
    "ab_tests",
    "alembic_version",
    "calendar_entries",
    "campaigns",
    "conversion_paths",
    "digest_runs",
    "incidents",
    "listening_cursors",
    "mentions",
    "webhook_deliveries",
    "approvals",
    "audit_log",
    "brands",
    "alert_posts",
    "alerts",
    "content_items",
    "post_history",
    "post_metrics",
    "publish_attempts",
    "scheduled_posts",
    "slack_bots",
    "slack_installations",
    "workspaces",
    "platform_credentials",
    "queue_pauses",
    "thread_notices",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind."""
    if request.param == "sqlite":
        return normalize_database_url(None, tmp_path / "home")
    return normalize_database_url(request.getfixturevalue("postgres_db_url"), tmp_path)


def test_unmigrated_database_is_refused_with_the_upgrade_command(
    fresh_url: str,
) -> None:
    engine = create_db_engine(fresh_url)
    with pytest.raises(SchemaNotCurrentError, match="Run `brandpilot db upgrade`"):
        check_schema_current(engine)
    engine.dispose()


def test_upgrade_creates_the_schema_the_models_describe(fresh_url: str) -> None:
    upgrade_database(fresh_url)
    engine = create_db_engine(fresh_url)
    check_schema_current(engine)
    assert schema_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) == TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrade_twice_is_a_no_op(fresh_url: str) -> None:
    upgrade_database(fresh_url)
    upgrade_database(fresh_url)
    engine = create_db_engine(fresh_url)
    check_schema_current(engine)
    engine.dispose()


def test_downgrade_to_base_removes_every_table(fresh_url: str) -> None:
    upgrade_database(fresh_url)
    engine = create_db_engine(fresh_url)
    with engine.begin() as connection:
        config = alembic_config(fresh_url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    with pytest.raises(SchemaNotCurrentError, match="brandpilot db upgrade"):
        check_schema_current(engine)
    engine.dispose()


def test_database_from_a_newer_release_is_refused(fresh_url: str) -> None:
    upgrade_database(fresh_url)
    engine = create_db_engine(fresh_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dcafe'")
    with pytest.raises(SchemaNotCurrentError, match="newer BrandPilot"):
        check_schema_current(engine)
    engine.dispose()


def test_upgrade_needs_no_alembic_ini_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    url = normalize_database_url(None, tmp_path / "home")
    upgrade_database(url)
    engine = create_db_engine(url)
    check_schema_current(engine)
    engine.dispose()
