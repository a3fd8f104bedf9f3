"""The settings and the database without the graph or models: what the operator commands need."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from memory.credentials import CredentialStore, platform_cipher


@dataclass(frozen=True)
class Deployment:
    """The configured database and the stores on it."""

    settings: Settings
    sessions: sessionmaker[Session]

    @property
    def credentials(self) -> CredentialStore:
        """The brands' platform accounts."""
        return CredentialStore(self.sessions, platform_cipher(self.settings.secret("platform_token_encryption_key")))


@contextmanager
def deployment(settings: Settings) -> Iterator[Deployment]:
    """Open the configured database (migrating a brand-new embedded one)."""
    from bot.app import prepare_database
    from memory.db import check_schema_current, create_db_engine, session_factory

    engine = create_db_engine(prepare_database(settings))
    try:
        check_schema_current(engine)
        yield Deployment(settings, session_factory(engine))
    finally:
        engine.dispose()
