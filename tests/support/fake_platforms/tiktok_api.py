"""A fake TikTok API (Content Posting direct post, video query, user info, OAuth v2 token) plus a public media host.

The video query answers the token's own videos: those in `api.state["videos"]` (id -> {"open_id": ...}) and the
public post ids of its publishes, with `api.state["video_metrics"][id]` replacing `default_video_metrics()`.
`api.state["scopes"]` (token -> granted scopes) limits a token; a token not in it has every scope.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from fake_platforms.server import FakeApi, Request, Response, bearer_token, media_files

ACCESS_TOKEN = "act.kettle-ember.0001"
OPEN_ID = "-000kettle-ember-open-id"
REFRESH_TOKEN = "rft.kettle-ember.0001"
CLIENT_KEY = "aw-brandpilot-key"
CLIENT_SECRET = "brandpilot-client-secret"
VIDEO_PATH = "/media/launch.mp4"
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40

ALL_PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
DEFAULT_STEPS = ["PROCESSING_DOWNLOAD", "PROCESSING_UPLOAD", "PUBLISH_COMPLETE"]
VIDEO_FIELDS = {
    "id", "create_time", "cover_image_url", "share_url", "video_description", "duration", "height", "width",
    "title", "embed_html", "embed_link", "like_count", "comment_count", "share_count", "view_count",
}  # fmt: skip
MAX_QUERY_IDS = 20
POST_INFO_FLAGS = ("disable_comment", "disable_duet", "disable_stitch", "brand_content_toggle", "brand_organic_toggle")


def tiktok_error(status: int, code: str, message: str, log_id: str = "20260101000000FAKE0000LOG") -> Response:
    """An answer in TikTok's v2 error shape, for `fail_next`."""
    return Response(status, {"data": {}, "error": {"code": code, "message": message, "log_id": log_id}})


def default_video_metrics() -> dict[str, int]:
    """The numbers a video has unless a test sets `api.state["video_metrics"][video_id]`."""
    return {"like_count": 230, "comment_count": 14, "share_count": 9, "view_count": 5400}


def tiktok_api() -> FakeApi:
    """A fake TikTok API; tests tune `api.state` (creator info, status steps, tokens, files) before calling."""
    api = FakeApi()
    api.state.update(
        counter=itertools.count(1),
        users={OPEN_ID: {"display_name": "Kettle & Ember", "username": "kettleember"}},
        tokens={ACCESS_TOKEN: OPEN_ID},
        refresh_tokens={REFRESH_TOKEN: OPEN_ID},
        app={"client_key": CLIENT_KEY, "client_secret": CLIENT_SECRET},
        creator={
            "creator_avatar_url": "https://p16.tiktokcdn.example/avatar.jpeg",
            "creator_username": "kettleember",
            "creator_nickname": "Kettle & Ember",
            "privacy_level_options": list(ALL_PRIVACY_LEVELS),
            "comment_disabled": False,
            "duet_disabled": False,
            "stitch_disabled": False,
            "max_video_post_duration_sec": 600,
        },
        # status answered at each poll of a publish (the last repeats); "FAILED" uses fail_reason
        steps=list(DEFAULT_STEPS),
        fail_reason="file_format_check_failed",
        unaudited=False,  # an unaudited client may only post SELF_ONLY
        verified_prefixes=None,  # None: this server's own /media/ prefix
        publishes={},
        files={VIDEO_PATH: VIDEO_BYTES},
        videos={},
        video_metrics={},
        scopes={},
    )
    api.route("POST", "/v2/post/publish/creator_info/query/", creator_info)
    api.route("POST", "/v2/post/publish/video/init/", video_init)
    api.route("POST", "/v2/post/publish/status/fetch/", status_fetch)
    api.route("POST", "/v2/video/query/", video_query)
    api.route("GET", "/v2/user/info/", user_info)
    api.route("POST", "/v2/oauth/token/", oauth_token)
    api.route("GET", "/media/", media_files)  # the public host TikTok pulls videos from
    return api


def _ok(api: FakeApi, data: dict[str, Any]) -> Response:
    return Response(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": _log_id(api)}})


def _log_id(api: FakeApi) -> str:
    return f"20260101000000{next(api.state['counter']):012d}"


def _user(request: Request, api: FakeApi) -> str | Response:
    """The open id the bearer token belongs to, or the 401 TikTok answers."""
    open_id = api.state["tokens"].get(bearer_token(request))
    if open_id is None:
        return tiktok_error(401, "access_token_invalid", "The access token is invalid or not found in the request.")
    return open_id


def _json_body(request: Request) -> dict[str, Any] | Response:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return tiktok_error(400, "invalid_params", "Content-Type must be application/json; charset=UTF-8")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return tiktok_error(400, "invalid_params", "The request body is not valid JSON.")
    return body if isinstance(body, dict) else tiktok_error(400, "invalid_params", "The body must be an object.")


def creator_info(request: Request, api: FakeApi) -> Response:
    """POST /v2/post/publish/creator_info/query/."""
    user = _user(request, api)
    if isinstance(user, Response):
        return user
    return _ok(api, dict(api.state["creator"]))


def video_init(request: Request, api: FakeApi) -> Response:
    """POST /v2/post/publish/video/init/ (direct post): validates like TikTok, answers a publish id."""
    user = _user(request, api)
    if isinstance(user, Response):
        return user
    body = _json_body(request)
    if isinstance(body, Response):
        return body
    post_info, source = body.get("post_info"), body.get("source_info")
    if not isinstance(post_info, dict) or not isinstance(source, dict):
        return tiktok_error(400, "invalid_params", "post_info and source_info are required.")
    title = post_info.get("title", "")
    if not isinstance(title, str) or len(title.encode("utf-16-le")) // 2 > 2200:
        return tiktok_error(400, "invalid_params", "title must be a string of at most 2200 UTF-16 runes.")
    for flag in POST_INFO_FLAGS:
        if flag in post_info and not isinstance(post_info[flag], bool):
            return tiktok_error(400, "invalid_params", f"{flag} must be a boolean.")
    privacy = post_info.get("privacy_level")
    if privacy not in api.state["creator"]["privacy_level_options"]:
        return tiktok_error(
            403,
            "privacy_level_option_mismatch",
            "privacy_level is not specified or not one of the privacy_level_options in the creator_info response.",
        )
    if api.state["unaudited"] and privacy != "SELF_ONLY":
        return tiktok_error(
            403,
            "unaudited_client_can_only_post_to_private_accounts",
            "Please review our integration guidelines at https://developers.tiktok.com/doc/content-sharing-guidelines/",
        )
    if source.get("source") != "PULL_FROM_URL":
        return tiktok_error(400, "invalid_params", "This fake only supports source PULL_FROM_URL.")
    video_url = source.get("video_url")
    if not isinstance(video_url, str) or not video_url:
        return tiktok_error(400, "invalid_params", "video_url is required for PULL_FROM_URL.")
    prefixes = api.state["verified_prefixes"] or [f"{api.url}/media/"]
    if not any(video_url.startswith(prefix) for prefix in prefixes):
        return tiktok_error(
            403,
            "url_ownership_unverified",
            "Please review our URL ownership verification rules at "
            "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide#pull_from_url",
        )
    publish_id = f"v_pub_url~v2-1.{next(api.state['counter']):019d}"
    pulled = video_url.removeprefix(api.url) in api.state["files"]
    api.state["publishes"][publish_id] = {
        "open_id": user,
        "post_info": post_info,
        "source_info": source,
        "polls": 0,
        "pulled": pulled,
        "post_id": 7_300_000_000_000_000_000 + next(api.state["counter"]),
    }
    return _ok(api, {"publish_id": publish_id})


def status_fetch(request: Request, api: FakeApi) -> Response:
    """POST /v2/post/publish/status/fetch/: each poll advances the publish one step of `api.state["steps"]`."""
    user = _user(request, api)
    if isinstance(user, Response):
        return user
    body = _json_body(request)
    if isinstance(body, Response):
        return body
    publish = api.state["publishes"].get(body.get("publish_id"))
    if publish is None or publish["open_id"] != user:
        return tiktok_error(400, "invalid_params", "publish_id is invalid or not found.")
    steps = api.state["steps"]
    status = steps[min(publish["polls"], len(steps) - 1)]
    publish["polls"] += 1
    if status != "PROCESSING_DOWNLOAD" and not publish["pulled"]:
        return _ok(api, {"status": "FAILED", "fail_reason": "video_pull_failed", "downloaded_bytes": 0})
    size = len(api.state["files"].get(VIDEO_PATH, b""))
    data: dict[str, Any] = {"status": status}
    if status == "FAILED":
        data["fail_reason"] = api.state["fail_reason"]
    elif status == "PUBLISH_COMPLETE":
        public = publish["post_info"].get("privacy_level") == "PUBLIC_TO_EVERYONE"
        data["publicaly_available_post_id"] = [publish["post_id"]] if public else []
        data["downloaded_bytes"] = size
    elif status != "PROCESSING_DOWNLOAD":
        data["downloaded_bytes"] = size
    return _ok(api, data)


def video_query(request: Request, api: FakeApi) -> Response:
    """POST /v2/video/query/?fields=...: the token's own videos among `filters.video_ids` (at most 20)."""
    user = _user(request, api)
    if isinstance(user, Response):
        return user
    granted = api.state["scopes"].get(bearer_token(request))
    if granted is not None and "video.list" not in granted:
        return tiktok_error(
            401, "scope_not_authorized", "The user did not authorize the scope required for completing this request."
        )
    fields = [f for f in (request.query.get("fields") or [""])[0].split(",") if f]
    if not fields or any(f not in VIDEO_FIELDS for f in fields):
        return tiktok_error(400, "invalid_params", f"Invalid fields: {','.join(fields) or 'none'}.")
    body = _json_body(request)
    if isinstance(body, Response):
        return body
    ids = (body.get("filters") or {}).get("video_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        return tiktok_error(400, "invalid_params", "filters.video_ids must be a non-empty list of strings.")
    if len(ids) > MAX_QUERY_IDS:
        return tiktok_error(400, "invalid_params", f"video_ids can contain at most {MAX_QUERY_IDS} ids.")
    owned = {vid for vid, video in api.state["videos"].items() if video.get("open_id") == user}
    owned |= {str(p["post_id"]) for p in api.state["publishes"].values() if p["open_id"] == user}
    videos = []
    for video_id in ids:
        if video_id in owned:
            record = {"id": video_id, **(api.state["video_metrics"].get(video_id) or default_video_metrics())}
            videos.append({name: record[name] for name in fields if name in record})
    return _ok(api, {"videos": videos, "cursor": 0, "has_more": False})


def user_info(request: Request, api: FakeApi) -> Response:
    """GET /v2/user/info/?fields=...: only the requested fields of the token's user."""
    user = _user(request, api)
    if isinstance(user, Response):
        return user
    fields = (request.query.get("fields") or [""])[0]
    if not fields:
        return tiktok_error(400, "invalid_params", "fields is required.")
    profile = {"open_id": user, "union_id": f"union-{user}", **api.state["users"][user]}
    return _ok(api, {"user": {name: profile[name] for name in fields.split(",") if name in profile}})


def oauth_token(request: Request, api: FakeApi) -> Response:
    """POST /v2/oauth/token/ (form): the refresh grant, rotating the refresh token like TikTok does."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _oauth_error("invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
    form = request.form()
    app = api.state["app"]
    if form.get("client_key") != app["client_key"] or form.get("client_secret") != app["client_secret"]:
        return _oauth_error("invalid_client", "Client key or secret is incorrect.", 401)
    if form.get("grant_type") != "refresh_token":
        return _oauth_error("unsupported_grant_type", "grant_type is not supported.")
    open_id = api.state["refresh_tokens"].pop(form.get("refresh_token", ""), None)
    if open_id is None:
        return _oauth_error("invalid_grant", "Refresh token is invalid or expired.")
    n = next(api.state["counter"])
    access, refresh = f"act.refreshed.{n:04d}", f"rft.refreshed.{n:04d}"
    api.state["tokens"][access] = open_id
    api.state["refresh_tokens"][refresh] = open_id
    return Response(
        200,
        {
            "access_token": access,
            "expires_in": 86400,
            "open_id": open_id,
            "refresh_expires_in": 31536000,
            "refresh_token": refresh,
            "scope": "user.info.basic,video.publish",
            "token_type": "Bearer",
        },
    )


def _oauth_error(code: str, description: str, status: int = 400) -> Response:
    return Response(status, {"error": code, "error_description": description, "log_id": "20260101000000FAKEOAUTH"})
