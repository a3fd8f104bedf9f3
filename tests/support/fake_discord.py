"""A local fake of Discord's REST API (v10): a real HTTP server on loopback that checks and records what it receives.

Point discord.py at it with `discord.http.Route.BASE = fake.url` (see `discord_payloads.login_against`). The fake
answers the way Discord does for what a bot does: log in, send / edit / fetch / delete messages (JSON or multipart
with `payload_json` and `files[n]`), start threads, type, open DMs, answer interactions (callback, followups,
`@original`) and bulk-overwrite application commands. It rejects what Discord rejects, with Discord's status and
error JSON (`{"code": 50035, "errors": {...}, "message": "Invalid Form Body"}` and the numbered codes), and sends the
headers discord.py relies on: `Content-Type: application/json` exactly, `X-RateLimit-*` on every answer, and `Via`
(discord.py treats a 429 without `Via` as a Cloudflare ban and does not retry it).

The fake only knows what Discord's servers would know: channels, threads, members, messages and interactions reach
it through `learn(event, data)` (which `discord_payloads.dispatch(..., fake=fake)` calls with every gateway payload it
feeds the client) and through the bot's own requests. An unknown channel answers 404 `10003 Unknown Channel`, an
unknown message `10008`, an unknown or expired interaction `10062 Unknown interaction`, a guild the app is not in
`403 50001 Missing Access`.

Checked against discord.py 2.7.1's `http.py` / `webhook/async_.py` (routes, verbs, payloads, headers, rate-limit
handling) and Discord's API docs (discord/discord-api-docs: embed limits, interaction callback types and
`with_response`, followups after a deferred response editing the loading message, `enforce_nonce`, the 3 s / 15 min
interaction token lifetimes, the 429 body and headers). Not verified, chosen as closest known behaviour:
  - the `code` strings inside `errors` for components, modals and commands (e.g. `COMPONENT_CUSTOM_ID_DUPLICATED`,
    `APPLICATION_COMMAND_INVALID_NAME`), and the error for a callback type that does not fit the interaction;
  - answers to webhook routes of an interaction not acknowledged yet (`404 10015 Unknown Webhook`, the error people
    report for a followup sent before the response);
  - whether `enforce_nonce` is scoped per channel (Discord documents "same author, past few minutes"; the fake keys
    on channel + nonce and keeps nonces `nonce_window` seconds);
  - lengths are counted in code points (Discord may count UTF-16 units); `mentions` in returned messages stay empty
    (the request's `allowed_mentions` is recorded instead); the upload cap is the 10 MiB default of unboosted guilds;
  - components v2 (flag 32768) are checked only for ids, button / select rules and the 40-component total.
"""

from __future__ import annotations

import asyncio
import copy
import email.policy
import hashlib
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

API_PREFIX = "/api/v10"
BOT_TOKEN = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.fake.discord-bot-token"
BOT_ID = "1180000000000000001"
BOT_NAME = "BrandPilot"
APPLICATION_ID = "1180000000000000002"
DISCORD_EPOCH_MS = 1420070400000

EPHEMERAL, LOADING, HAS_THREAD, COMPONENTS_V2 = 1 << 6, 1 << 7, 1 << 5, 1 << 15
TEXT_CHANNELS = {0, 5}  # guild text and announcement: where threads start
MESSAGEABLE = {0, 1, 2, 3, 5, 10, 11, 12, 13, 15, 16}  # every type but categories (4) and directories (14)
THREAD_TYPES = {10, 11, 12}
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
SELECTS = {3, 5, 6, 7, 8}
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")  # Discord's \p{L}\p{N} class, approximated by Unicode \w
CONTEXT_MENU_NAME = re.compile(r"^[-_' \w]{1,32}$")


@dataclass
class Upload:
    """One file part of a multipart request (`files[n]`)."""

    name: str
    filename: str | None
    content_type: str
    data: bytes


@dataclass
class Request:
    """One request as the fake received it; `path` is relative to the API base (`/channels/1/messages`)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    json: Any  # the JSON body, or the parsed `payload_json` of a multipart body; None without either
    files: list[Upload] = field(default_factory=list)
    received_at: float = field(default_factory=time.monotonic)
    status: int | None = None  # what the fake answered


@dataclass
class InteractionResponse:
    """One `POST /interactions/{id}/{token}/callback`, accepted or not; `elapsed` counts from when the fake learned
    of the interaction (dispatch time), so tests can check Discord's 3 s deadline."""

    interaction_id: str
    token: str
    type: int | None
    data: dict[str, Any] | None
    elapsed: float | None
    status: int
    files: list[Upload] = field(default_factory=list)


@dataclass
class _Interaction:
    id: str
    token: str
    type: int
    payload: dict[str, Any]
    learned_at: float
    acked: int | None = None  # the callback type that acknowledged it
    original: tuple[str, str] | None = None  # (channel id, message id) of @original
    followups: list[str] = field(default_factory=list)


@dataclass
class _Scripted:
    method: str
    prefix: str
    status: int
    body: Any
    headers: dict[str, str]


class DiscordError(Exception):
    """An answer other than success, raised by a route: HTTP status and Discord's JSON error body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body}")
        self.status, self.body = status, body


def error(status: int, code: int, message: str) -> DiscordError:
    """Discord's plain JSON error: `{"code": code, "message": message}`."""
    return DiscordError(status, {"code": code, "message": message})


def _unknown(what: str, code: int) -> DiscordError:
    return error(404, code, f"Unknown {what}")


@dataclass
class _Answer:
    status: int
    body: Any = None  # JSON-able; None with 204
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeDiscord:
    """The server's address and what it has seen; every accessor is thread-safe."""

    url: str = ""
    gateway_url: str = ""  # a fake gateway's ws:// URL while one is attached (fake_discord_gateway.py)
    token: str = BOT_TOKEN
    bot: dict[str, Any] = field(default_factory=dict)  # the bot user (GET /users/@me)
    application_id: str = APPLICATION_ID
    ack_deadline: float = 3.0  # seconds an interaction may wait for its first callback
    token_lifetime: float = 900.0  # seconds an interaction token stays valid for followups
    nonce_window: float = 300.0  # seconds a nonce with enforce_nonce is remembered
    max_upload_bytes: int = 10 * 1024 * 1024
    requests: list[Request] = field(default_factory=list)
    messages: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # channel id -> message id -> message
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # every known channel, threads and DMs included
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)  # thread id -> thread channel
    guilds: dict[str, dict[str, Any]] = field(default_factory=dict)  # guild id -> the GUILD_CREATE payload
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    interactions: dict[str, _Interaction] = field(default_factory=dict)
    interaction_responses: list[InteractionResponse] = field(default_factory=list)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "global" or guild id -> commands
    uploads: dict[str, bytes] = field(default_factory=dict)  # attachment id -> bytes
    lock: threading.RLock = field(default_factory=threading.RLock)
    _scripted: list[_Scripted] = field(default_factory=list)
    _nonces: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    _dms: dict[str, str] = field(default_factory=dict)  # recipient id -> DM channel id
    _last_id: int = 0

    # -- scripting ---------------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        prefix: str,
        status: int = 500,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
    ) -> None:
        """Answer the next `times` `method` requests under `prefix` with `status` instead of the route.

        Without a `body`, Discord's own: the rate-limit body for 429 (`retry_after` 0.05 s), `50013 Missing
        Permissions` for 403, `{"code": 0, "message": "500: Internal Server Error"}` style for others. A 429 gets
        `Retry-After` (whole seconds, rounded up, as Discord sends it) and `X-RateLimit-*` headers from the body's
        `retry_after` unless `headers` says otherwise. discord.py sleeps `retry_after` and retries a 429, retries
        500/502/504/524 after 1 s, 3 s, ... and raises at once on 503 and 4xx.
        """
        if body is None:
            body = _default_failure_body(status)
        base = _rate_limit_headers(status, body) if status == 429 else {}
        with self.lock:
            for _ in range(times):
                self._scripted.append(_Scripted(method, prefix, status, body, base | (headers or {})))

    def rate_limit_next(
        self, method: str, prefix: str, retry_after: float = 0.05, *, is_global: bool = False, scope: str = "user"
    ) -> None:
        """Answer the next matching request with Discord's 429 (body `retry_after` in seconds)."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        headers = {"X-RateLimit-Scope": "global" if is_global else scope}
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        self.fail_next(method, prefix, 429, body, headers)

    def forbid_next(self, method: str, prefix: str) -> None:
        """Answer the next matching request with 403 `{"code": 50013, "message": "Missing Permissions"}`."""
        self.fail_next(method, prefix, 403, {"code": 50013, "message": "Missing Permissions"})

    # -- what the fake saw -------------------------------------------------------------------------------------

    def of(self, method: str, prefix: str) -> list[Request]:
        """Recorded requests of `method` whose path (relative to the API base) starts with `prefix`."""
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def wait_for(self, method: str, prefix: str, count: int = 1, timeout: float = 60.0) -> list[Request]:
        """Block until `count` matching requests arrived (for a bot running on another thread or process)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method, prefix)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(self._missing(method, prefix, count))

    async def wait_for_async(self, method: str, prefix: str, count: int = 1, timeout: float = 60.0) -> list[Request]:
        """`wait_for` for a bot running on the test's own event loop (sleeps without blocking it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method, prefix)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.01)
        raise AssertionError(self._missing(method, prefix, count))

    def _missing(self, method: str, prefix: str, count: int) -> str:
        with self.lock:
            seen = [f"{r.method} {r.path} -> {r.status}" for r in self.requests]
        return f"expected {count} {method} {prefix} request(s); the fake saw {seen}"

    def message(self, message_id: str | int) -> dict[str, Any] | None:
        """The stored message with this id, in whichever channel."""
        with self.lock:
            for stored in self.messages.values():
                if str(message_id) in stored:
                    return stored[str(message_id)]
        return None

    def sent(self, channel_id: str | int) -> list[dict[str, Any]]:
        """The bot's messages in a channel, oldest first (ephemeral interaction messages included)."""
        with self.lock:
            stored = self.messages.get(str(channel_id), {}).values()
            return [m for m in stored if m["author"]["id"] == self.bot["id"]]

    # -- what Discord's servers know ---------------------------------------------------------------------------

    def learn(self, event: str, data: dict[str, Any]) -> None:
        """Take in a gateway dispatch payload as Discord's servers know it (`dispatch(..., fake=fake)` calls this)."""
        data = copy.deepcopy(data)
        with self.lock:
            if event == "GUILD_CREATE" and not data.get("unavailable"):
                self.guilds[data["id"]] = data
                for channel in data.get("channels", []) + data.get("threads", []):
                    self._add_channel({**channel, "guild_id": data["id"]})
                for member in data.get("members", []):
                    self.users[member["user"]["id"]] = member["user"]
            elif event in ("CHANNEL_CREATE", "THREAD_CREATE"):
                self._add_channel(data)
            elif event == "MESSAGE_CREATE":
                self.users[data["author"]["id"]] = data["author"]
                if "guild_id" not in data and data["channel_id"] not in self.channels:
                    dm = {"id": data["channel_id"], "type": 1, "recipients": [data["author"]], "flags": 0}
                    self._add_channel(dm)
                    self._dms[data["author"]["id"]] = data["channel_id"]
                self.messages.setdefault(data["channel_id"], {})[data["id"]] = data
            elif event == "INTERACTION_CREATE":
                self._learn_interaction(data)

    def _learn_interaction(self, data: dict[str, Any]) -> None:
        if data["id"] in self.interactions:  # a redelivery: the same interaction, acknowledged or not
            return
        self.interactions[data["id"]] = _Interaction(data["id"], data["token"], data["type"], data, time.monotonic())
        who = (data.get("member") or {}).get("user") or data.get("user")
        if who:
            self.users[who["id"]] = who
        channel = data.get("channel")
        if channel and channel["id"] not in self.channels:
            self._add_channel({**channel, **({"guild_id": data["guild_id"]} if "guild_id" in data else {})})
        message = data.get("message")
        if message and self.message(message["id"]) is None:
            self.messages.setdefault(message["channel_id"], {})[message["id"]] = message

    def _add_channel(self, channel: dict[str, Any]) -> None:
        self.channels[channel["id"]] = channel
        if channel["type"] in THREAD_TYPES:
            self.threads[channel["id"]] = channel

    # -- helpers used by the routes ----------------------------------------------------------------------------

    def snowflake(self) -> str:
        """A fresh, time-ordered Discord snowflake (worker 1)."""
        with self.lock:
            candidate = ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17)
            self._last_id = max(candidate, self._last_id + 1)
            return str(self._last_id)

    def _channel(self, channel_id: str) -> dict[str, Any]:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise _unknown("Channel", 10003)
        return channel

    def _stored(self, channel_id: str, message_id: str) -> dict[str, Any]:
        found = self.messages.get(channel_id, {}).get(message_id)
        if found is None or found.get("flags", 0) & EPHEMERAL:  # ephemeral messages are not reachable by channel
            raise _unknown("Message", 10008)
        return found

    def _take_scripted(self, request: Request) -> _Scripted | None:
        with self.lock:
            for i, scripted in enumerate(self._scripted):
                if scripted.method == request.method and request.path.startswith(scripted.prefix):
                    return self._scripted.pop(i)
        return None

    def handle(self, request: Request) -> _Answer:
        """Record one request and answer it."""
        with self.lock:
            self.requests.append(request)
        scripted = self._take_scripted(request)
        if scripted is not None:
            headers = dict(scripted.headers)
            if "X-RateLimit-Bucket" in headers:  # the bucket of the route hit, as Discord names it
                headers["X-RateLimit-Bucket"] = _bucket_of(request) or headers["X-RateLimit-Bucket"]
            answer = _Answer(scripted.status, scripted.body, headers)
        else:
            try:
                answer = _route(self, request)
            except DiscordError as exc:
                answer = _Answer(exc.status, exc.body)
        request.status = answer.status
        return answer


# -- answers to failures ---------------------------------------------------------------------------------------


def _default_failure_body(status: int) -> dict[str, Any]:
    if status == 429:
        return {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    if status == 403:
        return {"code": 50013, "message": "Missing Permissions"}
    return {"code": 0, "message": f"{status}: {HTTPStatus(status).phrase}"}


def _rate_limit_headers(status: int, body: Any) -> dict[str, str]:
    retry_after = float(body.get("retry_after", 0.05)) if isinstance(body, dict) else 0.05
    headers = {
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": "fake-rate-limited",
        "X-RateLimit-Scope": "user",
    }
    if isinstance(body, dict) and body.get("global"):
        headers |= {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
    return headers


def _bucket(method: str, pattern: str) -> str:
    return hashlib.sha1(f"{method} {pattern}".encode()).hexdigest()[:32]


def _bucket_of(request: Request) -> str | None:
    """The rate-limit bucket of the route a request hits (None off the routes)."""
    for method, pattern, _ in ROUTES:
        if method == request.method and pattern.fullmatch(request.path):
            return _bucket(method, pattern.pattern)
    return None


def _bucket_headers(method: str, pattern: str) -> dict[str, str]:
    """The per-route headers Discord sends on ordinary answers; a fresh bucket every time (never exhausted)."""
    return {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": _bucket(method, pattern),
    }


# -- Invalid Form Body -----------------------------------------------------------------------------------------


class _Form:
    """Collects field errors under their JSON paths, as Discord nests them in `errors`."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, path: tuple[Any, ...], code: str, message: str) -> None:
        node = self.errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_len(self, path: tuple[Any, ...], value: Any, limit: int) -> None:
        if isinstance(value, str | list) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def between(self, path: tuple[Any, ...], value: Any, low: int, high: int) -> None:
        if not isinstance(value, str | list) or not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def required(self, path: tuple[Any, ...], value: Any) -> bool:
        if value in (None, ""):
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return False
        return True

    def raise_if_any(self) -> None:
        if self.errors:
            raise DiscordError(400, {"code": 50035, "errors": self.errors, "message": "Invalid Form Body"})


def _check_message(form: _Form, payload: dict[str, Any], *, base: tuple[Any, ...] = ()) -> None:
    """Content, embeds and components of a message body, with Discord's limits."""
    form.max_len((*base, "content"), payload.get("content"), 2000)
    embeds = payload.get("embeds") or []
    form.max_len((*base, "embeds"), embeds, 10)
    total = 0
    for i, embed in enumerate(embeds):
        at = (*base, "embeds", i)
        for key, limit in (("title", 256), ("description", 4096)):
            form.max_len((*at, key), embed.get(key), limit)
            total += len(embed.get(key) or "")
        fields = embed.get("fields") or []
        form.max_len((*at, "fields"), fields, 25)
        for j, item in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                if form.required((*at, "fields", j, key), item.get(key)):
                    form.max_len((*at, "fields", j, key), item[key], limit)
                    total += len(item[key])
        if "footer" in embed and form.required((*at, "footer", "text"), embed["footer"].get("text")):
            form.max_len((*at, "footer", "text"), embed["footer"]["text"], 2048)
            total += len(embed["footer"]["text"])
        if "author" in embed and form.required((*at, "author", "name"), embed["author"].get("name")):
            form.max_len((*at, "author", "name"), embed["author"]["name"], 256)
            total += len(embed["author"]["name"])
    if total > 6000:
        form.add((*base, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    components = payload.get("components") or []
    if (payload.get("flags") or 0) & COMPONENTS_V2:
        _check_layout(form, (*base, "components"), components)
    else:
        _check_rows(form, (*base, "components"), components)


def _check_rows(form: _Form, at: tuple[Any, ...], rows: list[dict[str, Any]]) -> None:
    """Classic components: at most 5 action rows of at most 5 buttons, or one select each."""
    form.max_len(at, rows, 5)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            form.add((*at, i, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
            continue
        children = row.get("components") or []
        form.between((*at, i, "components"), children, 1, 5)
        if len(children) > 1 and any(c.get("type") in SELECTS for c in children):
            form.add(
                (*at, i, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, child in enumerate(children):
            _check_item(form, (*at, i, "components", j), child, seen, modal=False)


def _check_layout(form: _Form, at: tuple[Any, ...], components: list[dict[str, Any]]) -> None:
    """Components v2: items nested in rows, sections, containers and labels, at most 40 in all."""
    seen: set[str] = set()
    count = 0

    def walk(path: tuple[Any, ...], item: dict[str, Any]) -> None:
        nonlocal count
        count += 1
        if item.get("type") in (1, 9, 17):
            for k, child in enumerate(item.get("components") or []):
                walk((*path, "components", k), child)
            if "accessory" in item:
                walk((*path, "accessory"), item["accessory"])
        else:
            _check_item(form, path, item, seen, modal=False)

    for i, item in enumerate(components):
        walk((*at, i), item)
    if count > 40:
        form.add(at, "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer in length.")


def _check_item(form: _Form, at: tuple[Any, ...], item: dict[str, Any], seen: set[str], *, modal: bool) -> None:
    kind = item.get("type")
    custom_id = item.get("custom_id")
    if isinstance(custom_id, str):
        form.max_len((*at, "custom_id"), custom_id, 100)
        if custom_id in seen:
            form.add((*at, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
        seen.add(custom_id)
    if kind == 2:  # button
        style = item.get("style")
        if style not in range(1, 7):
            form.add((*at, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
        form.max_len((*at, "label"), item.get("label"), 80)
        if style == 5:
            form.required((*at, "url"), item.get("url"))
        elif style in range(1, 5):
            form.required((*at, "custom_id"), custom_id)
    elif kind in SELECTS:
        form.required((*at, "custom_id"), custom_id)
        form.max_len((*at, "placeholder"), item.get("placeholder"), 150)
        if kind == 3:
            options = item.get("options") or []
            form.between((*at, "options"), options, 1, 25)
            for k, option in enumerate(options):
                for key in ("label", "value"):
                    if form.required((*at, "options", k, key), option.get(key)):
                        form.max_len((*at, "options", k, key), option[key], 100)
                form.max_len((*at, "options", k, "description"), option.get("description"), 100)
        for key, low in (("min_values", 0), ("max_values", 1)):
            if key in item and not low <= item[key] <= 25:
                form.add((*at, key), "NUMBER_TYPE_MAX", f"int value should be between {low} and 25.")
    elif kind == 4 and modal:  # text input
        form.required((*at, "custom_id"), custom_id)
        if item.get("style") not in (1, 2):
            form.add((*at, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
        form.max_len((*at, "label"), item.get("label"), 45)
        form.max_len((*at, "placeholder"), item.get("placeholder"), 100)
        form.max_len((*at, "value"), item.get("value"), 4000)
    elif kind == 4 or (kind in (1, 18) and not modal):
        form.add((*at, "type"), "UNION_TYPE_CHOICES", f'Value of field "type" must not be {kind} here.')


def _check_modal(form: _Form, data: dict[str, Any]) -> None:
    """A modal (callback type 9): custom_id ≤ 100, title ≤ 45, 1 to 5 rows / labels of one input each."""
    if form.required(("data", "custom_id"), data.get("custom_id")):
        form.max_len(("data", "custom_id"), data["custom_id"], 100)
    if form.required(("data", "title"), data.get("title")):
        form.max_len(("data", "title"), data["title"], 45)
    components = data.get("components") or []
    form.between(("data", "components"), components, 1, 5)
    seen: set[str] = set()
    for i, top in enumerate(components):
        at = ("data", "components", i)
        if top.get("type") == 1:
            children = top.get("components") or []
            form.between((*at, "components"), children, 1, 1)
            for j, child in enumerate(children):
                _check_item(form, (*at, "components", j), child, seen, modal=True)
        elif top.get("type") == 18:  # label
            form.max_len((*at, "label"), top.get("label"), 45)
            _check_item(form, (*at, "component"), top.get("component") or {}, seen, modal=True)
        elif top.get("type") != 10:  # text display
            form.add((*at, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).')


def _check_commands(form: _Form, commands: Any) -> None:
    """Bulk overwrite: names (lowercase ≤ 32 for slash commands), descriptions ≤ 100, option types and nesting."""
    if not isinstance(commands, list):
        form.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        kind = command.get("type", 1)
        if kind not in (1, 2, 3, 4):
            form.add((i, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
        name = command.get("name") or ""
        if kind == 1:
            _check_name(form, (i, "name"), name)
            form.between((i, "description"), command.get("description") or "", 1, 100)
            _check_options(form, (i, "options"), command.get("options") or [], depth=0)
        elif not CONTEXT_MENU_NAME.match(name):
            form.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if (kind, name) in seen:
            form.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
        seen.add((kind, name))


def _check_name(form: _Form, at: tuple[Any, ...], name: str) -> None:
    if not COMMAND_NAME.match(name) or name != name.lower():
        form.add(at, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _check_options(form: _Form, at: tuple[Any, ...], options: list[dict[str, Any]], *, depth: int) -> None:
    form.max_len(at, options, 25)
    kinds = [o.get("type") for o in options]
    nested = [k for k in kinds if k in (1, 2)]
    if nested and len(nested) != len(kinds):
        form.add(
            at,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to all other types",
        )
    optional_seen = False
    for i, option in enumerate(options):
        here = (*at, i)
        kind = option.get("type")
        if kind not in range(1, 12):
            form.add((*here, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.")
        if (kind == 2 and depth > 0) or (kind == 1 and depth > 1):
            form.add(
                (*here, "type"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands can only be nested in a sub-command group at the top level",
            )
        _check_name(form, (*here, "name"), option.get("name") or "")
        form.between((*here, "description"), option.get("description") or "", 1, 100)
        choices = option.get("choices") or []
        form.max_len((*here, "choices"), choices, 25)
        for k, choice in enumerate(choices):
            form.between((*here, "choices", k, "name"), choice.get("name") or "", 1, 100)
            form.max_len((*here, "choices", k, "value"), choice.get("value"), 100)
        if kind == 2:
            inner = option.get("options") or []
            if any(o.get("type") != 1 for o in inner):
                form.add(
                    (*here, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups may only contain sub-commands",
                )
            _check_options(form, (*here, "options"), inner, depth=depth + 1)
        elif kind == 1:
            _check_options(form, (*here, "options"), option.get("options") or [], depth=depth + 1)
        elif option.get("required"):
            if optional_seen:
                form.add(
                    (*here, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True


# -- objects the fake hands out --------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _attachments(fake: FakeDiscord, channel_id: str, request: Request, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachment objects for the request's `files[n]`, named and described by `payload["attachments"]`."""
    described = {str(a.get("id")): a for a in payload.get("attachments") or []}
    made = []
    for index, upload in enumerate(request.files):
        meta = described.get(str(index), {})
        attachment_id = fake.snowflake()
        filename = meta.get("filename") or upload.filename or f"file{index}"
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}"
        attachment = {"id": attachment_id, "filename": filename, "size": len(upload.data), "url": url}
        attachment |= {"proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net")}
        attachment |= {"content_type": upload.content_type}
        if meta.get("description"):
            attachment["description"] = meta["description"]
        fake.uploads[attachment_id] = upload.data
        made.append(attachment)
    return made


def _check_uploads(fake: FakeDiscord, request: Request) -> None:
    if sum(len(u.data) for u in request.files) > fake.max_upload_bytes:
        raise error(413, 40005, "Request entity too large")


def _require_something(payload: dict[str, Any], request: Request) -> None:
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    if not request.files and not any(payload.get(k) for k in keys):
        raise error(400, 50006, "Cannot send an empty message")


def _new_message(
    fake: FakeDiscord, channel_id: str, payload: dict[str, Any], request: Request, **extra: Any
) -> dict[str, Any]:
    message = {
        "id": fake.snowflake(),
        "channel_id": channel_id,
        "type": 19 if payload.get("message_reference") else 0,
        "content": payload.get("content") or "",
        "author": fake.bot,
        "attachments": _attachments(fake, channel_id, request, payload),
        "embeds": [{"type": "rich", **e} for e in payload.get("embeds") or []],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": bool(payload.get("tts")),
        "timestamp": _now(),
        "edited_timestamp": None,
        "flags": payload.get("flags") or 0,
        "components": payload.get("components") or [],
    }
    if payload.get("nonce") is not None:
        message["nonce"] = payload["nonce"]
    message |= extra
    return message


def _store(fake: FakeDiscord, message: dict[str, Any]) -> dict[str, Any]:
    fake.messages.setdefault(message["channel_id"], {})[message["id"]] = message
    channel = fake.channels.get(message["channel_id"])
    if channel is not None:
        channel["last_message_id"] = message["id"]
        if channel["type"] in THREAD_TYPES:
            channel["message_count"] = channel.get("message_count", 0) + 1
            channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1
    return message


def _edit(fake: FakeDiscord, message: dict[str, Any], payload: dict[str, Any], request: Request) -> dict[str, Any]:
    """Apply an edit body to a stored message, after checking the result as Discord does."""
    edited = dict(message)
    for key in ("content", "components"):
        if key in payload:
            edited[key] = payload[key] if payload[key] is not None else ("" if key == "content" else [])
    if "embeds" in payload:
        edited["embeds"] = [{"type": "rich", **e} for e in payload["embeds"] or []]
    if "flags" in payload and payload["flags"] is not None:  # only SUPPRESS_EMBEDS and IS_COMPONENTS_V2 can change
        kept = message.get("flags", 0) & ~(4 | COMPONENTS_V2)
        edited["flags"] = kept | (payload["flags"] & (4 | COMPONENTS_V2))
    if "attachments" in payload or request.files:
        keep = {str(a.get("id")) for a in payload.get("attachments") or []}
        edited["attachments"] = [a for a in message.get("attachments", []) if a["id"] in keep]
        edited["attachments"] += _attachments(fake, message["channel_id"], request, payload)
    form = _Form()
    _check_message(form, edited)
    form.raise_if_any()
    if not (edited["content"] or edited["embeds"] or edited["components"] or edited["attachments"]):
        raise error(400, 50006, "Cannot send an empty message")
    edited["edited_timestamp"] = _now()
    edited["flags"] = edited.get("flags", 0) & ~LOADING
    message.clear()
    message.update(edited)
    return message


def _user(fake: FakeDiscord, user_id: str) -> dict[str, Any]:
    known = fake.users.get(user_id)
    if known:
        return known
    return {"id": user_id, "username": f"user{user_id[-4:]}", "discriminator": "0", "global_name": None, "avatar": None}


# -- routes ----------------------------------------------------------------------------------------------------

Handler = Callable[..., _Answer]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler for `method` and a path pattern (`{name}` stands for a snowflake, `{token}` for a token)."""
    regex = re.escape(pattern).replace(r"\{token\}", r"(?P<token>[^/]+)")
    regex = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>\\d+)", regex)

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(regex), handler))
        return handler

    return register


def _route(fake: FakeDiscord, request: Request) -> _Answer:
    matches = [(m, p, h) for m, p, h in ROUTES if p.fullmatch(request.path)]
    if not matches:
        raise error(404, 0, "404: Not Found")
    chosen = next(((p, h) for m, p, h in matches if m == request.method), None)
    if chosen is None:
        raise error(405, 0, "405: Method Not Allowed")
    pattern, handler = chosen
    public = request.path.startswith(("/interactions/", "/webhooks/"))  # interaction routes carry no bot token
    if not public and request.headers.get("authorization") != f"Bot {fake.token}":
        raise error(401, 0, "401: Unauthorized")
    with fake.lock:
        answer = handler(fake, request, **pattern.fullmatch(request.path).groupdict())
    answer.headers = _bucket_headers(request.method, pattern.pattern) | answer.headers
    return answer


@route("GET", "/users/@me")
def _me(fake: FakeDiscord, request: Request) -> _Answer:
    return _Answer(200, fake.bot | {"mfa_enabled": True, "verified": True, "locale": "en-US", "email": None})


@route("GET", "/oauth2/applications/@me")
def _application(fake: FakeDiscord, request: Request) -> _Answer:
    """Client.login fetches this right after /users/@me."""
    owner = {"id": "1180000000000000009", "username": "owner", "discriminator": "0", "global_name": None}
    app = {"id": fake.application_id, "name": fake.bot["username"], "icon": None, "description": ""}
    app |= {"bot_public": False, "bot_require_code_grant": False, "owner": owner | {"avatar": None}}
    app |= {"verify_key": "0" * 64, "flags": 0, "team": None, "summary": "", "bot": fake.bot, "tags": []}
    return _Answer(200, app)


@route("GET", "/gateway/bot")
def _gateway(fake: FakeDiscord, request: Request) -> _Answer:
    """Only `AutoShardedClient` asks (a plain `Client` connects to `DiscordWebSocket.DEFAULT_GATEWAY`); the URL is
    the attached fake gateway's, else Discord's (which pytest-socket blocks)."""
    limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
    url = fake.gateway_url or "wss://gateway.discord.gg"
    return _Answer(200, {"url": url, "shards": 1, "session_start_limit": limit})


@route("GET", "/channels/{channel}")
def _get_channel(fake: FakeDiscord, request: Request, channel: str) -> _Answer:
    return _Answer(200, fake._channel(channel))


@route("POST", "/users/@me/channels")
def _open_dm(fake: FakeDiscord, request: Request) -> _Answer:
    recipient = str((request.json or {}).get("recipient_id") or "")
    if not recipient.isdigit():
        form = _Form()
        form.add(("recipient_id",), "BASE_TYPE_REQUIRED", "This field is required")
        form.raise_if_any()
    channel_id = fake._dms.get(recipient)
    if channel_id is None:
        channel_id = fake.snowflake()
        fake._dms[recipient] = channel_id
        dm = {"id": channel_id, "type": 1, "last_message_id": None, "flags": 0}
        fake._add_channel(dm | {"recipients": [_user(fake, recipient)]})
    return _Answer(200, fake.channels[channel_id])


@route("POST", "/channels/{channel}/messages")
def _create_message(fake: FakeDiscord, request: Request, channel: str) -> _Answer:
    target = fake._channel(channel)
    if target["type"] not in MESSAGEABLE:
        raise error(400, 50008, "Cannot send messages in a non-text channel")
    payload = request.json or {}
    form = _Form()
    _check_message(form, payload)
    nonce = payload.get("nonce")
    if isinstance(nonce, str):
        form.max_len(("nonce",), nonce, 25)
    reference = payload.get("message_reference")
    referenced = None
    if reference:
        ref_channel = str(reference.get("channel_id") or channel)
        referenced = fake.messages.get(ref_channel, {}).get(str(reference.get("message_id")))
        if referenced is None and reference.get("fail_if_not_exists", True):
            form.add(("message_reference",), "REPLIES_UNKNOWN_MESSAGE", "Unknown message")
    form.raise_if_any()
    _require_something(payload, request)
    _check_uploads(fake, request)
    if nonce is not None and payload.get("enforce_nonce"):
        seen = fake._nonces.get((channel, str(nonce)))
        if seen and time.monotonic() - seen[1] < fake.nonce_window and seen[0] in fake.messages.get(channel, {}):
            return _Answer(200, fake.messages[channel][seen[0]])
    extra: dict[str, Any] = {}
    if reference:
        extra["message_reference"] = {"type": reference.get("type", 0), "channel_id": channel}
        extra["message_reference"] |= {"message_id": str(reference.get("message_id"))}
        if target.get("guild_id"):
            extra["message_reference"]["guild_id"] = target["guild_id"]
        extra["referenced_message"] = {k: v for k, v in (referenced or {}).items() if k != "referenced_message"} or None
    message = _store(fake, _new_message(fake, channel, payload, request, **extra))
    if nonce is not None and payload.get("enforce_nonce"):
        fake._nonces[(channel, str(nonce))] = (message["id"], time.monotonic())
    return _Answer(200, message)


@route("GET", "/channels/{channel}/messages/{message}")
def _get_message(fake: FakeDiscord, request: Request, channel: str, message: str) -> _Answer:
    fake._channel(channel)
    return _Answer(200, fake._stored(channel, message))


@route("PATCH", "/channels/{channel}/messages/{message}")
def _edit_message(fake: FakeDiscord, request: Request, channel: str, message: str) -> _Answer:
    fake._channel(channel)
    stored = fake._stored(channel, message)
    if stored["author"]["id"] != fake.bot["id"]:
        raise error(403, 50005, "Cannot edit a message authored by another user")
    _check_uploads(fake, request)
    return _Answer(200, _edit(fake, stored, request.json or {}, request))


@route("DELETE", "/channels/{channel}/messages/{message}")
def _delete_message(fake: FakeDiscord, request: Request, channel: str, message: str) -> _Answer:
    fake._channel(channel)
    fake._stored(channel, message)
    del fake.messages[channel][message]
    return _Answer(204)


def _new_thread(fake: FakeDiscord, thread_id: str, parent: dict[str, Any], body: dict[str, Any], kind: int) -> dict:
    form = _Form()
    form.between(("name",), body.get("name") or "", 1, 100)
    duration = body.get("auto_archive_duration") or parent.get("default_auto_archive_duration") or 4320
    if duration not in ARCHIVE_DURATIONS:
        form.add(("auto_archive_duration",), "BASE_TYPE_CHOICES", "Value must be one of {60, 1440, 4320, 10080}.")
    if kind not in (11, 12):
        form.add(("type",), "BASE_TYPE_CHOICES", "Value must be one of {11, 12}.")
    form.raise_if_any()
    now = _now()
    metadata = {"archived": False, "auto_archive_duration": duration, "archive_timestamp": now, "locked": False}
    metadata["create_timestamp"] = now
    if kind == 12:
        metadata["invitable"] = bool(body.get("invitable", True))
    thread = {"id": thread_id, "type": kind, "guild_id": parent.get("guild_id"), "parent_id": parent["id"]}
    thread |= {"owner_id": fake.bot["id"], "name": body["name"], "last_message_id": None, "flags": 0}
    thread |= {"rate_limit_per_user": body.get("rate_limit_per_user") or 0, "message_count": 0, "member_count": 1}
    thread |= {"total_message_sent": 0, "thread_metadata": metadata}
    thread["member"] = {"id": thread_id, "user_id": fake.bot["id"], "join_timestamp": now, "flags": 0}
    fake._add_channel(thread)
    return thread


@route("POST", "/channels/{channel}/messages/{message}/threads")
def _thread_from_message(fake: FakeDiscord, request: Request, channel: str, message: str) -> _Answer:
    """The thread takes the starter message's id, as on Discord; one thread per message."""
    parent = fake._channel(channel)
    if parent["type"] not in TEXT_CHANNELS:
        raise error(400, 50024, "Cannot execute action on this channel type")
    starter = fake._stored(channel, message)
    if message in fake.channels:
        raise error(400, 160004, "A thread has already been created for this message")
    thread = _new_thread(fake, message, parent, request.json or {}, 11 if parent["type"] == 0 else 10)
    starter["flags"] = starter.get("flags", 0) | HAS_THREAD
    starter["thread"] = thread
    return _Answer(201, thread)


@route("POST", "/channels/{channel}/threads")
def _thread_without_message(fake: FakeDiscord, request: Request, channel: str) -> _Answer:
    parent = fake._channel(channel)
    if parent["type"] not in TEXT_CHANNELS:
        raise error(400, 50024, "Cannot execute action on this channel type")
    body = request.json or {}
    return _Answer(201, _new_thread(fake, fake.snowflake(), parent, body, body.get("type") or 12))


@route("POST", "/channels/{channel}/typing")
def _typing(fake: FakeDiscord, request: Request, channel: str) -> _Answer:
    fake._channel(channel)
    return _Answer(204)


# -- interactions ----------------------------------------------------------------------------------------------

CALLBACKS_FOR = {1: {1}, 2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}  # interaction type -> callbacks


def _interaction_for(fake: FakeDiscord, interaction_id: str, token: str) -> _Interaction:
    found = fake.interactions.get(interaction_id)
    if found is None or found.token != token:
        raise _unknown("interaction", 10062)
    return found


@route("POST", "/interactions/{interaction}/{token}/callback")
def _callback(fake: FakeDiscord, request: Request, interaction: str, token: str) -> _Answer:
    body = request.json or {}
    record = InteractionResponse(interaction, token, body.get("type"), body.get("data"), None, 0, request.files)
    fake.interaction_responses.append(record)
    try:
        answer = _respond(fake, request, interaction, token, body, record)
    except DiscordError as exc:
        record.status = exc.status
        raise
    record.status = answer.status
    return answer


def _respond(
    fake: FakeDiscord, request: Request, interaction_id: str, token: str, body: dict, record: InteractionResponse
) -> _Answer:
    found = _interaction_for(fake, interaction_id, token)
    record.elapsed = time.monotonic() - found.learned_at
    if found.acked is not None:
        raise error(400, 40060, "Interaction has already been acknowledged.")
    if record.elapsed > fake.ack_deadline:
        raise _unknown("interaction", 10062)  # the token is invalidated after 3 s without a response
    kind, data = body.get("type"), body.get("data") or {}
    form = _Form()
    if kind not in CALLBACKS_FOR.get(found.type, set()) or (kind in (6, 7) and "message" not in found.payload):
        form.add(
            ("type",), "INTERACTION_CALLBACK_TYPE_INVALID", f"Callback type {kind} is not valid for this interaction"
        )
    elif kind in (4, 7):
        _check_message(form, data, base=("data",))
    elif kind == 9:
        _check_modal(form, data)
    form.raise_if_any()
    if kind == 4:
        _require_something(data, request)
    _check_uploads(fake, request)
    payload = found.payload
    channel_id = (payload.get("channel") or {}).get("id") or payload.get("channel_id")
    resource: dict[str, Any] = {"type": kind}
    callback = {"id": found.id, "type": found.type}
    if kind in (4, 5):
        flags = (data.get("flags") or 0) | (LOADING if kind == 5 else 0)
        who = (payload.get("member") or {}).get("user") or payload.get("user")
        metadata = {"id": found.id, "type": found.type, "user": who, "authorizing_integration_owners": {}}
        metadata["authorizing_integration_owners"] = payload.get("authorizing_integration_owners", {})
        extra = {"webhook_id": fake.application_id, "application_id": fake.application_id}
        extra |= {"interaction_metadata": metadata, "type": 20 if found.type == 2 else 0, "flags": flags}
        message = _store(fake, _new_message(fake, channel_id, data if kind == 4 else {}, request, **extra))
        found.original = (channel_id, message["id"])
        callback |= {"response_message_id": message["id"], "response_message_loading": kind == 5}
        callback["response_message_ephemeral"] = bool(flags & EPHEMERAL)
        if kind == 4:
            resource["message"] = message
    elif kind in (6, 7):
        component_message = payload["message"]
        found.original = (component_message["channel_id"], component_message["id"])
        stored = fake.messages.get(found.original[0], {}).get(found.original[1])
        if kind == 7 and stored is not None:
            resource["message"] = _edit(fake, stored, data, request)
            callback["response_message_id"] = stored["id"]
    found.acked = kind
    with_response = request.query.get("with_response", "").lower() in ("1", "true")
    return _Answer(200, {"interaction": callback, "resource": resource}) if with_response else _Answer(204)


def _webhook_interaction(fake: FakeDiscord, application: str, token: str) -> _Interaction:
    """The interaction behind an application's webhook token, usable once acknowledged and for 15 minutes."""
    found = next((i for i in fake.interactions.values() if i.token == token), None)
    if application != fake.application_id or found is None or found.acked is None:
        raise _unknown("Webhook", 10015)
    if time.monotonic() - found.learned_at > fake.token_lifetime:
        raise error(401, 50027, "Invalid Webhook Token")
    return found


@route("POST", "/webhooks/{application}/{token}")
def _followup(fake: FakeDiscord, request: Request, application: str, token: str) -> _Answer:
    """A followup: a new message, or, right after a deferred response, the loading message edited (as on Discord)."""
    found = _webhook_interaction(fake, application, token)
    payload = request.json or {}
    form = _Form()
    _check_message(form, payload)
    form.raise_if_any()
    _require_something(payload, request)
    _check_uploads(fake, request)
    if found.acked == 5 and found.original:
        loading = fake.messages.get(found.original[0], {}).get(found.original[1])
        if loading is not None and loading.get("flags", 0) & LOADING:
            return _Answer(200, _edit(fake, loading, {k: v for k, v in payload.items() if k != "flags"}, request))
    channel_id = (found.payload.get("channel") or {}).get("id") or found.payload.get("channel_id")
    flags = (payload.get("flags") or 0) & (EPHEMERAL | 4 | 4096 | COMPONENTS_V2)
    extra = {"webhook_id": fake.application_id, "application_id": fake.application_id, "flags": flags}
    message = _store(fake, _new_message(fake, channel_id, payload, request, **extra))
    found.followups.append(message["id"])
    return _Answer(200, message)


def _webhook_message(fake: FakeDiscord, found: _Interaction, message: str) -> dict[str, Any]:
    if message == "@original":
        if found.original is None:
            raise _unknown("Message", 10008)
        channel_id, message_id = found.original
    else:
        channel_id = (found.payload.get("channel") or {}).get("id") or found.payload.get("channel_id")
        message_id = message
        if message not in found.followups and (found.original or (None, None))[1] != message:
            raise _unknown("Message", 10008)
    stored = fake.messages.get(channel_id, {}).get(message_id)
    if stored is None:
        raise _unknown("Message", 10008)
    return stored


@route("GET", "/webhooks/{application}/{token}/messages/{message}")
@route("GET", "/webhooks/{application}/{token}/messages/@original")
def _get_webhook_message(
    fake: FakeDiscord, request: Request, application: str, token: str, message: str = "@original"
) -> _Answer:
    return _Answer(200, _webhook_message(fake, _webhook_interaction(fake, application, token), message))


@route("PATCH", "/webhooks/{application}/{token}/messages/{message}")
@route("PATCH", "/webhooks/{application}/{token}/messages/@original")
def _edit_webhook_message(
    fake: FakeDiscord, request: Request, application: str, token: str, message: str = "@original"
) -> _Answer:
    stored = _webhook_message(fake, _webhook_interaction(fake, application, token), message)
    _check_uploads(fake, request)
    return _Answer(200, _edit(fake, stored, request.json or {}, request))


@route("DELETE", "/webhooks/{application}/{token}/messages/{message}")
@route("DELETE", "/webhooks/{application}/{token}/messages/@original")
def _delete_webhook_message(
    fake: FakeDiscord, request: Request, application: str, token: str, message: str = "@original"
) -> _Answer:
    stored = _webhook_message(fake, _webhook_interaction(fake, application, token), message)
    del fake.messages[stored["channel_id"]][stored["id"]]
    return _Answer(204)


# -- application commands --------------------------------------------------------------------------------------


def _commands_scope(fake: FakeDiscord, application: str, guild: str | None) -> str:
    if application != fake.application_id:
        raise error(403, 50001, "Missing Access")
    if guild is not None and guild not in fake.guilds:
        raise error(403, 50001, "Missing Access")  # the app is not in that guild (or lacks applications.commands)
    return guild or "global"


@route("GET", "/applications/{application}/commands")
@route("GET", "/applications/{application}/guilds/{guild}/commands")
def _get_commands(fake: FakeDiscord, request: Request, application: str, guild: str | None = None) -> _Answer:
    return _Answer(200, fake.commands.get(_commands_scope(fake, application, guild), []))


@route("PUT", "/applications/{application}/commands")
@route("PUT", "/applications/{application}/guilds/{guild}/commands")
def _put_commands(fake: FakeDiscord, request: Request, application: str, guild: str | None = None) -> _Answer:
    """Bulk overwrite: commands keep their id when their (type, name) survives, as Discord keeps them."""
    scope = _commands_scope(fake, application, guild)
    form = _Form()
    _check_commands(form, request.json)
    form.raise_if_any()
    before = {(c["type"], c["name"]): c["id"] for c in fake.commands.get(scope, [])}
    saved = []
    for sent in request.json:
        kind = sent.get("type", 1)
        command = {"id": before.get((kind, sent["name"])) or fake.snowflake(), "application_id": application}
        command |= {"version": fake.snowflake(), "type": kind, "name": sent["name"], "nsfw": False}
        command |= {"description": sent.get("description") or "", "name_localizations": None}
        command |= {"description_localizations": None}
        command["default_member_permissions"] = sent.get("default_member_permissions")
        command |= {"contexts": sent.get("contexts"), "integration_types": sent.get("integration_types") or [0]}
        if sent.get("options"):
            command["options"] = sent["options"]
        if guild is not None:
            command["guild_id"] = guild
        saved.append(command)
    fake.commands[scope] = saved
    return _Answer(200, saved)


# -- the server ------------------------------------------------------------------------------------------------


def _parse_body(content_type: str, body: bytes) -> tuple[Any, list[Upload]]:
    """The JSON of a request and its file parts: `application/json`, or `multipart/form-data` with `payload_json`."""
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        parsed = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        payload, files = None, []
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(Upload(str(name), part.get_filename(), part.get_content_type(), data))
        return payload, files
    if body and "json" in content_type:
        return json.loads(body), []
    return None, []


@contextmanager
def fake_discord_server(
    token: str = BOT_TOKEN, *, bot_id: str = BOT_ID, bot_name: str = BOT_NAME, application_id: str = APPLICATION_ID
) -> Iterator[FakeDiscord]:
    """Serve a fake Discord on 127.0.0.1; `fake.url` is the REST base for `discord.http.Route.BASE`."""
    bot = {"id": bot_id, "username": bot_name, "discriminator": "0", "global_name": None, "avatar": None}
    fake = FakeDiscord(
        token=token, bot=bot | {"bot": True, "flags": 0, "public_flags": 0}, application_id=application_id
    )
    fake.users[bot_id] = fake.bot

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: aiohttp reuses connections

        def _any(self) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not parts.path.startswith(API_PREFIX + "/"):
                self._send(_Answer(404, {"code": 0, "message": "404: Not Found"}))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                payload, files = _parse_body(headers.get("content-type", ""), body)
            except ValueError:
                self._send(_Answer(400, {"code": 50109, "message": "The request body contains invalid JSON."}))
                return
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            path = unquote(parts.path).removeprefix(API_PREFIX)  # discord.py percent-encodes tokens in paths
            request = Request(self.command, path, query, headers, payload, files)
            self._send(fake.handle(request))

        def _send(self, answer: _Answer) -> None:
            payload = b"" if answer.status == 204 or answer.body is None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            if payload:
                self.send_header("Content-Type", "application/json")  # discord.py compares it exactly
            self.send_header("Via", "1.1 google")  # discord.py retries a 429 only with Via (else: a Cloudflare ban)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any  # noqa: N815 (http.server's naming)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}{API_PREFIX}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
