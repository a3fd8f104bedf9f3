"""The embedded SQLite database is migrated forward on start; a newer one is refused."""

from pathlib import Path

import pytest
from alembic import command

from bot.app import open_app
from config.settings import load_settings
from memory.db import (
    SchemaNotCurrentError,
    alembic_config,
    create_db_engine,
    head_revision,
    normalize_database_url,
    schema_revision,
)


def _revision(home: Path) -> str | None:
    engine = create_db_engine(normalize_database_url(None, home))
    try:
        return schema_revision(engine)
    finally:
        engine.dispose()


def test_an_older_embedded_database_is_upgraded_on_start(brandpilot_home: Path) -> None:
    brandpilot_home.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(normalize_database_url(None, brandpilot_home)), "0001")
    assert _revision(brandpilot_home) == "0001"
    with open_app(load_settings()):
        pass
    assert _revision(brandpilot_home) == head_revision()


def test_an_embedded_database_from_a_newer_version_is_refused(brandpilot_home: Path) -> None:
    with open_app(load_settings()):
        pass
    engine = create_db_engine(normalize_database_url(None, brandpilot_home))
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(SchemaNotCurrentError, match="newer BrandPilot"), open_app(load_settings()):
        pass
