"""Brands' platform accounts in the database, tokens encrypted at rest (PLATFORM_TOKEN_ENCRYPTION_KEY)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, sessionmaker

from memory.crypto import TokenCipher
from memory.models import PlatformCredential, utcnow
from tools.platforms.base import Credentials

KEY_ADVICE = (
    "A stored platform token can't be decrypted with PLATFORM_TOKEN_ENCRYPTION_KEY: it was stored under another key. "
    "Put the old key after the new one (comma-separated), or connect the platform again with "
    "`brandpilot platforms connect`."
)
NO_KEY = (
    "Platform tokens are stored encrypted, and PLATFORM_TOKEN_ENCRYPTION_KEY is not set. Generate a key with "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'` and set it."
)


HAS_TTL = 10.0  # seconds another process's connect or disconnect may take to show in `has`


class MissingKeyError(RuntimeError):
    """Tokens can't be stored or read without the encryption key."""


@dataclass(frozen=True)
class Connection:
    """A brand's platform account as people see it: never the tokens."""

    brand_id: str
    platform: str
    account_id: str
    account_name: str
    expires_at: datetime | None
    connected_by: str
    connected_at: datetime
    checked_at: datetime | None
    last_error: str | None


class CredentialStore:
    """Read and write platform credentials; the cipher is None when no key is configured."""

    def __init__(self, sessions: sessionmaker[Session], cipher: TokenCipher | None) -> None:
        """Keep credentials through `sessions`, encrypted by `cipher`."""
        self._sessions = sessions
        self._cipher = cipher
        self._known: dict[tuple[str, str], tuple[bool, float]] = {}  # (brand, platform) -> (connected, until)

    def require_key(self) -> None:
        """Raise MissingKeyError (saying how to make a key) when tokens could not be stored."""
        self._need_cipher()

    def _need_cipher(self) -> TokenCipher:
        if self._cipher is None:
            raise MissingKeyError(NO_KEY)
        return self._cipher

    def save(self, brand_id: str, platform: str, credentials: Credentials, *, account_name: str, actor: str) -> None:
        """Store (or replace) the brand's account on `platform`."""
        secret = self._seal(credentials)
        self._known.pop((brand_id, platform), None)
        with self._sessions.begin() as session:
            row = session.scalars(_row(brand_id, platform)).first()
            if row is None:
                row = PlatformCredential(brand_id=brand_id, platform=platform, connected_by=actor)
                session.add(row)
            row.account_id = credentials.account_id
            row.account_name = account_name
            row.secret = secret
            row.scopes = list(credentials.scopes)
            row.expires_at = credentials.expires_at
            row.connected_by, row.connected_at = actor, utcnow()
            row.checked_at, row.last_error = utcnow(), None

    def get(self, brand_id: str, platform: str) -> Credentials | None:
        """The brand's credentials on `platform`, or None when it is not connected."""
        with self._sessions() as session:
            row = session.scalars(_row(brand_id, platform)).first()
            return None if row is None else self._open(row)

    def has(self, brand_id: str, platform: str) -> bool:
        """Whether the brand has connected `platform` (no decryption; remembered for `HAS_TTL` seconds)."""
        known = self._known.get((brand_id, platform))
        if known is not None and known[1] > time.monotonic():
            return known[0]
        with self._sessions() as session:
            found = session.scalars(_row(brand_id, platform)).first() is not None
        self._known[(brand_id, platform)] = (found, time.monotonic() + HAS_TTL)
        return found

    def update_tokens(self, brand_id: str, platform: str, credentials: Credentials) -> None:
        """Store refreshed tokens."""
        secret = self._seal(credentials)
        with self._sessions.begin() as session:
            row = session.scalars(_row(brand_id, platform)).one()
            row.secret, row.expires_at, row.refreshed_at = secret, credentials.expires_at, utcnow()
            row.last_error = None

    def record_check(self, brand_id: str, platform: str, error: str | None) -> None:
        """Remember when the account was last checked and what went wrong, if anything."""
        with self._sessions.begin() as session:
            row = session.scalars(_row(brand_id, platform)).first()
            if row is not None:
                row.checked_at, row.last_error = utcnow(), error

    def remove(self, brand_id: str, platform: str) -> bool:
        """Forget the account; returns whether there was one."""
        self._known.pop((brand_id, platform), None)
        with self._sessions.begin() as session:
            return bool(session.execute(delete(PlatformCredential).where(*_match(brand_id, platform))).rowcount)

    def connections(self, brand_id: str | None = None) -> list[Connection]:
        """Connected accounts (of one brand, or all), without their tokens."""
        query = select(PlatformCredential).order_by(PlatformCredential.brand_id, PlatformCredential.platform)
        if brand_id is not None:
            query = query.where(PlatformCredential.brand_id == brand_id)
        with self._sessions() as session:
            return [_connection(row) for row in session.scalars(query)]

    def expiring(self, within: timedelta, now: datetime | None = None) -> list[Connection]:
        """Accounts whose access token expires within `within` (expired ones included)."""
        limit = (now or utcnow()) + within
        query = select(PlatformCredential).where(PlatformCredential.expires_at.is_not(None))
        with self._sessions() as session:
            rows = [row for row in session.scalars(query) if row.expires_at is not None and row.expires_at <= limit]
            return [_connection(row) for row in rows]

    def _seal(self, credentials: Credentials) -> str:
        payload = {"access_token": credentials.access_token, "refresh_token": credentials.refresh_token}
        sealed = self._need_cipher().encrypt(json.dumps(payload))
        assert sealed is not None
        return sealed

    def _open(self, row: PlatformCredential) -> Credentials:
        payload = json.loads(self._need_cipher().decrypt(row.secret) or "{}")
        return Credentials(
            access_token=payload["access_token"],
            account_id=row.account_id,
            refresh_token=payload.get("refresh_token"),
            expires_at=row.expires_at,
            scopes=tuple(row.scopes or ()),
        )


def platform_cipher(keys: str | None) -> TokenCipher | None:
    """The cipher of platform tokens, or None when PLATFORM_TOKEN_ENCRYPTION_KEY is not set."""
    return TokenCipher(keys, advice=KEY_ADVICE) if keys else None


def _match(brand_id: str, platform: str) -> tuple:
    return PlatformCredential.brand_id == brand_id, PlatformCredential.platform == platform


def _row(brand_id: str, platform: str) -> Select[tuple[PlatformCredential]]:
    return select(PlatformCredential).where(*_match(brand_id, platform))


def _connection(row: PlatformCredential) -> Connection:
    return Connection(
        brand_id=row.brand_id,
        platform=row.platform,
        account_id=row.account_id,
        account_name=row.account_name,
        expires_at=row.expires_at,
        connected_by=row.connected_by,
        connected_at=row.connected_at,
        checked_at=row.checked_at,
        last_error=row.last_error,
    )
