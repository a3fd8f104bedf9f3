"""A fake YouTube Data API v3 (resumable upload, thumbnails, channels, videos.list), Google OAuth token, media host.

`videos.list` answers the videos in `api.state["videos"]` with `api.state["statistics"][id]` replacing
`default_statistics()`; like YouTube, every count is a string and a video it doesn't have is left out of `items`.
`commentThreads.list` (allThreadsRelatedToChannelId, order=time) pages the top-level comment resources in
`api.state["comments"]` newest first; tokens in `api.state["readonly_tokens"]` lack youtube.force-ssl and get 403.
`comments.insert` (POST /youtube/v3/comments?part=snippet) adds a reply under one of those top-level comments to
`api.state["replies"]` and answers the new comment resource; `api.state["no_reply"]` holds comments whose thread
does not take replies (YouTube's `canReply` false).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from fake_platforms.server import FakeApi, Request, Response, bearer_token, media_files

ACCESS_TOKEN = "ya29.kettle-ember-0001"
CHANNEL_ID = "UCkettleEmber0000000000a"
REFRESH_TOKEN = "1//kettle-ember-refresh-0001"
CLIENT_ID = "brandpilot-0001.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-brandpilot-secret"
VIDEO_PATH = "/media/launch.mp4"
THUMBNAIL_PATH = "/media/launch.jpg"
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64
THUMBNAIL_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x11" * 512
SCOPE = "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly"

UPLOAD_TYPES = ("video/", "application/octet-stream")
THUMBNAIL_TYPES = ("image/jpeg", "image/png", "application/octet-stream")
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
LIST_PARTS = {
    "contentDetails", "fileDetails", "id", "liveStreamingDetails", "localizations", "paidProductPlacementDetails",
    "player", "processingDetails", "recordingDetails", "snippet", "statistics", "status", "suggestions",
    "topicDetails",
}  # fmt: skip
MAX_LIST_IDS = 50
ASSIGNABLE_CATEGORIES = {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"}


def google_error(status: int, reason: str, message: str, domain: str = "youtube.video") -> Response:
    """An answer in Google's JSON error shape, for `fail_next` and the handlers."""
    detail = {"message": message, "domain": domain, "reason": reason}
    return Response(status, {"error": {"code": status, "message": message, "errors": [detail]}})


def quota_exceeded() -> Response:
    """YouTube's 403 when the project's daily quota is used up."""
    return google_error(
        403,
        "quotaExceeded",
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">'
        "quota</a>.",
        "youtube.quota",
    )


def default_statistics() -> dict[str, str]:
    """The statistics a video has unless a test sets `api.state["statistics"][video_id]` (strings, like YouTube)."""
    return {"viewCount": "1520", "likeCount": "87", "favoriteCount": "0", "commentCount": "11"}


def youtube_api() -> FakeApi:
    """A fake YouTube API; tests tune `api.state` (tokens, files, interrupt_after, ...) before calling."""
    api = FakeApi()
    api.state.update(
        counter=itertools.count(1),
        channels={CHANNEL_ID: {"title": "Kettle & Ember", "customUrl": "@kettleember"}},
        tokens={ACCESS_TOKEN: CHANNEL_ID},
        refresh_tokens={REFRESH_TOKEN: CHANNEL_ID},
        app={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
        sessions={},
        videos={},  # video id -> the video resource
        contents={},  # video id -> the uploaded bytes
        thumbnails={},  # video id -> the thumbnail bytes
        interrupt_after=None,  # an int: the next bytes PUT keeps that many bytes in all, then drops the connection
        upload_limit_reached=False,
        custom_thumbnails=True,  # False: the channel isn't verified for custom thumbnails (403 forbidden)
        files={VIDEO_PATH: VIDEO_BYTES, THUMBNAIL_PATH: THUMBNAIL_BYTES},
        statistics={},
        comments=[],  # comment resources: {"id", "snippet": {"videoId", "authorChannelId", "publishedAt", ...}}
        readonly_tokens=set(),
        replies={},  # reply id ("{parent id}.{n}") -> the comment resource comments.insert created
        no_reply=set(),
    )
    api.route("POST", "/upload/youtube/v3/videos", start_upload)
    api.route("PUT", "/upload/youtube/v3/videos", upload_bytes)
    api.route("POST", "/upload/youtube/v3/thumbnails/set", set_thumbnail)
    api.route("GET", "/youtube/v3/channels", channels)
    api.route("GET", "/youtube/v3/videos", list_videos)
    api.route("GET", "/youtube/v3/commentThreads", comment_threads)
    api.route("POST", "/youtube/v3/comments", insert_comment)
    api.route("POST", "/token", token)
    api.route("GET", "/media/", media_files)
    return api


def _channel(request: Request, api: FakeApi) -> str | Response:
    """The channel the bearer token belongs to, or Google's 401."""
    channel = api.state["tokens"].get(bearer_token(request))
    if channel is not None:
        return channel
    message = (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
        "valid authentication credential."
    )
    detail = {
        "message": "Invalid Credentials",
        "domain": "global",
        "reason": "authError",
        "location": "Authorization",
        "locationType": "header",
    }
    return Response(
        401,
        {"error": {"code": 401, "message": message, "errors": [detail], "status": "UNAUTHENTICATED"}},
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
    )


def _query(request: Request, name: str) -> str:
    return (request.query.get(name) or [""])[0]


def _metadata_error(resource: dict[str, Any]) -> Response | None:
    snippet = resource.get("snippet") or {}
    title = snippet.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 100 or re.search("[<>]", title):
        return google_error(400, "invalidTitle", "The request metadata specifies an invalid or empty video title.")
    description = snippet.get("description", "")
    if not isinstance(description, str) or len(description.encode()) > 5000 or re.search("[<>]", description):
        return google_error(400, "invalidDescription", "The request metadata specifies an invalid video description.")
    tags = snippet.get("tags", [])
    if not isinstance(tags, list) or sum(len(str(t)) for t in tags) > 500:
        return google_error(400, "invalidTags", "The request metadata specifies invalid video keywords.")
    if str(snippet.get("categoryId", "22")) not in ASSIGNABLE_CATEGORIES:
        return google_error(400, "invalidCategoryId", "The snippet.categoryId property specifies an invalid category.")
    status = resource.get("status") or {}
    if status.get("privacyStatus", "public") not in ("public", "private", "unlisted"):
        return google_error(400, "invalidVideoMetadata", "The request metadata is invalid.")
    return None


def start_upload(request: Request, api: FakeApi) -> Response:
    """POST /upload/youtube/v3/videos?uploadType=resumable&part=...: opens a session, answers its Location."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    if _query(request, "uploadType") != "resumable":
        return google_error(400, "invalidUploadType", "This fake only supports uploadType=resumable.", "global")
    parts = set(_query(request, "part").split(","))
    if "snippet" not in parts:
        return google_error(400, "missingRequiredParameter", "No filter selected. Expected part snippet.", "global")
    if not request.headers.get("content-type", "").startswith("application/json"):
        return google_error(400, "badContent", "The video metadata must be sent as application/json.", "global")
    length = request.headers.get("x-upload-content-length", "")
    upload_type = request.headers.get("x-upload-content-type", "")
    if not length.isdigit() or not upload_type.startswith(UPLOAD_TYPES):
        return google_error(400, "badContent", f"Unsupported content with type: {upload_type or 'none'}", "global")
    try:
        resource = json.loads(request.body)
    except ValueError:
        return google_error(400, "parseError", "Parse Error", "global")
    problem = _metadata_error(resource)
    if problem is not None:
        return problem
    if api.state["upload_limit_reached"]:
        return google_error(400, "uploadLimitExceeded", "The user has exceeded the number of videos they may upload.")
    session_id = f"ADPycdu{next(api.state['counter']):012d}"
    api.state["sessions"][session_id] = {
        "channel": channel,
        "resource": {part: resource[part] for part in ("snippet", "status") if part in parts and part in resource},
        "length": int(length),
        "content_type": upload_type,
        "received": bytearray(),
        "video_id": None,
    }
    location = f"{api.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session_id}"
    return Response(200, raw=b"", headers={"Location": location, "X-GUploader-UploadID": session_id})


def upload_bytes(request: Request, api: FakeApi) -> Response | None:
    """PUT to a session URL: bytes (whole, or from an offset with Content-Range) or a `bytes */N` status query."""
    session = api.state["sessions"].get(_query(request, "upload_id"))
    if session is None:
        return google_error(404, "notFound", "The upload session was not found or has expired.", "global")
    total, received = session["length"], session["received"]
    content_range = request.headers.get("content-range", "")
    if session["video_id"] is not None:
        return Response(200, api.state["videos"][session["video_id"]])
    if content_range == f"bytes */{total}":
        if request.body:
            return google_error(400, "badContent", "A status query must have no body.", "global")
        headers = {"Range": f"bytes=0-{len(received) - 1}"} if received else {}
        return Response(308, raw=b"", headers=headers)
    start = 0
    if content_range:
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", content_range)
        if (
            not match
            or int(match.group(3)) != total
            or int(match.group(2)) - int(match.group(1)) + 1 != len(request.body)
        ):
            return google_error(400, "badContent", f"Invalid Content-Range: {content_range}", "global")
        start = int(match.group(1))
        if start != len(received):
            return google_error(400, "badContent", f"Expected bytes from {len(received)}, got {start}.", "global")
    elif received:
        del received[:]  # a PUT without Content-Range sends the whole file again
    limit = api.state["interrupt_after"]
    if limit is not None:
        api.state["interrupt_after"] = None
        received.extend(request.body[: max(limit - len(received), 0)])
        return None  # the connection dies mid-upload
    received.extend(request.body)
    if len(received) < total:
        return Response(308, raw=b"", headers={"Range": f"bytes=0-{len(received) - 1}"})
    if len(received) > total:
        return google_error(400, "badContent", "More bytes than X-Upload-Content-Length announced.", "global")
    video_id = f"bp{next(api.state['counter']):09d}"
    session["video_id"] = video_id
    resource = session["resource"]
    api.state["videos"][video_id] = {
        "kind": "youtube#video",
        "etag": f"etag-{video_id}",
        "id": video_id,
        "snippet": {**resource.get("snippet", {}), "channelId": session["channel"]},
        "status": {"uploadStatus": "uploaded", "privacyStatus": "public", **resource.get("status", {})},
    }
    api.state["contents"][video_id] = bytes(received)
    return Response(201, api.state["videos"][video_id])


def set_thumbnail(request: Request, api: FakeApi) -> Response:
    """POST /upload/youtube/v3/thumbnails/set?videoId=...: the image bytes as the body."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    video = api.state["videos"].get(_query(request, "videoId"))
    if video is None:
        return google_error(404, "videoNotFound", "The video that you are trying to update cannot be found.")
    if video["snippet"]["channelId"] != channel or not api.state["custom_thumbnails"]:
        return google_error(
            403, "forbidden", "The authenticated user doesn't have permissions to upload and set custom thumbnails."
        )
    content_type = request.headers.get("content-type", "").split(";")[0]
    if content_type not in THUMBNAIL_TYPES or not request.body:
        return google_error(400, "invalidImage", "The provided image content is invalid.")
    if len(request.body) > THUMBNAIL_MAX_BYTES:
        return google_error(413, "mediaBodyTooLarge", "The thumbnail image file is too large.", "global")
    api.state["thumbnails"][video["id"]] = bytes(request.body)
    url = f"https://i.ytimg.com/vi/{video['id']}/default.jpg"
    return Response(
        200,
        {
            "kind": "youtube#thumbnailSetResponse",
            "etag": f"thumb-{video['id']}",
            "items": [{"default": {"url": url, "width": 120, "height": 90}}],
        },
    )


def channels(request: Request, api: FakeApi) -> Response:
    """GET /youtube/v3/channels?part=snippet&mine=true."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    if "snippet" not in _query(request, "part").split(","):
        return google_error(400, "missingRequiredParameter", "No filter selected. Expected part.", "global")
    if _query(request, "mine") != "true":
        return google_error(400, "missingRequiredParameter", "No filter selected. Expected mine=true.", "global")
    snippet = {"title": "", "description": "", **api.state["channels"].get(channel, {})}
    items = [{"kind": "youtube#channel", "etag": f"etag-{channel}", "id": channel, "snippet": snippet}]
    return Response(
        200,
        {
            "kind": "youtube#channelListResponse",
            "etag": "etag-list",
            "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
            "items": items,
        },
    )


def list_videos(request: Request, api: FakeApi) -> Response:
    """GET /youtube/v3/videos?part=...&id=a,b: the requested parts of the videos YouTube has."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    parts = [p for p in _query(request, "part").split(",") if p]
    if not parts:
        return google_error(400, "required", "Required parameter: part", "global")
    unknown = next((p for p in parts if p not in LIST_PARTS), None)
    if unknown is not None:
        return google_error(
            400, "unknownPart", f"'{unknown}' is not a valid value for the part parameter.", "youtube.part"
        )
    ids = [i for i in _query(request, "id").split(",") if i]
    if not ids:
        return google_error(
            400,
            "missingRequiredParameter",
            "No filter selected. Expected one of: id, chart, myRated",
            "youtube.parameter",
        )
    if len(ids) > MAX_LIST_IDS:  # wording approximated: YouTube caps id lists at 50
        return google_error(400, "invalidValue", f"The id parameter takes at most {MAX_LIST_IDS} ids.", "global")
    items = []
    for video_id in ids:
        video = api.state["videos"].get(video_id)
        if video is None:
            continue
        item: dict[str, Any] = {"kind": "youtube#video", "etag": f"etag-{video_id}", "id": video_id}
        if "statistics" in parts:
            item["statistics"] = api.state["statistics"].get(video_id) or default_statistics()
        item |= {p: video[p] for p in parts if p in video and p != "id"}
        items.append(item)
    return Response(
        200,
        {
            "kind": "youtube#videoListResponse",
            "etag": "etag-videos",
            "items": items,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
        },
    )


def comment_threads(request: Request, api: FakeApi) -> Response:
    """GET /youtube/v3/commentThreads?part=snippet&allThreadsRelatedToChannelId=...: threads newest first."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    if bearer_token(request) in api.state["readonly_tokens"]:
        return google_error(403, "insufficientPermissions", "Request had insufficient authentication scopes.", "global")
    parts = [p for p in _query(request, "part").split(",") if p]
    if not parts or any(p not in ("id", "snippet", "replies") for p in parts):
        return google_error(400, "unknownPart", f"'{_query(request, 'part')}' is not a valid value for part.", "global")
    filters = [f for f in ("allThreadsRelatedToChannelId", "channelId", "id", "videoId") if _query(request, f)]
    if len(filters) != 1:
        expected = "allThreadsRelatedToChannelId, channelId, id, videoId"
        return google_error(
            400, "missingRequiredParameter", f"No filter selected. Expected one of: {expected}", "global"
        )
    count = _query(request, "maxResults") or "20"
    if not count.isdigit() or not 1 <= int(count) <= 100:
        message = f"Invalid value '{count}'. Values must be within the range: [1, 100]"
        return google_error(400, "invalid", message, "global")
    wanted = _query(request, "allThreadsRelatedToChannelId")
    threads = [c for c in api.state["comments"] if c["snippet"].get("channelId", CHANNEL_ID) == wanted]
    threads.sort(key=lambda c: c["snippet"]["publishedAt"], reverse=True)
    start = int(_query(request, "pageToken").removeprefix("QURT") or 0)
    page = threads[start : start + int(count)]
    items = [
        {"kind": "youtube#commentThread", "etag": f"etag-{c['id']}", "id": c["id"], "snippet": {
            "channelId": wanted, "videoId": c["snippet"].get("videoId"), "canReply": True, "totalReplyCount": 0,
            "isPublic": True, "topLevelComment": {"kind": "youtube#comment", "etag": f"e-{c['id']}", **c},
        }}
        for c in page
    ]  # fmt: skip
    body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": "etag-threads", "items": items}
    body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": int(count)}
    if start + int(count) < len(threads):
        body["nextPageToken"] = f"QURT{start + int(count)}"
    return Response(200, body)


def insert_comment(request: Request, api: FakeApi) -> Response:
    """POST /youtube/v3/comments?part=snippet: a reply (`snippet.parentId`, `snippet.textOriginal`) to a comment."""
    channel = _channel(request, api)
    if isinstance(channel, Response):
        return channel
    if bearer_token(request) in api.state["readonly_tokens"]:
        return google_error(403, "insufficientPermissions", "Request had insufficient authentication scopes.", "global")
    parts = [p for p in _query(request, "part").split(",") if p]
    if not parts or any(p not in ("id", "snippet") for p in parts):
        return google_error(400, "unknownPart", f"'{_query(request, 'part')}' is not a valid value for part.", "global")
    if not request.headers.get("content-type", "").startswith("application/json"):
        return google_error(400, "parseError", "The comment resource must be sent as application/json.", "global")
    try:
        snippet = (json.loads(request.body) or {}).get("snippet") or {}
    except (ValueError, AttributeError):
        return google_error(400, "parseError", "Parse Error", "global")
    parent_id, text = snippet.get("parentId"), snippet.get("textOriginal")
    if not parent_id:
        return google_error(
            400, "parentIdMissing", "The comment must be linked to a parent comment.", "youtube.comment"
        )
    if not isinstance(text, str) or not text.strip():
        return google_error(400, "commentTextRequired", "The comment resource must specify a value.", "youtube.comment")
    if len(text) > 10_000:  # wording and limit approximated
        return google_error(
            400, "commentTextTooLong", "The comment text contains too many characters.", "youtube.comment"
        )
    parent = next((c for c in api.state["comments"] if c["id"] == parent_id), None)
    if parent is None:
        return google_error(
            404, "commentNotFound", "The specified comment could not be found. Check the parentId.", "youtube.comment"
        )
    if parent_id in api.state["no_reply"]:
        return google_error(
            400,
            "operationNotSupported",
            "The API user is not able to insert a reply to this comment.",
            "youtube.comment",
        )
    reply_id = f"{parent_id}.AAAA{next(api.state['counter']):010d}"
    title = api.state["channels"].get(channel, {}).get("title", "")
    resource = {
        "kind": "youtube#comment", "etag": f"etag-{reply_id}", "id": reply_id,
        "snippet": {
            "channelId": parent["snippet"].get("channelId", CHANNEL_ID), "videoId": parent["snippet"].get("videoId"),
            "textDisplay": text, "textOriginal": text, "parentId": parent_id, "authorDisplayName": title,
            "authorChannelId": {"value": channel}, "canRate": True, "viewerRating": "none", "likeCount": 0,
            "publishedAt": "2026-01-01T12:00:00Z", "updatedAt": "2026-01-01T12:00:00Z",
        },
    }  # fmt: skip
    api.state["replies"][reply_id] = resource
    return Response(200, resource)


def token(request: Request, api: FakeApi) -> Response:
    """POST /token (Google OAuth, form): the refresh grant; Google keeps the refresh token."""
    form = request.form()
    app = api.state["app"]
    if form.get("client_id") != app["client_id"] or form.get("client_secret") != app["client_secret"]:
        return Response(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
    if form.get("grant_type") != "refresh_token":
        return Response(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: "})
    channel = api.state["refresh_tokens"].get(form.get("refresh_token", ""))
    if channel is None:
        return Response(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    access = f"ya29.refreshed-{next(api.state['counter']):04d}"
    api.state["tokens"][access] = channel
    return Response(200, {"access_token": access, "expires_in": 3599, "scope": SCOPE, "token_type": "Bearer"})
