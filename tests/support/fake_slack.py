"""A local fake of the Slack Web API: a real HTTP server on loopback that checks and records every call."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_TOKEN = "xoxb-test-1-2"
APP_TOKEN = "xapp-test-1-2"
BOT_USER = "U0BOT"
TEAM = "T1"
CLIENT_ID = "1111111111.2222222222"  # the app's OAuth credentials, as multi-workspace installs use them
CLIENT_SECRET = "0123456789abcdef0123456789abcdef"
REQUIRED = {  # method: arguments Slack rejects the call without
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "chat.postEphemeral": ("channel", "user"),
    "views.open": ("trigger_id", "view"),
    "conversations.history": ("channel",),
    "usergroups.users.list": ("usergroup",),
    "chat.startStream": ("channel", "thread_ts"),
    "chat.appendStream": ("channel", "ts", "markdown_text"),
    "chat.stopStream": ("channel", "ts"),
    "chat.delete": ("channel", "ts"),
    "assistant.threads.setStatus": ("channel_id", "thread_ts", "status"),
    "assistant.threads.setSuggestedPrompts": ("channel_id", "thread_ts", "prompts"),
    "assistant.threads.setTitle": ("channel_id", "thread_ts", "title"),
    "oauth.v2.access": ("client_id", "client_secret", "code"),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
}


@dataclass
class Call:
    """One Web API call as the fake received it."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class FakeSlack:
    """The server's address and what it has seen."""

    url: str
    calls: list[Call] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)  # ts -> the message as last posted
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_ts: int = 1
    failures: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # method -> [(status, retry_after)]
    refusals: dict[str, list[str]] = field(default_factory=dict)  # method -> [Slack error code]
    groups: dict[str, list[str]] = field(default_factory=dict)  # user-group id -> member ids
    socket_url: str = ""  # what apps.connections.open hands out (a local websocket server in tests)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # OAuth code -> oauth.v2.access answer (once)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # installed bot token -> its auth.test answer
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # file id -> filename, length, bytes once sent
    files: list[dict[str, Any]] = field(default_factory=list)  # completed uploads: id, title, bytes, channel, thread

    def offer_install(self, code: str, *, team: str, token: str, bot_user: str, user: str = "U0ADMIN") -> None:
        """Let `code` be exchanged once (oauth.v2.access) for a bot token of `team`, as if `user` installed the app."""
        answer = {"ok": True, "access_token": token, "token_type": "bot", "scope": "chat:write,commands"}
        answer |= {"bot_user_id": bot_user, "app_id": "A1", "team": {"id": team, "name": f"Team {team}"}}
        answer |= {"enterprise": None, "is_enterprise_install": False, "authed_user": {"id": user}}
        with self.lock:
            self.codes[code] = answer
            self.tokens[token] = {"ok": True, "user_id": bot_user, "bot_id": f"B{team}", "team_id": team}

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next call of `method` with an HTTP error (429 carries Retry-After)."""
        with self.lock:
            self.failures.setdefault(method, []).append((status, retry_after))

    def refuse_next(self, method: str, error: str) -> None:
        """Answer the next call of `method` with Slack's `{"ok": false, "error": error}` (HTTP 200)."""
        with self.lock:
            self.refusals.setdefault(method, []).append(error)

    def _refusal(self, method: str) -> str | None:
        with self.lock:
            queued = self.refusals.get(method) or []
            return queued.pop(0) if queued else None

    def _failure(self, method: str) -> tuple[int, int] | None:
        with self.lock:
            queued = self.failures.get(method) or []
            return queued.pop(0) if queued else None

    def of(self, method: str) -> list[Call]:
        """Calls of one method, in order."""
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """Wait until `count` calls of `method` arrived (the app works off the request path)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s), got {[c.method for c in self.calls]}")


def _answer(fake: FakeSlack, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
    if method == "apps.connections.open":  # the one call made with the app-level token
        ok = token == APP_TOKEN and fake.socket_url
        return {"ok": True, "url": fake.socket_url} if ok else {"ok": False, "error": "invalid_auth"}
    missing = [name for name in REQUIRED.get(method, ()) if not args.get(name)]
    if method == "oauth.v2.access":  # made with the app's client ID and secret (HTTP Basic), not a token
        return _exchange(fake, args, missing)
    if token != BOT_TOKEN and token not in fake.tokens:
        return {"ok": False, "error": "invalid_auth"}
    if missing:
        return {"ok": False, "error": "invalid_arguments", "missing": missing}
    if method == "auth.test" and token in fake.tokens:
        return fake.tokens[str(token)]
    if method == "auth.test":
        return {"ok": True, "user_id": BOT_USER, "bot_id": "B0BOT", "team_id": TEAM, "team": "Test", "url": fake.url}
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        if not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text"}
        with fake.lock:
            ts = args.get("ts") or f"1800000000.{fake.next_ts:06d}"
            fake.next_ts += 1
            if method != "chat.postEphemeral":
                fake.messages[ts] = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks") or []}
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": {"text": args.get("text")}}
    if method.endswith("Stream") or method == "chat.delete":
        return _stream(fake, method, args)
    if method.startswith("files."):
        return _files(fake, method, args)
    if method == "usergroups.users.list":
        members = fake.groups.get(str(args["usergroup"]))
        return {"ok": True, "users": members} if members is not None else {"ok": False, "error": "no_such_subteam"}
    if method == "views.open":
        view = json.loads(args["view"]) if isinstance(args["view"], str) else args["view"]
        return {"ok": True, "view": {**view, "id": "V1"}}
    if method == "conversations.history":
        with fake.lock:
            found = fake.messages.get(str(args.get("latest")))
        return {"ok": True, "messages": [found] if found else [], "has_more": False}
    if method == "assistant.threads.setSuggestedPrompts":
        return {"ok": True} if _prompts_valid(args["prompts"]) else {"ok": False, "error": "invalid_arguments"}
    if method in ("assistant.threads.setStatus", "assistant.threads.setTitle"):
        return {"ok": True}
    return {"ok": False, "error": "unknown_method"}


def _prompts_valid(prompts: Any) -> bool:
    """Suggested prompts as Slack takes them: one to four, each with a non-empty `title` and `message`."""
    if isinstance(prompts, str):  # form-encoded calls carry JSON text
        try:
            prompts = json.loads(prompts)
        except ValueError:
            return False
    return (
        isinstance(prompts, list)
        and 1 <= len(prompts) <= 4
        and all(isinstance(p, dict) and p.get("title") and p.get("message") for p in prompts)
    )


def _exchange(fake: FakeSlack, args: dict[str, Any], missing: list[str]) -> dict[str, Any]:
    """oauth.v2.access: the app's credentials and a code offered by `offer_install`, each code once."""
    if missing:
        return {"ok": False, "error": "invalid_arguments", "missing": missing}
    if args["client_id"] != CLIENT_ID:
        return {"ok": False, "error": "invalid_client_id"}
    if args["client_secret"] != CLIENT_SECRET:
        return {"ok": False, "error": "bad_client_secret"}
    with fake.lock:
        answer = fake.codes.pop(str(args["code"]), None)
    return answer or {"ok": False, "error": "invalid_code"}


def _files(fake: FakeSlack, method: str, args: dict[str, Any]) -> dict[str, Any]:
    """files.getUploadURLExternal and files.completeUploadExternal, with the upload in between checked."""
    with fake.lock:
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(fake.uploads) + 1:08d}"
            fake.uploads[file_id] = {"filename": args["filename"], "length": int(args["length"]), "data": None}
            base = fake.url.removesuffix("/api/")
            return {"ok": True, "upload_url": f"{base}/upload/v1/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            done = []
            for item in json.loads(args["files"]):
                upload = fake.uploads.get(item.get("id"))
                if upload is None or upload["data"] is None:
                    return {"ok": False, "error": "file_not_found"}
                entry = {**upload, "id": item["id"], "title": item.get("title"), "channel": args.get("channel_id")}
                entry |= {"thread_ts": args.get("thread_ts"), "initial_comment": args.get("initial_comment")}
                done.append(entry)
            fake.files += done
            return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in done]}
    return {"ok": False, "error": "unknown_method"}


def _stream(fake: FakeSlack, method: str, args: dict[str, Any]) -> dict[str, Any]:
    """chat.startStream / appendStream / stopStream as Slack documents them, and chat.delete."""
    with fake.lock:
        if method == "chat.startStream":
            in_channel = not str(args["channel"]).startswith("D")
            if in_channel and not (args.get("recipient_user_id") and args.get("recipient_team_id")):
                return {"ok": False, "error": "missing_recipient_user_id"}  # required outside DMs
            ts = f"1800000000.{fake.next_ts:06d}"
            fake.next_ts += 1
            fake.messages[ts] = {"ts": ts, "text": args.get("markdown_text") or "", "blocks": [], "streaming": True}
            return {"ok": True, "channel": args["channel"], "ts": ts}
        message = fake.messages.get(str(args["ts"]))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.delete":
            del fake.messages[str(args["ts"])]
            return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
        if not message.get("streaming"):
            return {"ok": False, "error": "message_not_in_streaming_state"}
        message["text"] += str(args.get("markdown_text") or "")
        if method == "chat.stopStream":
            message["streaming"] = False
        return {"ok": True, "channel": args["channel"], "ts": args["ts"]}


@contextmanager
def fake_slack_server() -> Iterator[FakeSlack]:
    """Serve the fake on 127.0.0.1 at a free port; its `url` is the SLACK_API_URL to use."""
    fake = FakeSlack(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Slack's API: clients reuse connections

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self.do_POST()

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            path, _, query = self.path.partition("?")
            method = path.rstrip("/").rsplit("/", 1)[-1]
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path.startswith("/upload/v1/"):  # the upload URL files.getUploadURLExternal handed out
                self._upload(method, data)
                return
            raw = data.decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(raw or "{}")
            else:
                args = {k: v[0] for k, v in parse_qs(raw).items()}
            args |= {k: v[0] for k, v in parse_qs(query).items()}
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
            if auth.startswith("Basic "):  # the app's client ID and secret (oauth.v2.access)
                client_id, _, client_secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
                args |= {"client_id": client_id, "client_secret": client_secret}
            with fake.lock:
                fake.calls.append(Call(method, args, token))
            failure = fake._failure(method)
            if failure:
                status, retry_after = failure
                self.send_response(status)
                self.send_header("Retry-After", str(retry_after))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            refusal = fake._refusal(method)
            answer = {"ok": False, "error": refusal} if refusal else _answer(fake, method, args, token)
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _upload(self, file_id: str, data: bytes) -> None:
            with fake.lock:
                upload = fake.uploads.get(file_id)
                ok = upload is not None and upload["length"] == len(data)
                if ok:
                    upload["data"] = data
            body = f"OK - {len(data)}".encode() if ok else b"bad upload"
            self.send_response(200 if ok else 400)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
