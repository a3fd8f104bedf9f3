"""The fake Graph API's listening edges: a Page's feed with comments, an IG user's media with comments, and tags.

`with_mentions(meta_api())` adds, for every served version, GET `/{version}/{page}/feed`, `/{version}/{ig}/media`
and `/{version}/{ig}/tags`, answering from state (other requests go to `meta_api`'s own handler):
  page_feed  feed posts: {id, message, created_time, from, permalink_url, comments: [comment, ...]}
  ig_media   the IG user's media: {id, permalink, timestamp, comments: [comment, ...]}
  ig_tags    media the IG user is tagged in: {id, caption, timestamp, username, permalink}
Lists are kept newest first, as Graph answers. `fields` is checked like Graph: an unknown field is error 100, and
nested `comments` honour `.limit(n)`, `.order(reverse_chronological)` and their `{sub,fields}`.
"""

from __future__ import annotations

import re
from typing import Any

from fake_platforms.meta_api import _token_access, _unsupported, graph_error
from fake_platforms.server import FakeApi, Request, Response

EDGES: dict[str, tuple[str, str, set[str], set[str]]] = {  # edge: (owner kind, state key, fields, comment fields)
    "feed": ("pages", "page_feed", {"id", "message", "created_time", "from", "permalink_url", "comments"},
             {"id", "message", "created_time", "from", "parent", "permalink_url"}),
    "media": ("ig_users", "ig_media", {"id", "permalink", "timestamp", "caption", "comments"},
              {"id", "text", "timestamp", "username", "from", "parent_id"}),
    "tags": ("ig_users", "ig_tags", {"id", "caption", "timestamp", "username", "permalink", "media_type"}, set()),
}  # fmt: skip
NODE_TYPES = {"feed": ("Post", "Comment"), "media": ("IGMedia", "IGComment"), "tags": ("IGMedia", "IGComment")}
_NESTED = re.compile(r"(?P<name>\w+)(?P<modifiers>(?:\.\w+\([^()]*\))*)(?:\{(?P<sub>[^{}]*)\})?")


def with_mentions(api: FakeApi) -> FakeApi:
    """`api` (a `meta_api()`) with the listening edges and empty listening state."""
    fallback = next(handler for method, prefix, handler in api.routes if method == "GET" and prefix == "/")
    api.state.update(page_feed=[], ig_media=[], ig_tags=[])

    def get(request: Request, fake: FakeApi) -> Response:
        parts = request.path.strip("/").split("/")
        if len(parts) != 3 or parts[2] not in EDGES:
            return fallback(request, fake)
        return _edge(request, fake, parts[1], parts[2])

    for version in api.state["active_versions"]:
        api.route("GET", f"/{version}/", get)
    return api


def _edge(request: Request, api: FakeApi, node: str, edge: str) -> Response:
    allowed = _token_access(request, api)
    if isinstance(allowed, Response):
        return allowed
    owner_kind, key, known, comment_fields = EDGES[edge]
    if node not in api.state[owner_kind] or node not in allowed:
        return _unsupported("get", node)
    query = {name: values[-1] for name, values in request.query.items()}
    limit = query.get("limit", "25")
    if not limit.isdigit() or int(limit) < 1:
        return graph_error(100, f"(#100) param limit must be a positive number, not {limit}")
    wanted: dict[str, tuple[str, list[str]]] = {}
    for field in _split(query.get("fields", "id")):
        match = _NESTED.fullmatch(field)
        name = match.group("name") if match else field
        if not match or name not in known:
            return graph_error(
                100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({NODE_TYPES[edge][0]})"
            )
        sub = [s for s in (match.group("sub") or "id").split(",") if s]
        unknown = next((s for s in sub if s not in comment_fields), None)
        if name == "comments" and unknown:
            return graph_error(
                100, f"(#100) Tried accessing nonexisting field ({unknown}) on node type ({NODE_TYPES[edge][1]})"
            )
        wanted[name] = (match.group("modifiers") or "", sub)
    items = api.state[key][: int(limit)]
    data = [_pick(item, wanted) for item in items]
    return Response(200, {"data": data, "paging": {"cursors": {"before": "QVFIUb4", "after": "QVFIUa9"}}})


def _split(fields: str) -> list[str]:
    """A `fields` value split at its top-level commas (inside `(...)` and `{...}` they belong to the field)."""
    parts, depth, current = [], 0, ""
    for char in fields:
        depth += {"(": 1, "{": 1, ")": -1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p]


def _pick(item: dict[str, Any], wanted: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    picked: dict[str, Any] = {"id": item["id"]}
    for name, (modifiers, sub) in wanted.items():
        if name == "comments":
            comments = list(item.get("comments", []))
            if ".order(reverse_chronological)" not in modifiers:
                comments.reverse()  # Graph lists comments oldest first unless asked otherwise
            limit = re.search(r"\.limit\((\d+)\)", modifiers)
            comments = comments[: int(limit.group(1))] if limit else comments[:25]
            picked["comments"] = {"data": [{k: c[k] for k in ["id", *sub] if k in c} for c in comments]}
        elif name in item:
            picked[name] = item[name]
    return picked
