"""The mention poller: each connected account's new mentions and comments, read from where the last poll stopped."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.listening.ingest import Ingestor
from memory.credentials import CredentialStore, MissingKeyError
from memory.crypto import StoredTokenError
from memory.db import write_transaction
from memory.models import utcnow
from memory.models_listening import ListeningCursor
from tools.platforms.base import MentionsClient, PlatformClient, PlatformError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollResult:
    """One account's poll: mentions read, new ones stored, or what went wrong."""

    brand_id: str
    platform: str
    read: int = 0
    new: int = 0
    problem: str | None = None


class MentionPoller:
    """Polls every connected account whose platform can list mentions; a failing account never stops the others."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: Mapping[str, PlatformClient],
        credentials: CredentialStore | None,
        ingestor: Ingestor | None = None,
    ) -> None:
        """Read through `clients` with the brands' `credentials`; store through `ingestor`."""
        self.sessions = sessions
        self.clients = clients
        self.credentials = credentials
        self.ingestor = ingestor or Ingestor(sessions)

    def run_once(self) -> list[PollResult]:
        """Poll each account once."""
        if self.credentials is None:
            return []
        results = []
        for connection in self.credentials.connections():
            client = self.clients.get(connection.platform)
            if isinstance(client, MentionsClient):
                results.append(self._poll(client, connection.brand_id, connection.platform))
        return results

    def _poll(self, client: MentionsClient, brand_id: str, platform: str) -> PollResult:
        with self.sessions() as session:
            row = session.get(ListeningCursor, (brand_id, platform))
            cursor = row.cursor if row is not None else None
        try:
            credentials = self.credentials.get(brand_id, platform) if self.credentials else None
            if credentials is None:
                return PollResult(brand_id, platform)
            page = client.mentions(credentials, cursor=cursor)
        except (PlatformError, MissingKeyError, StoredTokenError) as exc:
            problem = getattr(exc, "message", None) or str(exc)
            log.warning("polling %s mentions of %s failed: %s", platform, brand_id, problem)
            self._save(brand_id, platform, cursor, problem)
            return PollResult(brand_id, platform, problem=problem)
        result = self.ingestor.ingest(brand_id, page.mentions)
        self._save(brand_id, platform, page.cursor or cursor, None)  # stored first: a crash re-reads, never skips
        return PollResult(brand_id, platform, len(page.mentions), result.new)

    def _save(self, brand_id: str, platform: str, cursor: str | None, error: str | None) -> None:
        with write_transaction(self.sessions) as session:
            row = session.get(ListeningCursor, (brand_id, platform))
            if row is None:
                row = ListeningCursor(brand_id=brand_id, platform=platform)
                session.add(row)
            row.cursor, row.polled_at, row.error = cursor, utcnow(), error
