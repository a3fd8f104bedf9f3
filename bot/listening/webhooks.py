"""`/webhooks/{platform}[/{brand}]`: handshakes answered; deliveries verified, taken once and their mentions stored."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session, sessionmaker

from bot.listening.ingest import Ingestor
from config.settings import Settings
from memory.credentials import CredentialStore
from memory.db import write_transaction
from memory.deliveries import delivery_seen, record_delivery
from tools.monitor.webhook_payloads import PayloadError, parse_payload
from tools.monitor.webhooks import Accepted, Challenge, WebhookSecrets, check_webhook

log = logging.getLogger(__name__)
PREFIX = "/webhooks/"
MAX_BODY = 1_000_000  # bytes; platforms send far less per delivery


def webhook_secrets(settings: Settings) -> WebhookSecrets:
    """The secrets each platform signs its deliveries with, from the environment."""
    return WebhookSecrets(
        x_consumer_secret=settings.secret("x_consumer_secret") or "",
        meta_app_secret=settings.secret("meta_app_secret") or "",
        meta_verify_token=settings.secret("meta_verify_token") or "",
        linkedin_client_secret=settings.secret("linkedin_client_secret") or "",
        tiktok_client_secret=settings.secret("tiktok_client_secret") or "",
        youtube_hub_secret=settings.secret("youtube_hub_secret") or "",
        youtube_verify_token=settings.secret("youtube_verify_token") or "",
    )


class WebhookReceiver:
    """An ASGI handler for the platforms' webhooks; mention text only ever reaches storage and the sentiment model."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        credentials: CredentialStore,
        ingestor: Ingestor | None = None,
    ) -> None:
        """Verify with `settings`' secrets; store through `ingestor` (one on `sessions` by default)."""
        self.settings = settings
        self.sessions = sessions
        self.credentials = credentials
        self.ingestor = ingestor or Ingestor(sessions)
        self.secrets = webhook_secrets(settings)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Answer one request under `/webhooks/`."""
        parts = scope["path"][len(PREFIX) :].strip("/").split("/")
        platform, brand = parts[0], (parts[1] if len(parts) > 1 else None)
        body = await _body(receive)
        if body is None:
            await _answer(send, 413, {"error": f"the body is over {MAX_BODY:,} bytes"})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = dict(reversed(parse_qsl(scope.get("query_string", b"").decode("latin-1"))))  # first value wins
        result = check_webhook(platform, scope["method"], headers, query, body, self.secrets)
        if isinstance(result, Challenge):
            await _answer(send, 200, result.body.encode(), result.content_type)
        elif not isinstance(result, Accepted):
            await _answer(send, result.status, {"error": result.reason})
        else:
            status, answer = await asyncio.to_thread(self._deliver, platform, brand, result.delivery_key, body)
            await _answer(send, status, answer)

    def _deliver(self, platform: str, brand: str | None, key: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """Store a verified delivery's mentions once; a replay or retry is acknowledged and not processed again."""
        with self.sessions() as session:
            if delivery_seen(session, platform, key):
                return 200, {"status": "already received"}
        brand_id = self._brand(platform, brand, body)
        if brand_id is None:
            return 404, {"error": f"no brand {brand!r} here; use /webhooks/{platform}/<brand id>"}
        own = frozenset(c.account_id for c in self.credentials.connections(brand_id) if c.platform == platform)
        try:
            parsed = parse_payload(platform, body, own_account_ids=own)
        except PayloadError as error:
            log.warning("unreadable %s webhook delivery: %s", platform, error)
            return 400, {"error": str(error)}
        result = self.ingestor.ingest(brand_id, list(parsed.mentions))
        with write_transaction(self.sessions) as session:
            record_delivery(session, platform, key)
        if parsed.problems:
            log.warning("%s webhook: %d malformed events skipped", platform, len(parsed.problems))
        return 200, {"status": "ok", "mentions": len(parsed.mentions), "new": result.new}

    def _brand(self, platform: str, named: str | None, body: bytes) -> str | None:
        """The delivery's brand: named in the path, else the owner of the account it names, else the default."""
        brands = [entry.id for entry in self.settings.brand_entries()]
        if named is not None:
            return named if named in brands else None
        accounts = _accounts_in(body)
        for connection in self.credentials.connections():
            if connection.platform == platform and connection.account_id in accounts:
                return connection.brand_id
        return self.settings.default_brand_id()


def _accounts_in(body: bytes) -> set[str]:
    """Account ids a delivery is addressed to: X's `for_user_id`, Meta's `entry[].id`."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return set()
    if not isinstance(data, dict):
        return set()
    found = {str(data["for_user_id"])} if data.get("for_user_id") else set()
    entries = data.get("entry")
    if isinstance(entries, list):
        found |= {str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")}
    return found


async def _body(receive: Any) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Any, status: int, body: dict[str, Any] | bytes, content_type: str = "application/json") -> None:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
