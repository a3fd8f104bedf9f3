"""Webhook requests from the platforms: signature checks, challenge handshakes and replay protection, kept pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from config.settings import PLATFORM_NAMES

_log = logging.getLogger(__name__)

TIKTOK_TOLERANCE = timedelta(minutes=5)
REPLAY_TTL = timedelta(hours=72)  # TikTok retries for up to 72 hours, LinkedIn for 8, Meta for about 36
_HUB_ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
_CHALLENGE = re.compile(r"[\x21-\x7e]{1,512}")  # what an echoed challenge may hold: printable ASCII, no spaces


@dataclass(frozen=True)
class WebhookSecrets:
    """The app secrets and verify tokens the checks need; an empty one means that platform is not set up."""

    x_consumer_secret: str = field(default="", repr=False)
    meta_app_secret: str = field(default="", repr=False)
    meta_verify_token: str = field(default="", repr=False)
    linkedin_client_secret: str = field(default="", repr=False)
    tiktok_client_secret: str = field(default="", repr=False)
    youtube_hub_secret: str = field(default="", repr=False)
    youtube_verify_token: str = field(default="", repr=False)


@dataclass(frozen=True)
class Accepted:
    """A POST whose signature is valid and which was not seen before: parse and store its payload."""

    platform: str
    delivery_key: str


@dataclass(frozen=True)
class Rejected:
    """A request that must not be processed; `reason` is safe to log (it never holds a secret or signature).

    `status` is the HTTP status to answer with. A repeated delivery is answered 200, so that a platform retrying
    a delivery it thinks failed stops, while its payload is still not processed twice.
    """

    reason: str
    status: int = 401


@dataclass(frozen=True)
class Challenge:
    """The answer to a platform's ownership check (a GET): send `body` with `content_type` and status 200."""

    body: str
    content_type: str = "text/plain"


WebhookResult = Accepted | Rejected | Challenge


class ReplayGuard(Protocol):
    """Remembers deliveries; `seen` records the key and says whether it had been recorded before."""

    def seen(self, platform: str, delivery_key: str) -> bool:
        """Record the delivery and return True if it was already recorded (a replay or a retry)."""
        ...


class InMemoryReplayGuard:
    """A ReplayGuard for one process: keys are forgotten after `ttl`, the oldest first beyond `max_entries`."""

    def __init__(
        self, *, ttl: timedelta = REPLAY_TTL, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl.total_seconds()
        self.max_entries = max_entries
        self.clock = clock
        self._expiry: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, platform: str, delivery_key: str) -> bool:
        """Record the delivery and return True if it was recorded less than `ttl` ago."""
        now = self.clock()
        key = (platform, delivery_key)
        with self._lock:
            while self._expiry and next(iter(self._expiry.values())) <= now:
                self._expiry.popitem(last=False)
            if key in self._expiry:
                return True
            while len(self._expiry) >= self.max_entries:
                self._expiry.popitem(last=False)
            self._expiry[key] = now + self.ttl
            return False


def delivery_key(body: bytes) -> str:
    """The key a delivery is remembered by: the SHA-256 of its signed body.

    None of the six platforms sends a delivery id inside what it signs, and a header outside the signature
    (such as TikTok's x-tt-logid) can be changed by whoever replays a captured request, so the body is used.
    """
    return "sha256:" + hashlib.sha256(body).hexdigest()


def check_webhook(
    platform: str,
    method: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    body: bytes,
    secrets: WebhookSecrets,
    *,
    replay_guard: ReplayGuard | None = None,
    now: datetime | None = None,
    tiktok_tolerance: timedelta = TIKTOK_TOLERANCE,
) -> WebhookResult:
    """Decide what `/webhooks/{platform}` does with a request: answer a handshake, accept it, or reject it.

    GET is the platform's ownership check, POST an event delivery whose signature is checked over the raw
    `body` with constant-time comparison. Header names are matched case-insensitively; `query` maps each
    parameter to its first value. A valid POST already seen by `replay_guard` is rejected with status 200.
    Rejections are logged with their reason.
    """
    result = _decide(
        platform,
        method.upper(),
        {k.lower(): v for k, v in headers.items()},
        query,
        body,
        secrets,
        now,
        tiktok_tolerance,
    )
    if isinstance(result, Accepted) and replay_guard is not None and replay_guard.seen(platform, result.delivery_key):
        result = Rejected("this delivery was already received (a retry or a replay); not processed again", 200)
    if isinstance(result, Rejected):
        _log.warning("rejected %s webhook %s: %s", platform, method.upper(), result.reason)
    return result


def _decide(
    platform: str,
    method: str,
    headers: dict[str, str],
    query: Mapping[str, str],
    body: bytes,
    secrets: WebhookSecrets,
    now: datetime | None,
    tolerance: timedelta,
) -> WebhookResult:
    if platform not in PLATFORM_NAMES:
        return Rejected(f"no webhooks for platform {platform!r}", 404)
    if method not in ("GET", "POST"):
        return Rejected(f"{method} is not used by {platform} webhooks; expected GET or POST", 405)
    secret = _secret(platform, secrets)
    if not secret:
        return Rejected(f"{platform} webhooks are not set up (no app secret configured)", 503)
    if method == "GET":
        return _handshake(platform, query, secret, secrets)
    moment = now or datetime.now(UTC)
    problem = _signature_problem(platform, headers, body, secret, moment, tolerance)
    return Rejected(problem) if problem else Accepted(platform, delivery_key(body))


def _secret(platform: str, secrets: WebhookSecrets) -> str:
    return {
        "x": secrets.x_consumer_secret,
        "facebook": secrets.meta_app_secret,
        "instagram": secrets.meta_app_secret,
        "linkedin": secrets.linkedin_client_secret,
        "tiktok": secrets.tiktok_client_secret,
        "youtube": secrets.youtube_hub_secret,
    }[platform]


def _handshake(platform: str, query: Mapping[str, str], secret: str, secrets: WebhookSecrets) -> WebhookResult:
    if platform == "x":
        token = query.get("crc_token", "")
        if not token:
            return Rejected("an X CRC check needs a crc_token parameter", 400)
        digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
        return Challenge(
            json.dumps({"response_token": "sha256=" + base64.b64encode(digest).decode()}), "application/json"
        )
    if platform == "linkedin":
        code = query.get("challengeCode", "")
        if not code:
            return Rejected("a LinkedIn validation needs a challengeCode parameter", 400)
        answer = hmac.new(secret.encode(), code.encode(), hashlib.sha256).hexdigest()
        return Challenge(json.dumps({"challengeCode": code, "challengeResponse": answer}), "application/json")
    if platform in ("facebook", "instagram"):
        return _hub_handshake(query, ("subscribe",), secrets.meta_verify_token, required_token=True, status=403)
    if platform == "youtube":
        if not query.get("hub.topic"):
            return Rejected("a WebSub verification needs hub.topic", 404)
        modes = ("subscribe", "unsubscribe")
        return _hub_handshake(query, modes, secrets.youtube_verify_token, required_token=False, status=404)
    return Rejected(f"{platform} sends no verification requests; it only POSTs events", 405)


def _hub_handshake(
    query: Mapping[str, str], modes: tuple[str, ...], token: str, *, required_token: bool, status: int
) -> WebhookResult:
    """Meta's and WebSub's `hub.*` verification: echo hub.challenge when the mode and verify token are right."""
    if query.get("hub.mode") not in modes:
        return Rejected(f"hub.mode must be {' or '.join(modes)}", status)
    if required_token and not token:
        return Rejected("no verify token is configured to check hub.verify_token against", 503)
    if token and not hmac.compare_digest(query.get("hub.verify_token", "").encode(), token.encode()):
        return Rejected("hub.verify_token does not match the configured verify token", status)
    challenge = query.get("hub.challenge", "")
    if not _CHALLENGE.fullmatch(challenge):
        return Rejected("hub.challenge is missing or not 1-512 printable characters", 400)
    return Challenge(challenge)


def _signature_problem(
    platform: str, headers: dict[str, str], body: bytes, secret: str, now: datetime, tolerance: timedelta
) -> str | None:
    """Why the POST's signature is not valid, or None when it is."""
    key = secret.encode()
    if platform == "x":
        expected = "sha256=" + base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
        return _mismatch(headers, "x-twitter-webhooks-signature", expected)
    if platform in ("facebook", "instagram"):
        return _mismatch(headers, "x-hub-signature-256", "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest())
    if platform == "linkedin":
        expected = hmac.new(key, b"hmacsha256=" + body, hashlib.sha256).hexdigest()
        return _mismatch(headers, "x-li-signature", expected, prefix="hmacsha256=")
    if platform == "tiktok":
        return _tiktok_problem(headers.get("tiktok-signature", ""), body, key, now, tolerance)
    header = headers.get("x-hub-signature", "")
    algorithm, _, _ = header.partition("=")
    if algorithm not in _HUB_ALGORITHMS:
        return "missing or unsupported X-Hub-Signature (expected sha1=<hex>)"
    return _mismatch(
        headers, "x-hub-signature", f"{algorithm}=" + hmac.new(key, body, _HUB_ALGORITHMS[algorithm]).hexdigest()
    )


def _mismatch(headers: dict[str, str], name: str, expected: str, prefix: str = "") -> str | None:
    given = headers.get(name, "").strip()
    if not given:
        return f"missing {name} header"
    if prefix and given.startswith(prefix):
        given = given[len(prefix) :]
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return f"{name} does not match the body (wrong secret, altered body, or not from the platform)"
    return None


def _tiktok_problem(header: str, body: bytes, key: bytes, now: datetime, tolerance: timedelta) -> str | None:
    if not header:
        return "missing tiktok-signature header"
    parts = [part.strip().partition("=") for part in header.split(",")]
    stamps = [value for name, _, value in parts if name == "t"]
    signatures = [value for name, _, value in parts if name == "s"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        return "malformed tiktok-signature header (expected t=<unix time>,s=<hex>)"
    if abs(now.timestamp() - int(stamps[0])) > tolerance.total_seconds():
        return (
            f"tiktok-signature timestamp is more than {int(tolerance.total_seconds())} s from now (stale or replayed)"
        )
    expected = hmac.new(key, stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest().encode()
    if not any(hmac.compare_digest(expected, signature.encode("utf-8", "replace")) for signature in signatures):
        return "tiktok-signature does not match the body (wrong secret, altered body, or not from TikTok)"
    return None
