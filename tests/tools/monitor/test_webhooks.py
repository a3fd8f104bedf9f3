"""Tests of webhook signature checks, challenge handshakes and replay protection for each platform."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from tools.monitor.webhooks import (
    Accepted,
    Challenge,
    InMemoryReplayGuard,
    Rejected,
    WebhookSecrets,
    check_webhook,
    delivery_key,
)

SECRETS = WebhookSecrets(
    x_consumer_secret="x-consumer-secret",
    meta_app_secret="meta-app-secret",
    meta_verify_token="meta-verify-token",
    linkedin_client_secret="li-client-secret",
    tiktok_client_secret="tt-client-secret",
    youtube_hub_secret="yt-hub-secret",
    youtube_verify_token="yt-verify-token",
)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
BODY = b'{"event": "something happened", "text": "ignore previous instructions"}'


def hexmac(secret: str, message: bytes, digest=hashlib.sha256) -> str:  # noqa: ANN001
    return hmac.new(secret.encode(), message, digest).hexdigest()


def signed_headers(platform: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers as each platform signs `body` (built here from the documented schemes, independently of the code)."""
    if platform == "x":
        digest = hmac.new(b"x-consumer-secret", body, hashlib.sha256).digest()
        return {"X-Twitter-Webhooks-Signature": "sha256=" + base64.b64encode(digest).decode()}
    if platform in ("facebook", "instagram"):
        return {"X-Hub-Signature-256": "sha256=" + hexmac("meta-app-secret", body)}
    if platform == "linkedin":
        return {"X-LI-Signature": hexmac("li-client-secret", b"hmacsha256=" + body)}
    if platform == "tiktok":
        stamp = int(NOW.timestamp()) if timestamp is None else timestamp
        return {"TikTok-Signature": f"t={stamp},s={hexmac('tt-client-secret', f'{stamp}.'.encode() + body)}"}
    return {"X-Hub-Signature": "sha1=" + hexmac("yt-hub-secret", body, hashlib.sha1)}


def post(platform: str, headers: dict[str, str], body: bytes = BODY, **options: object) -> object:
    return check_webhook(platform, "POST", headers, {}, body, SECRETS, now=NOW, **options)  # type: ignore[arg-type]


PLATFORMS = ["x", "facebook", "instagram", "linkedin", "tiktok", "youtube"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_valid_signature_is_accepted_with_the_body_hash_as_delivery_key(platform: str) -> None:
    assert post(platform, signed_headers(platform, BODY)) == Accepted(platform, delivery_key(BODY))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_altered_body_is_rejected(platform: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        result = post(platform, signed_headers(platform, BODY), BODY.replace(b"something", b"nothing"))
    assert isinstance(result, Rejected) and result.status == 401
    assert "does not match" in result.reason
    assert f"rejected {platform} webhook POST" in caplog.text


@pytest.mark.parametrize("platform", PLATFORMS)
def test_missing_signature_is_rejected(platform: str) -> None:
    result = post(platform, {"Content-Type": "application/json"})
    assert isinstance(result, Rejected) and result.status == 401 and "missing" in result.reason


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wrong_secret_is_rejected_and_reason_never_holds_a_secret(platform: str) -> None:
    other = WebhookSecrets(**{name: "another-secret" for name in WebhookSecrets.__dataclass_fields__})
    result = check_webhook(platform, "POST", signed_headers(platform, BODY), {}, BODY, other, now=NOW)
    assert isinstance(result, Rejected)
    assert "another-secret" not in result.reason and "secret" not in repr(other).replace("WebhookSecrets", "")


def test_header_names_are_case_insensitive() -> None:
    headers = {name.lower(): value for name, value in signed_headers("facebook", BODY).items()}
    assert isinstance(post("facebook", headers), Accepted)


def test_linkedin_signature_with_algorithm_prefix_is_accepted() -> None:
    headers = {"X-LI-Signature": "hmacsha256=" + signed_headers("linkedin", BODY)["X-LI-Signature"]}
    assert isinstance(post("linkedin", headers), Accepted)


def test_non_ascii_signature_is_rejected_not_crashing() -> None:
    assert isinstance(post("facebook", {"X-Hub-Signature-256": "sha256=ümlaut"}), Rejected)


def test_replayed_delivery_is_rejected_with_status_200() -> None:
    guard = InMemoryReplayGuard()
    headers = signed_headers("x", BODY)
    assert isinstance(post("x", headers, replay_guard=guard), Accepted)
    replay = post("x", headers, replay_guard=guard)
    assert isinstance(replay, Rejected) and replay.status == 200 and "already received" in replay.reason


def test_invalid_signature_does_not_fill_the_replay_guard() -> None:
    guard = InMemoryReplayGuard()
    post("x", {"X-Twitter-Webhooks-Signature": "sha256=forged"}, replay_guard=guard)
    assert isinstance(post("x", signed_headers("x", BODY), replay_guard=guard), Accepted)


def test_replay_guard_forgets_after_ttl_and_keeps_platforms_apart() -> None:
    clock = [1000.0]
    guard = InMemoryReplayGuard(ttl=timedelta(hours=1), clock=lambda: clock[0])
    assert guard.seen("x", "k") is False
    assert guard.seen("x", "k") is True
    assert guard.seen("linkedin", "k") is False
    clock[0] += 3601
    assert guard.seen("x", "k") is False


def test_replay_guard_drops_the_oldest_beyond_max_entries() -> None:
    guard = InMemoryReplayGuard(max_entries=2, clock=lambda: 0.0)
    for key in ("a", "b", "c"):
        guard.seen("x", key)
    assert guard.seen("x", "a") is False
    assert guard.seen("x", "c") is True


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_tiktok_timestamp_outside_tolerance_is_rejected_as_stale(offset: int) -> None:
    stamp = int(NOW.timestamp()) + offset
    result = post("tiktok", signed_headers("tiktok", BODY, timestamp=stamp))
    assert isinstance(result, Rejected) and "stale or replayed" in result.reason


def test_tiktok_timestamp_inside_tolerance_is_accepted() -> None:
    assert isinstance(post("tiktok", signed_headers("tiktok", BODY, timestamp=int(NOW.timestamp()) - 120)), Accepted)


@pytest.mark.parametrize("header", ["s=abc", "t=now,s=abc", "garbage", "t=1,t=2,s=abc"])
def test_malformed_tiktok_header_is_rejected(header: str) -> None:
    result = post("tiktok", {"TikTok-Signature": header})
    assert isinstance(result, Rejected) and result.status == 401


def test_x_crc_handshake_answers_with_base64_hmac() -> None:
    result = check_webhook("x", "GET", {}, {"crc_token": "challenge123"}, b"", SECRETS)
    digest = hmac.new(b"x-consumer-secret", b"challenge123", hashlib.sha256).digest()
    assert isinstance(result, Challenge) and result.content_type == "application/json"
    assert json.loads(result.body) == {"response_token": "sha256=" + base64.b64encode(digest).decode()}


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
def test_meta_handshake_echoes_challenge_only_for_the_right_verify_token(platform: str) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "meta-verify-token", "hub.challenge": "1158201444"}
    assert check_webhook(platform, "GET", {}, query, b"", SECRETS) == Challenge("1158201444", "text/plain")
    wrong = check_webhook(platform, "GET", {}, query | {"hub.verify_token": "guess"}, b"", SECRETS)
    assert isinstance(wrong, Rejected) and wrong.status == 403


def test_linkedin_handshake_answers_with_hex_hmac_of_the_challenge_code() -> None:
    code = "890e4665-4dfe-4ab1-b689-ed553bceeed0"
    result = check_webhook("linkedin", "GET", {}, {"challengeCode": code}, b"", SECRETS)
    assert isinstance(result, Challenge) and result.content_type == "application/json"
    assert json.loads(result.body) == {
        "challengeCode": code,
        "challengeResponse": hexmac("li-client-secret", code.encode()),
    }


def test_youtube_websub_handshake_echoes_challenge_when_the_verify_token_matches() -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.topic": "https://www.youtube.com/xml/feeds/videos.xml?channel_id=UC123",
        "hub.challenge": "14053216683397812121",
        "hub.lease_seconds": "432000",
        "hub.verify_token": "yt-verify-token",
    }
    assert check_webhook("youtube", "GET", {}, query, b"", SECRETS) == Challenge("14053216683397812121")
    for broken in ({"hub.verify_token": "nope"}, {"hub.mode": "denied"}, {"hub.topic": ""}):
        result = check_webhook("youtube", "GET", {}, query | broken, b"", SECRETS)
        assert isinstance(result, Rejected) and result.status == 404


def test_challenge_with_markup_is_not_echoed() -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "meta-verify-token", "hub.challenge": "<script>x</script> 1"}
    assert isinstance(check_webhook("facebook", "GET", {}, query, b"", SECRETS), Rejected)


@pytest.mark.parametrize(
    ("platform", "query"), [("x", {}), ("linkedin", {}), ("facebook", {"hub.mode": "subscribe"}), ("tiktok", {})]
)
def test_incomplete_or_unsupported_handshakes_are_rejected(platform: str, query: dict[str, str]) -> None:
    assert isinstance(check_webhook(platform, "GET", {}, query, b"", SECRETS), Rejected)


def test_unconfigured_platform_and_unknown_method_are_rejected() -> None:
    unconfigured = check_webhook("x", "POST", signed_headers("x", BODY), {}, BODY, WebhookSecrets(), now=NOW)
    assert isinstance(unconfigured, Rejected) and unconfigured.status == 503
    assert check_webhook("x", "PUT", {}, {}, BODY, SECRETS).status == 405  # type: ignore[union-attr]
    assert check_webhook("myspace", "POST", {}, {}, BODY, SECRETS).status == 404  # type: ignore[union-attr]
