"""A fake Meta Graph API: Page posts, Instagram publishing, comment replies and the Send API, with Graph's errors.

State (all in `api.state`, change it in tests):
  active_versions  versions served; any other `/{version}/...` gets the deprecated-version error (code 2635)
  tokens           token -> ids it may act for (Page id, IG user id); others get code 190
  pages / ig_users id -> name / username
  video_polls      status reads a video container answers IN_PROGRESS before it is FINISHED
  broken_urls      media URLs whose containers end in status ERROR
  containers, posts, media   what the fake created, for assertions
  insights         post or media id -> {metric or "comments"/"shares": value} replacing the defaults below
  comments         comment id -> {platform, owner (Page or IG user id), on (post or media id), parent, text,
                   hidden}; `add_comment` seeds one, POST /{post-or-comment}/comments and /{ig-comment}/replies add
  messengers       person id (PSID or IGSID) -> {platform, page (whose Send API reaches them), in_window}: who
                   wrote to the Page or its Instagram account; `in_window` False is past the 24-hour window
  messages         message id -> what the Send API sent (POST /{page-id}/messages, or /me/messages with a Page token)
Reading many nodes at once (GET /{version}/?ids=a,b&fields=...) answers each node's fields, including
`insights.metric(...)`, `comments.summary(true)` and `shares` on Page posts.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from fake_platforms.server import FakeApi, Request, Response

VERSION = "v23.0"
PAGE_ID = "104200000000001"
PAGE_NAME = "Acme Coffee"
IG_USER_ID = "17841400000000001"
IG_USERNAME = "acmecoffee"
TOKEN = "EAAGpagetoken"
DOCS = "Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
MAX_IDS = 50
# Lifetime insights a Page post or an Instagram media object has unless a test sets `api.state["insights"][id]`.
POST_INSIGHTS: dict[str, Any] = {
    "post_media_view": 1840,
    "post_total_media_view_unique": 1210,
    "post_clicks": 73,
    "post_reactions_by_type_total": {"like": 41, "love": 9, "wow": 2},
    "post_video_views": 0,
}
POST_COUNTS = {"comments": 6, "shares": 3}
MEDIA_INSIGHTS: dict[str, Any] = {
    "reach": 950,
    "likes": 88,
    "comments": 7,
    "shares": 5,
    "saved": 12,
    "total_interactions": 112,
    "views": 2300,
}


def meta_api(*, video_polls: int = 2) -> FakeApi:
    """A fake Graph API with one Page and its linked Instagram account, both reachable with `TOKEN`."""
    api = FakeApi()
    api.state.update(
        active_versions={VERSION, "v24.0"},
        tokens={TOKEN: {PAGE_ID, IG_USER_ID}},
        pages={PAGE_ID: PAGE_NAME},
        ig_users={IG_USER_ID: IG_USERNAME},
        video_polls=video_polls,
        broken_urls=set(),
        containers={},
        posts={},
        media={},
        ids=itertools.count(1),
        insights={},
        comments={},
        messengers={},
        messages={},
    )
    api.route("GET", "/", _get)
    api.route("POST", "/", _post)
    return api


def graph_error(
    code: int,
    message: str,
    *,
    status: int = 400,
    subcode: int | None = None,
    kind: str = "OAuthException",
    transient: bool | None = None,
    user_title: str | None = None,
    user_msg: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A Graph API error answer: {"error": {message, type, code, error_subcode, is_transient, ..., fbtrace_id}}."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient is not None:
        error["is_transient"] = transient
    if user_title is not None:
        error["error_user_title"] = user_title
    if user_msg is not None:
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = "AbCdEfGhIjKlMnOpQrStUvW"
    return Response(status, {"error": error}, headers=dict(headers or {}))


def _get(request: Request, api: FakeApi) -> Response:
    if request.path.strip("/").count("/") == 0 and "ids" in request.query:
        return _read_many(request, api)
    checked = _check(request, api)
    if isinstance(checked, Response):
        return checked
    node, edge, _ = checked
    fields = [f for f in _params(request).get("fields", "").split(",") if f]
    if edge:
        return _unknown_path(f"/{node}/{edge}")
    record = _node(api, node)
    if record is None:
        return _unsupported("get", node)
    if node in api.state["containers"]:
        _advance(record)
    if not fields:
        fields = ["id"]
    return Response(200, {name: record[name] for name in [*fields, "id"] if name in record})


def add_comment(
    api: FakeApi, platform: str, on: str, text: str, *, parent: str | None = None, hidden: bool = False
) -> str:
    """Seed a person's comment on a Page post (`platform` "facebook") or IG media ("instagram"); its Graph id.

    A Facebook comment's id is `{post part}_{number}`, an Instagram comment's a number, as Graph gives them.
    """
    if platform == "facebook":
        owner = on.split("_", 1)[0]
        api.state["posts"].setdefault(on, {"id": on, "message": ""})
        comment_id = f"{on.rsplit('_', 1)[-1]}_{_next(api, 124000000000000)}"
    else:
        owner = IG_USER_ID
        api.state["media"].setdefault(
            on, {"id": on, "owner": owner, "permalink": f"https://www.instagram.com/p/C{on[-6:]}/"}
        )
        comment_id = _next(api, 17860000000000000)
    record = {"platform": platform, "owner": owner, "on": on, "parent": parent, "text": text, "hidden": hidden}
    api.state["comments"][comment_id] = {"id": comment_id, **record}
    return comment_id


def _post(request: Request, api: FakeApi) -> Response:
    checked = _check(request, api)
    if isinstance(checked, Response):
        return checked
    node, edge, params = checked
    handler = {
        "feed": _feed,
        "photos": _photos,
        "media": _media,
        "media_publish": _media_publish,
        "comments": _comment,
        "replies": _reply,
        "messages": _message,
    }.get(edge)
    if handler is None:
        return _unknown_path(f"/{node}/{edge}")
    if edge not in _edges(api, node):
        return _unsupported("post", node)
    return handler(api, node, params)


def _edges(api: FakeApi, node: str) -> set[str]:
    """The edges a node takes POSTs on."""
    if node in api.state["pages"]:
        return {"feed", "photos", "messages"}
    if node in api.state["ig_users"]:
        return {"media", "media_publish"}
    if node in api.state["posts"]:
        return {"comments"}
    comment = api.state["comments"].get(node)
    if comment is not None:
        return {"comments"} if comment["platform"] == "facebook" else {"replies"}
    return set()


def _check(request: Request, api: FakeApi) -> Response | tuple[str, str, dict[str, str]]:
    """Version, token and object access, in the order Graph applies them; an error Response or (node, edge, params).

    `me` is whom the token stands for: with a Page token, the Page.
    """
    parts = request.path.strip("/").split("/")
    _, node, edge = (parts + ["", "", ""])[:3]
    allowed = _token_access(request, api)
    if isinstance(allowed, Response):
        return allowed
    if node == "me":
        node = next((p for p in sorted(allowed) if p in api.state["pages"]), "me")
    owner = _owner(api, node)
    if owner is None or owner not in allowed:
        return _unsupported("post" if request.method == "POST" else "get", node)
    return node, edge, _params(request)


def _token_access(request: Request, api: FakeApi) -> Response | set[str]:
    """The version and the token checks: an error Response, or the ids the token may act for."""
    version = request.path.strip("/").split("/")[0]
    if version not in api.state["active_versions"]:
        latest = max(api.state["active_versions"], key=lambda v: tuple(int(n) for n in v[1:].split(".")))
        return graph_error(
            2635,
            f"(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: "
            f"{latest}.",
        )
    params = _params(request)
    auth = request.headers.get("authorization", "")
    token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.get("access_token", "")
    if not token:
        return graph_error(104, "An access token is required to request this resource.")
    if token not in api.state["tokens"]:
        return graph_error(
            190,
            "Invalid OAuth access token - Cannot parse access token",
            headers={"WWW-Authenticate": 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"'},
        )
    return set(api.state["tokens"][token])


def _read_many(request: Request, api: FakeApi) -> Response:
    """GET /{version}/?ids=a,b&fields=...: every id must be a node the token reaches, else the whole read fails."""
    allowed = _token_access(request, api)
    if isinstance(allowed, Response):
        return allowed
    params = _params(request)
    ids = [i for i in params.get("ids", "").split(",") if i]
    if not ids:
        return graph_error(100, "(#100) The parameter ids is required")
    if len(ids) > MAX_IDS:
        return graph_error(100, f"(#100) Too many IDs. Maximum: {MAX_IDS}. Provided: {len(ids)}.")
    missing = [i for i in ids if _reader_owner(api, i) not in allowed]
    if missing:
        return graph_error(100, f"(#100) Some of the aliases you requested do not exist: {','.join(missing)}")
    answer: dict[str, Any] = {}
    for node in ids:
        read = _node_fields(api, node, _split_fields(params.get("fields", "")))
        if isinstance(read, Response):
            return read
        answer[node] = read
    return Response(200, answer)


def _reader_owner(api: FakeApi, node: str) -> str | None:
    """Who owns a Page post ({page}_{post}) or an Instagram media object, for reads by id."""
    if node in api.state["posts"]:
        return node.split("_", 1)[0]
    media = api.state["media"].get(node)
    return media["owner"] if media else None


def _split_fields(fields: str) -> list[str]:
    """A `fields` value split at its top-level commas (nested modifiers such as `.metric(a,b)` stay whole)."""
    parts, depth, current = [], 0, ""
    for char in fields:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in [*parts, current] if p]


def _node_fields(api: FakeApi, node: str, fields: list[str]) -> dict[str, Any] | Response:
    is_post = node in api.state["posts"]
    known = POST_INSIGHTS if is_post else MEDIA_INSIGHTS
    seeded = {**(POST_COUNTS if is_post else {}), **known, **api.state["insights"].get(node, {})}
    answer: dict[str, Any] = {"id": node}
    for field in fields:
        name, _, modifiers = field.partition(".")
        if name == "insights":
            match = re.fullmatch(r"metric\(([^()]*)\)", modifiers)
            metrics = [m for m in (match.group(1).split(",") if match else []) if m]
            if not metrics:
                return graph_error(100, "(#100) The value must be a valid insights metric", subcode=1504028)
            unknown = next((m for m in metrics if m not in known), None)
            if unknown is not None:
                if is_post:
                    return graph_error(100, "(#100) The value must be a valid insights metric")
                return graph_error(100, f"(#100) metric[0] must be one of the following values: {', '.join(known)}")
            answer["insights"] = {"data": [_metric(node, m, seeded[m]) for m in metrics]}
        elif name == "comments" and is_post:
            summary = {"order": "ranked", "total_count": seeded["comments"], "can_comment": True}
            answer["comments"] = {"data": [], "summary": summary} if "summary(true)" in modifiers else {"data": []}
        elif name == "shares" and is_post:
            if seeded["shares"]:
                answer["shares"] = {"count": seeded["shares"]}
        elif name != "id":
            kind = "Post" if is_post else "IGMedia"
            return graph_error(100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({kind})")
    return answer


def _metric(node: str, name: str, value: Any) -> dict[str, Any]:
    return {
        "name": name,
        "period": "lifetime",
        "values": [{"value": value}],
        "title": name.replace("_", " ").title(),
        "description": f"Lifetime: {name}",
        "id": f"{node}/insights/{name}/lifetime",
    }


def _feed(api: FakeApi, page: str, params: dict[str, str]) -> Response:
    if not params.get("message") and not params.get("link"):
        return graph_error(100, "(#100) Missing message or attachment")
    post_id = f"{page}_{_next(api, 122000000000000)}"
    api.state["posts"][post_id] = {"id": post_id, "message": params.get("message", ""), "link": params.get("link")}
    return Response(200, {"id": post_id})


def _photos(api: FakeApi, page: str, params: dict[str, str]) -> Response:
    if not params.get("url"):
        return graph_error(324, "(#324) Requires upload file")
    photo_id = _next(api, 123000000000000)
    post_id = f"{page}_{_next(api, 122000000000000)}"
    api.state["posts"][post_id] = {"id": post_id, "photo": photo_id, "url": params["url"], **_pick(params, "caption")}
    return Response(200, {"id": photo_id, "post_id": post_id})


def _media(api: FakeApi, user: str, params: dict[str, str]) -> Response:
    media_type = params.get("media_type", "IMAGE" if "image_url" in params else "")
    carousel_item = params.get("is_carousel_item") == "true"
    container: dict[str, Any] = {"owner": user, "media_type": media_type, "carousel_item": carousel_item}
    if media_type == "IMAGE" and params.get("image_url"):
        container |= {"url": params["image_url"], "polls_left": 0, **_pick(params, "caption", "alt_text")}
    elif media_type in ("REELS", "VIDEO") and params.get("video_url"):
        if media_type == "VIDEO" and not carousel_item:  # feed videos are Reels now; wording approximated
            return graph_error(100, "(#100) The parameter media_type must be REELS or STORIES for a single video.")
        container |= {"url": params["video_url"], "polls_left": api.state["video_polls"], **_pick(params, "caption")}
    elif media_type == "CAROUSEL":
        children = [c for c in params.get("children", "").split(",") if c]
        for child in children:
            found = api.state["containers"].get(child)
            if found is None or found["owner"] != user or not found["carousel_item"]:
                return _not_available(child)
            if found["status_code"] != "FINISHED":
                return _not_ready()
        container |= {"children": children, "polls_left": 0, **_pick(params, "caption")}
    else:
        return graph_error(100, "(#100) The parameter image_url is required.")
    container_id = _next(api, 17900000000000000)
    broken = container.get("url") in api.state["broken_urls"]
    container |= {"id": container_id, "status_code": "IN_PROGRESS", "status": "In Progress", "broken": broken}
    api.state["containers"][container_id] = container
    if container["polls_left"] == 0:
        _advance(container)
    return Response(200, {"id": container_id})


def _media_publish(api: FakeApi, user: str, params: dict[str, str]) -> Response:
    creation_id = params.get("creation_id", "")
    if not creation_id:
        return graph_error(100, "(#100) The parameter creation_id is required.")
    container = api.state["containers"].get(creation_id)
    if container is None or container["owner"] != user or container["carousel_item"]:
        return _not_available(creation_id)
    if container["status_code"] != "FINISHED":  # IN_PROGRESS, ERROR, EXPIRED or already PUBLISHED
        return _not_ready()
    media_id = _next(api, 17950000000000000)
    container |= {"status_code": "PUBLISHED", "status": "Published", "media_id": media_id}
    permalink = f"https://www.instagram.com/p/C{media_id[-6:]}/"
    api.state["media"][media_id] = {"id": media_id, "owner": user, "permalink": permalink, "container": creation_id}
    return Response(200, {"id": media_id})


def _comment(api: FakeApi, target: str, params: dict[str, str]) -> Response:
    """POST /{post-or-comment-id}/comments: the Page comments on a post, or replies to a comment."""
    if not params.get("message") and not params.get("attachment_url"):
        return graph_error(100, "(#100) Missing message or attachment")
    parent = api.state["comments"].get(target)
    post = parent["on"] if parent else target
    comment_id = f"{post.rsplit('_', 1)[-1]}_{_next(api, 124000000000000)}"
    api.state["comments"][comment_id] = {
        "id": comment_id, "platform": "facebook", "owner": post.split("_", 1)[0], "on": post,
        "parent": target if parent else None, "text": params.get("message", ""), "hidden": False, "by_page": True,
    }  # fmt: skip
    return Response(200, {"id": comment_id})


def _reply(api: FakeApi, target: str, params: dict[str, str]) -> Response:
    """POST /{ig-comment-id}/replies: a reply to a reply lands under the top-level comment, as Instagram files it."""
    if not params.get("message"):
        return graph_error(100, "(#100) The parameter message is required.")
    comment = api.state["comments"][target]
    if comment["hidden"]:  # wording approximated: Instagram refuses replies to hidden comments
        return graph_error(100, "(#100) Cannot reply to a hidden comment.", subcode=2534023)
    reply_id = _next(api, 17860000000000000)
    api.state["comments"][reply_id] = {
        "id": reply_id, "platform": "instagram", "owner": comment["owner"], "on": comment["on"],
        "parent": comment["parent"] or target, "text": params["message"], "hidden": False, "by_page": True,
    }  # fmt: skip
    return Response(200, {"id": reply_id})


def _message(api: FakeApi, page: str, params: dict[str, str]) -> Response:
    """The Send API (POST /{page-id}/messages): a text to someone who wrote to the Page or its IG account."""
    try:
        recipient = json.loads(params.get("recipient") or "null")
        message = json.loads(params.get("message") or "null")
    except ValueError:
        return graph_error(100, "(#100) param recipient and message must be JSON objects")
    if not isinstance(recipient, dict) or not recipient.get("id"):
        return graph_error(100, "(#100) The parameter recipient is required")
    if not isinstance(message, dict) or not (message.get("text") or message.get("attachment")):
        return graph_error(100, "(#100) Must send either message or sender action")
    person = api.state["messengers"].get(str(recipient["id"]))
    if person is None or person["page"] != page:
        return graph_error(100, "(#100) No matching user found", subcode=2018001)
    if person["platform"] == "facebook" and params.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
        return graph_error(100, "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}")
    if len(str(message.get("text", ""))) > 2000:
        return graph_error(100, "(#100) Length of param message[text] must be less than or equal to 2000")
    if not person["in_window"]:
        return graph_error(
            10,
            "(#10) This message is sent outside of allowed window. Learn more about the new policy here: "
            "https://developers.facebook.com/docs/messenger-platform/policy-overview",
            subcode=2018278,
            kind="OAuthException",
        )
    message_id = f"m_{_next(api, 9000)}"
    api.state["messages"][message_id] = {"page": page, "recipient": recipient["id"], **params, "message": message}
    return Response(200, {"recipient_id": str(recipient["id"]), "message_id": message_id})


def _advance(container: dict[str, Any]) -> None:
    """One status read of a container: IN_PROGRESS while polls remain, then FINISHED (or ERROR for a broken URL)."""
    if container["status_code"] != "IN_PROGRESS":
        return
    if container["polls_left"] > 0:
        container["polls_left"] -= 1
        return
    if container["broken"]:
        container |= {"status_code": "ERROR", "status": "Error: 2207026"}
    else:
        container |= {
            "status_code": "FINISHED",
            "status": "Finished: Media has been uploaded and it is ready to be published.",
        }


def _node(api: FakeApi, node: str) -> dict[str, Any] | None:
    if node in api.state["pages"]:
        return {"id": node, "name": api.state["pages"][node]}
    if node in api.state["ig_users"]:
        return {"id": node, "username": api.state["ig_users"][node]}
    return api.state["containers"].get(node) or api.state["media"].get(node)


def _owner(api: FakeApi, node: str) -> str | None:
    if node in api.state["pages"] or node in api.state["ig_users"]:
        return node
    if node in api.state["posts"]:
        return node.split("_", 1)[0]
    if node in api.state["comments"]:
        return api.state["comments"][node]["owner"]
    record = api.state["containers"].get(node) or api.state["media"].get(node)
    return record["owner"] if record else None


def _not_ready() -> Response:
    return graph_error(
        9007,
        "Media ID is not available",
        subcode=2207027,
        transient=False,
        user_title="Media not ready for publishing",
        user_msg="The media is not ready for publishing, please wait for a moment",
    )


def _not_available(container: str) -> Response:
    return graph_error(
        24,
        "Invalid parameter",
        subcode=2207008,
        transient=False,
        user_title="Media builder not found",
        user_msg=f"The media builder with creation id = {container} does not exist or has been expired.",
    )


def _unsupported(method: str, node: str) -> Response:
    return graph_error(
        100,
        f"Unsupported {method} request. Object with ID '{node}' does not exist, cannot be loaded due to missing "
        f"permissions, or does not support this operation. {DOCS}",
        subcode=33,
        kind="GraphMethodException",
    )


def _unknown_path(path: str) -> Response:
    return graph_error(2500, f"Unknown path components: {path}")


def _params(request: Request) -> dict[str, str]:
    """Query and form fields together, as Graph reads them."""
    merged = {k: v[-1] for k, v in request.query.items()}
    if request.method == "POST" and request.body:
        merged |= request.form()
    return merged


def _pick(params: dict[str, str], *names: str) -> dict[str, str]:
    return {name: params[name] for name in names if name in params}


def _next(api: FakeApi, base: int) -> str:
    return str(base + next(api.state["ids"]))
