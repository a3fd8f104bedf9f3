"""The metrics sync job: each connected account's recent posts' numbers, read from the platform into the history."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from memory.credentials import CredentialStore, MissingKeyError
from memory.crypto import StoredTokenError
from memory.db import write_transaction
from memory.history import record_snapshot, synced_posts
from tools.platforms.base import InsightsClient, PlatformClient, PlatformError

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=28)  # numbers of older posts have settled; reading them again costs API quota


@dataclass
class SyncResult:
    """What one pass did for one brand's account on one platform."""

    brand_id: str
    platform: str
    posts: int = 0  # posts whose numbers were written
    asked: int = 0  # recent posts with a platform id
    problem: str | None = None


@dataclass
class MetricsSync:
    """Reads lifetime numbers through each platform's `insights` call and writes them as the day's metrics."""

    sessions: sessionmaker[Session]
    clients: Mapping[str, PlatformClient]
    credentials: CredentialStore | None
    timezone: str = "UTC"
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def run_once(self, brand_id: str | None = None) -> list[SyncResult]:
        """Sync every connected account (or one brand's); a failing account is logged and the others go on."""
        if self.credentials is None:
            return []
        now = self.clock()
        results = []
        for connection in self.credentials.connections(brand_id):
            client = self.clients.get(connection.platform)
            if not isinstance(client, InsightsClient):
                continue
            results.append(self._sync(client, connection.brand_id, connection.platform, now))
        return results

    def _sync(self, client: InsightsClient, brand_id: str, platform: str, now: datetime) -> SyncResult:
        result = SyncResult(brand_id, platform)
        with self.sessions() as session:
            posts = synced_posts(session, brand_id, platform, now - LOOKBACK)
        result.asked = len(posts)
        if not posts:
            return result
        try:
            credentials = self.credentials.get(brand_id, platform) if self.credentials else None
            if credentials is None:
                return result
            found = client.insights(list(posts), credentials)
        except (PlatformError, MissingKeyError, StoredTokenError) as exc:
            result.problem = getattr(exc, "message", None) or str(exc)
            log.warning("metrics sync of %s on %s skipped: %s", brand_id, platform, result.problem)
            return result
        day = now.astimezone(ZoneInfo(self.timezone)).date()
        with write_transaction(self.sessions) as session:
            for insight in found:
                post_id = posts.get(insight.external_id)
                if post_id is not None and record_snapshot(session, post_id, day, insight.totals):
                    result.posts += 1
        return result
