"""Meta Graph API plumbing shared by the Facebook and Instagram clients: versioned URLs, the token, error classes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from tools.platforms.base import (
    AuthError,
    DeprecatedVersionError,
    TransientError,
    json_body,
    raise_for_platform,
    retry_after_seconds,
    send,
)

GRAPH_URL = "https://graph.facebook.com"
DEFAULT_VERSION = "v23.0"
VERSION_SETTING = "META_API_VERSION"

# Codes from Meta's "Handling Errors" and Instagram "Error Codes" pages.
AUTH_CODES = frozenset({102, 190})  # API session / access token expired, revoked or invalid
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002})  # app, user, page, custom and BUC (Pages, IG) throttling
OUTAGE_CODES = frozenset({1, 2, 341})  # "API Unknown", "API Service", "Application limit reached": wait and retry
RETRYABLE_SUBCODES = frozenset(
    {
        2207001,  # Instagram server error
        2207003,  # media download timed out
        2207008,  # temporary error publishing a container
        2207027,  # media not ready for publishing yet
        2207032,  # creating the media container failed
        2207042,  # daily Content Publishing limit reached
        2207053,  # unknown upload error
    }
)
DEPRECATED_CODES = frozenset({2635})  # "(#2635) You are calling a deprecated version of the ... API"

_VERSION = re.compile(r"v\d+\.\d+")
_LATEST = re.compile(r"latest version:?\s*(v\d+\.\d+)", re.IGNORECASE)
_DEPRECATED = re.compile(
    r"(deprecated|unsupported|unavailable|expired) (api )?version"
    r"|version (\S+ )?(is|has been) (deprecated|unsupported|not supported|no longer (available|supported))",
    re.IGNORECASE,
)


class GraphApi:
    """One platform's calls to the Graph API at one base URL and version.

    The token goes in an `Authorization: Bearer` header rather than an `access_token` parameter, so it never
    lands in URLs (which httpx logs) or in recorded request bodies.
    """

    def __init__(
        self, http: httpx.Client, platform: str, *, base_url: str = GRAPH_URL, version: str = DEFAULT_VERSION
    ) -> None:
        if not _VERSION.fullmatch(version):
            raise ValueError(
                f"Meta Graph API version {version!r} should look like 'v23.0'; set {VERSION_SETTING} to one such as "
                f"{DEFAULT_VERSION}"
            )
        self.http = http
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.version = version

    def get(self, node: str, token: str, *, fields: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """GET /{version}/{node}?fields=... (a node or node/edge, with any other `params`) and the answer's JSON."""
        return self._call("GET", node, token, params={**(params or {}), "fields": fields})

    def read_many(self, ids: Sequence[str], token: str, *, fields: str) -> dict[str, Any]:
        """GET /{version}/?ids=a,b&fields=...: each node's fields keyed by its id (Graph takes up to 50 ids)."""
        return self._call("GET", "", token, params={"ids": ",".join(ids), "fields": fields})

    def post(self, path: str, token: str, data: Mapping[str, str]) -> dict[str, Any]:
        """POST form fields to /{version}/{path} (a node or node/edge) and the answer's JSON object."""
        return self._call("POST", path, token, data=dict(data))

    def _call(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        url = f"{self.base_url}/{self.version}/{quote(path)}"
        headers = {"Authorization": f"Bearer {token}"}
        response = send(self.http, self.platform, method, url, headers=headers, **kwargs)
        raise_for_graph(self.platform, response, self.version)
        return json_body(response)


def raise_for_graph(platform: str, response: httpx.Response, version: str) -> None:
    """Turn a failed Graph API answer into the right `PlatformError`, with Meta's own explanation as the message."""
    status = response.status_code
    if status < 400:
        return
    error = json_body(response).get("error")
    error = error if isinstance(error, dict) else {}
    code = _as_int(error.get("code"))
    subcode = _as_int(error.get("error_subcode"))
    message = _plain_message(error, status)
    code_text = None if code is None else str(code)
    if code in DEPRECATED_CODES or _DEPRECATED.search(str(error.get("message", ""))):
        raise DeprecatedVersionError(platform, _version_advice(message, version), status=status, code=code_text)
    if code in AUTH_CODES:
        advice = f"{message} (the access token is expired, revoked or invalid; reconnect the account)"
        raise AuthError(platform, advice, status=status, code=code_text)
    if (
        code in RATE_LIMIT_CODES
        or code in OUTAGE_CODES
        or subcode in RETRYABLE_SUBCODES
        or error.get("is_transient") is True
        or status == 429
        or status >= 500
    ):
        raise TransientError(platform, message, retry_after=usage_retry_after(response), status=status, code=code_text)
    raise_for_platform(platform, response, message, code=code_text)


def usage_retry_after(response: httpx.Response) -> float | None:
    """Seconds until Meta lifts throttling, from the usage headers' `estimated_time_to_regain_access` (minutes).

    `X-Business-Use-Case-Usage` maps business object ids to lists of usage dicts; `X-App-Usage` is one flat dict.
    Without a positive estimate this falls back to `Retry-After`.
    """
    minutes: list[float] = []
    for name in ("x-business-use-case-usage", "x-app-usage"):
        raw = response.headers.get(name)
        if raw:
            try:
                minutes.extend(_regain_minutes(json.loads(raw)))
            except ValueError:
                continue
    longest = max(minutes, default=0.0)
    return longest * 60 if longest > 0 else retry_after_seconds(response)


def _regain_minutes(value: Any) -> list[float]:
    if isinstance(value, dict):
        found = []
        estimate = value.get("estimated_time_to_regain_access")
        if isinstance(estimate, int | float) and not isinstance(estimate, bool):
            found.append(float(estimate))
        for inner in value.values():
            if isinstance(inner, dict | list):
                found.extend(_regain_minutes(inner))
        return found
    if isinstance(value, list):
        return [minutes for item in value for minutes in _regain_minutes(item)]
    return []


def _plain_message(error: Mapping[str, Any], status: int) -> str:
    for key in ("error_user_msg", "message"):
        text = error.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return f"Meta answered HTTP {status} without an explanation"


def _version_advice(message: str, version: str) -> str:
    latest = _LATEST.search(message)
    target = latest.group(1) if latest else f"a version Meta still serves (for example {DEFAULT_VERSION})"
    return f"{message} BrandPilot calls Graph API {version}; set {VERSION_SETTING} to {target}."


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
