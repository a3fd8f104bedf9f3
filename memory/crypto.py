"""Fernet encryption for secrets at rest (platform and Slack tokens), with key rotation."""

from __future__ import annotations


class StoredTokenError(RuntimeError):
    """A stored token can't be decrypted with the configured keys."""


class TokenCipher:
    """The first key encrypts, every key decrypts (so keys can rotate); `advice` says what to do on a bad key."""

    def __init__(self, keys: str, *, advice: str = "") -> None:
        """Use comma-separated Fernet keys, newest first."""
        from cryptography.fernet import Fernet, MultiFernet

        self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
        self._advice = advice or "A stored token can't be decrypted with the configured key."

    def encrypt(self, value: str | None) -> str | None:
        """The token as stored; None stays None."""
        return None if value is None else self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str | None) -> str | None:
        """The token as stored, in plain text again; None stays None."""
        from cryptography.fernet import InvalidToken

        if value is None:
            return None
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise StoredTokenError(self._advice) from exc
