"""The mention poller: each connected account's new mentions and comments, read from where the last poll stopped."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.listening.ingest import Ingestor
from memory.credentials import CredentialStore, MissingKeyError
from memory.crypto import StoredTokenError
from memory.db import write_transaction
from memory.models import utcnow
from memory.models_listening import ListeningCursor
from tools.monitor.competitors import Competitor, x_query
from tools.platforms.base import Credentials, MentionPage, MentionsClient, PlatformClient, PlatformError

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
    """Polls every connected account whose platform can list mentions, and X search for each brand's competitors.

    A failing account or search never stops the others.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: Mapping[str, PlatformClient],
        credentials: CredentialStore | None,
        ingestor: Ingestor | None = None,
        competitors: Mapping[str, Sequence[Competitor]] | None = None,
        competitor_every: timedelta = timedelta(hours=1),
        competitor_limit: int = 50,
    ) -> None:
        """Read through `clients` with the brands' `credentials`; store through `ingestor`.

        `competitors` (brand id: its competitors) are searched on X with the brand's X account, when connected, at
        most once per `competitor_every` each and `competitor_limit` new posts a search (X read quota is spent).
        """
        self.sessions = sessions
        self.clients = clients
        self.credentials = credentials
        self.ingestor = ingestor or Ingestor(sessions)
        self.competitors = competitors or {}
        self.competitor_every = competitor_every
        self.competitor_limit = competitor_limit

    def run_once(self) -> list[PollResult]:
        """Poll each account once."""
        if self.credentials is None:
            return []
        results = []
        for connection in self.credentials.connections():
            client = self.clients.get(connection.platform)
            if isinstance(client, MentionsClient):
                results.append(self._poll(client, connection.brand_id, connection.platform))
            search = getattr(client, "search", None)
            if connection.platform == "x" and search is not None:
                for competitor in self.competitors.get(connection.brand_id, ()):
                    searched = self._search(search, connection.brand_id, competitor)
                    results += [searched] if searched is not None else []
        return results

    def _poll(self, client: MentionsClient, brand_id: str, platform: str) -> PollResult:
        return self._read(brand_id, platform, platform, lambda creds, cursor: client.mentions(creds, cursor=cursor))

    def _search(self, search: Callable[..., MentionPage], brand_id: str, competitor: Competitor) -> PollResult | None:
        key, query, limit = f"x/{competitor.id}", x_query(competitor), self.competitor_limit
        with self.sessions() as session:
            row = session.get(ListeningCursor, (brand_id, key))
            last = row.polled_at if row is not None else None
        if last is not None and utcnow() - _aware(last) < self.competitor_every:
            return None  # searched recently: the quota is kept for the next interval
        fetch = lambda creds, cursor: search(query, creds, cursor=cursor, limit=limit)  # noqa: E731
        return replace(self._read(brand_id, "x", key, fetch, competitor), platform=key)

    def _read(
        self,
        brand_id: str,
        platform: str,
        key: str,
        fetch: Callable[[Credentials, str | None], MentionPage],
        competitor: Competitor | None = None,
    ) -> PollResult:
        """One page from where `key`'s cursor stopped; a competitor's mentions are stored with its id as subject."""
        with self.sessions() as session:
            row = session.get(ListeningCursor, (brand_id, key))
            cursor = row.cursor if row is not None else None
        try:
            credentials = self.credentials.get(brand_id, platform) if self.credentials else None
            if credentials is None:
                return PollResult(brand_id, platform)
            page = fetch(credentials, cursor)
        except (PlatformError, MissingKeyError, StoredTokenError) as exc:
            problem = getattr(exc, "message", None) or str(exc)
            log.warning("polling %s for %s failed: %s", key, brand_id, problem)
            self._save(brand_id, key, cursor, problem)
            return PollResult(brand_id, platform, problem=problem)
        mentions = [replace(m, subject=competitor.id) for m in page.mentions] if competitor else page.mentions
        result = self.ingestor.ingest(brand_id, mentions)
        self._save(brand_id, key, page.cursor or cursor, None)  # stored first: a crash re-reads, never skips
        return PollResult(brand_id, platform, len(page.mentions), result.new)

    def _save(self, brand_id: str, platform: str, cursor: str | None, error: str | None) -> None:
        with write_transaction(self.sessions) as session:
            row = session.get(ListeningCursor, (brand_id, platform))
            if row is None:
                row = ListeningCursor(brand_id=brand_id, platform=platform)
                session.add(row)
            row.cursor, row.polled_at, row.error = cursor, utcnow(), error


def _aware(at: datetime) -> datetime:
    """A stored time as UTC-aware (SQLite hands back naive UTC)."""
    return at if at.utcoffset() is not None else at.replace(tzinfo=UTC)
