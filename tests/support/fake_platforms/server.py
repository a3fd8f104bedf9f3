"""A loopback HTTP server base for fake platform APIs: it records every request and lets tests script failures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    raw_query: str = ""  # the query string as sent, before percent-decoding (Rest.li 2.0 checks need it)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """The body parsed as `application/x-www-form-urlencoded` (last value wins)."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    """What a route answers: status, JSON (or raw bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


Handler = Callable[[Request, "FakeApi"], Response]


@dataclass
class FakeApi:
    """A fake platform API: routes `(METHOD, path prefix)` -> handler; records requests; scripted failures.

    `fail_next(method, prefix, Response(...))` answers the next matching request with that response instead
    of the route (for 429s, 5xx and error shapes). `drop_next(...)` closes the connection without answering.
    """

    url: str = ""
    requests: list[Request] = field(default_factory=list)
    routes: list[tuple[str, str, Handler]] = field(default_factory=list)
    scripted: list[tuple[str, str, Response | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    state: dict[str, Any] = field(default_factory=dict)  # free-form state for the platform's handlers

    def route(self, method: str, prefix: str, handler: Handler) -> None:
        """Answer requests whose path starts with `prefix` (longest prefix wins)."""
        self.routes.append((method, prefix, handler))
        self.routes.sort(key=lambda r: -len(r[1]))

    def fail_next(self, method: str, prefix: str, response: Response) -> None:
        """Answer the next `method` request under `prefix` with `response`."""
        with self.lock:
            self.scripted.append((method, prefix, response))

    def drop_next(self, method: str, prefix: str) -> None:
        """Close the connection of the next `method` request under `prefix` without an answer."""
        with self.lock:
            self.scripted.append((method, prefix, None))

    def of(self, method: str, prefix: str) -> list[Request]:
        """Recorded requests of `method` whose path starts with `prefix`."""
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def wait_for(self, method: str, prefix: str, count: int = 1, timeout: float = 30.0) -> list[Request]:
        """Wait until at least `count` matching requests arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of(method, prefix)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        raise AssertionError(f"expected {count} {method} {prefix} request(s), got {len(self.of(method, prefix))}")

    def handle(self, request: Request) -> Response | None:
        """The answer to one request (None: drop the connection)."""
        with self.lock:
            self.requests.append(request)
            for i, (method, prefix, response) in enumerate(self.scripted):
                if method == request.method and request.path.startswith(prefix):
                    del self.scripted[i]
                    return response
        for method, prefix, handler in self.routes:
            if method == request.method and request.path.startswith(prefix):
                return handler(request, self)
        return Response(404, {"error": f"no route for {request.method} {request.path}"})


def bearer_token(request: Request) -> str:
    """The token of the request's `Authorization: Bearer` header ("" without one)."""
    header = request.headers.get("authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""


MEDIA_TYPES = {".mp4": "video/mp4", ".jpg": "image/jpeg", ".png": "image/png"}


def media_files(request: Request, api: FakeApi) -> Response:
    """A public media host's GET handler: the bytes in `api.state["files"]` at the request's path, else 404."""
    data = api.state["files"].get(request.path)
    if data is None:
        return Response(404, raw=b"not found", headers={"content-type": "text/plain"})
    kind = next((k for suffix, k in MEDIA_TYPES.items() if request.path.endswith(suffix)), "application/octet-stream")
    return Response(200, raw=data, headers={"content-type": kind})


def file_host(raw: bytes, content_type: str) -> FakeApi:
    """A fake public media host (a CDN) that answers every GET with the same file."""
    host = FakeApi()
    host.route("GET", "/", lambda request, fake: Response(200, raw=raw, headers={"content-type": content_type}))
    return host


@contextmanager
def serve(api: FakeApi) -> Iterator[FakeApi]:
    """Run `api` on a loopback port for the block; `api.url` is its base URL."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                raw_query=parts.query,
            )
            answer = api.handle(request)
            if answer is None:
                self.close_connection = True
                self.connection.close()
                return
            payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            if answer.raw is None:
                self.send_header("content-type", "application/json")
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
