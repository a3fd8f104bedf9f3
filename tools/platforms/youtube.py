"""YouTube Data API v3 client: uploads a video (resumable upload protocol), sets its thumbnail, replies to comments."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    AuthError,
    Credentials,
    Media,
    MentionPage,
    OutgoingPost,
    PermanentError,
    PlatformError,
    PostInsights,
    Published,
    TransientError,
    json_body,
    retry_after_seconds,
    send,
)
from tools.platforms.reply_messages import conversation_of
from tools.platforms.youtube_comments import answer
from tools.platforms.youtube_insights import VIDEOS_PATH, read_insights
from tools.platforms.youtube_mentions import COMMENT_THREADS_PATH, explain_scope, read_mentions

logger = logging.getLogger(__name__)

PLATFORM = "youtube"
TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5000
PRIVACY_STATUSES = ("public", "private", "unlisted")
RATE_LIMIT_WAIT = 60.0
QUOTA_ZONE = "America/Los_Angeles"  # YouTube's daily quota resets at midnight Pacific time
QUOTA_FALLBACK_WAIT = 3600.0  # without a time zone database: try again in an hour
QUOTA_MARGIN = 60.0

EXPLANATIONS = {
    "uploadLimitExceeded": "the channel reached YouTube's limit on uploads for now; try again in 24 hours",
    "invalidTitle": "YouTube rejected the title (it must be 1-100 characters, without < or >)",
    "invalidDescription": "YouTube rejected the description (at most 5,000 bytes, without < or >)",
    "invalidTags": "YouTube rejected the tags (at most 500 characters in all)",
    "invalidCategoryId": "YouTube does not know the category id in the post's options",
    "mediaBodyRequired": "YouTube received no video content",
}


def video_of(post: OutgoingPost) -> Media:
    """The post's video; a YouTube post without one is refused before any call."""
    for media in post.media:
        if media.kind == "video":
            return media
    raise PermanentError(PLATFORM, "a YouTube post needs a video; attach one and approve the post again")


def video_resource(post: OutgoingPost) -> dict[str, Any]:
    """The `video` resource (snippet and status) to insert for `post`, checked against YouTube's limits."""
    title = post.title or ""
    if not title.strip():
        raise PermanentError(PLATFORM, "a YouTube video needs a title; add one and approve the post again")
    if len(title) > TITLE_MAX_CHARS:
        raise PermanentError(PLATFORM, f"the title has {len(title)} characters; YouTube allows {TITLE_MAX_CHARS}")
    description = post.text
    if "<" in title + description or ">" in title + description:
        raise PermanentError(PLATFORM, "YouTube titles and descriptions can't contain < or >; remove them")
    if len(description.encode()) > DESCRIPTION_MAX_BYTES:
        raise PermanentError(PLATFORM, f"the description is longer than YouTube's {DESCRIPTION_MAX_BYTES} bytes")
    privacy = post.options.get("privacy", "public")
    if privacy not in PRIVACY_STATUSES:
        raise PermanentError(PLATFORM, f"privacy must be one of {', '.join(PRIVACY_STATUSES)}, not {privacy!r}")
    return {
        "snippet": {
            "title": title,
            "description": description,
            "tags": [str(tag) for tag in post.options.get("tags", [])],
            "categoryId": str(post.options.get("category_id", "22")),
        },
        "status": {"privacyStatus": privacy, "selfDeclaredMadeForKids": False},
    }


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    """Seconds until YouTube's daily quota resets (midnight Pacific time, plus a minute's margin).

    Without a time zone database the answer is a fixed hour.
    """
    try:
        zone = ZoneInfo(QUOTA_ZONE)
    except ZoneInfoNotFoundError:
        return QUOTA_FALLBACK_WAIT
    local = (now or datetime.now(UTC)).astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), day_time(0), tzinfo=zone)
    # Subtract in UTC: aware datetimes sharing a zone subtract as wall time, which is wrong across DST changes.
    return (midnight.astimezone(UTC) - local.astimezone(UTC)).total_seconds() + QUOTA_MARGIN


def api_error(response: httpx.Response) -> PlatformError:
    """The error of a failed Google answer (`{"error": {"code", "message", "errors": [{"reason", ...}]}}`)."""
    status = response.status_code
    body = json_body(response)
    error = body.get("error") if isinstance(body.get("error"), Mapping) else {}
    details = [d for d in error.get("errors") or [] if isinstance(d, Mapping)]
    reasons = [str(d["reason"]) for d in details if d.get("reason")]
    reason = reasons[0] if reasons else (str(error["status"]) if error.get("status") else None)
    message = re.sub(r"<[^>]+>", "", str(error.get("message") or f"HTTP {status}"))
    if "quotaExceeded" in reasons:
        return TransientError(
            PLATFORM,
            "BrandPilot's daily YouTube API quota is used up; it resets at midnight Pacific time",
            retry_after=seconds_until_quota_reset(),
            status=status,
            code=reason,
        )
    if status == 429 or {"rateLimitExceeded", "userRateLimitExceeded"} & set(reasons):
        return TransientError(
            PLATFORM,
            f"YouTube's rate limit was hit ({message}); will retry",
            retry_after=retry_after_seconds(response) or RATE_LIMIT_WAIT,
            status=status,
            code=reason,
        )
    if status == 401:
        return AuthError(PLATFORM, f"YouTube refused the access token: {message}", status=status, code=reason)
    if status >= 500:
        return TransientError(
            PLATFORM,
            f"YouTube had a server error ({message}); will retry",
            retry_after=retry_after_seconds(response),
            status=status,
            code=reason,
        )
    explanation = EXPLANATIONS.get(reason or "")
    text = f"{explanation} (YouTube said: {message})" if explanation else f"YouTube refused the request: {message}"
    return PermanentError(PLATFORM, text, status=status, code=reason)


def oauth_error(response: httpx.Response) -> PlatformError:
    """The error of a failed token refresh (`{"error", "error_description"}`)."""
    status = response.status_code
    if status == 429 or status >= 500:
        return TransientError(
            PLATFORM,
            f"Google's token endpoint failed (HTTP {status}); will retry",
            retry_after=retry_after_seconds(response),
            status=status,
        )
    body = json_body(response)
    code = str(body.get("error") or "")
    description = str(body.get("error_description") or f"HTTP {status}")
    if code == "invalid_grant":
        return AuthError(
            PLATFORM,
            f"Google refused the refresh token ({description}); the brand must reconnect YouTube",
            status=status,
            code=code,
        )
    if code in ("invalid_client", "unauthorized_client"):
        return PermanentError(
            PLATFORM,
            f"Google refused BrandPilot's OAuth client id or secret ({description}); check the app credentials",
            status=status,
            code=code,
        )
    return PermanentError(
        PLATFORM, f"Google refused the token refresh: {code or description}", status=status, code=code
    )


def received_bytes(range_header: str | None) -> int:
    """How many bytes an upload session holds, from a 308 answer's `Range: bytes=0-N` (none: 0)."""
    match = re.fullmatch(r"\s*bytes=0-(\d+)\s*", range_header or "")
    return int(match.group(1)) + 1 if match else 0


def media_type(response: httpx.Response, url: str, kind: str) -> str:
    """The MIME type to declare for downloaded media: the host's, if it is of `kind`, else one from the name."""
    declared = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if declared.startswith(f"{kind}/"):
        return declared
    path = url.split("?")[0].lower()
    if kind == "image":
        return "image/png" if path.endswith(".png") else "image/jpeg"
    return "video/mp4" if path.endswith(".mp4") else "application/octet-stream"


class YouTubeClient:
    """Uploads videos (resumable upload), sets custom thumbnails, checks and refreshes Google tokens."""

    platform = PLATFORM

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str = "https://www.googleapis.com",
        oauth_url: str = "https://oauth2.googleapis.com",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.oauth_url = oauth_url.rstrip("/")

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Upload the post's video with its title, description and options, then set its thumbnail.

        `post.options` may hold `tags`, `category_id` (default "22"), `privacy` (default "public") and
        `thumbnail_url`. Every error raised after the upload session was opened carries
        `error.resume == {"upload_url": ...}`; passing that back in `post.options` continues the same upload
        instead of creating a second video. A thumbnail that can't be set is logged and does not fail the
        published video. With `post.reply_to` the text is a reply to that comment instead (`youtube_comments`).
        """
        if conversation_of(post, PLATFORM):
            return answer(post, lambda path, params, body: self._write(path, params, body, credentials))
        video = video_of(post)
        resource = video_resource(post)
        data, content_type = self._download(video.url, "video")
        upload_url = post.options.get("upload_url")
        video_id = None
        if upload_url:
            try:
                video_id = self._resume(upload_url, data, content_type, credentials)
            except PlatformError as error:
                error.resume = {**error.resume, "upload_url": upload_url}
                raise
        if video_id is None:
            upload_url = self._open_session(resource, len(data), content_type, credentials)
            try:
                video_id = self._send_bytes(upload_url, data, content_type, 0, credentials)
            except PlatformError as error:
                error.resume = {**error.resume, "upload_url": upload_url}
                raise
        thumbnail_url = post.options.get("thumbnail_url")
        if thumbnail_url:
            self._set_thumbnail_or_log(video_id, thumbnail_url, credentials)
        return Published(external_id=video_id, url=f"https://www.youtube.com/watch?v={video_id}")

    def check(self, credentials: Credentials) -> AccountInfo:
        """The channel the token uploads to."""
        response = send(
            self.http,
            PLATFORM,
            "GET",
            f"{self.base_url}/youtube/v3/channels",
            params={"part": "snippet", "mine": "true"},
            headers=self._auth(credentials),
        )
        if response.status_code >= 400:
            raise api_error(response)
        items = json_body(response).get("items") or []
        if not items:
            raise PermanentError(PLATFORM, "this Google account has no YouTube channel; create one, then reconnect")
        channel = items[0]
        return AccountInfo(account_id=str(channel["id"]), name=str((channel.get("snippet") or {}).get("title", "")))

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """New credentials from the refresh token (Google keeps the same refresh token)."""
        if app is None or not credentials.refresh_token:
            return None
        response = send(
            self.http,
            PLATFORM,
            "POST",
            f"{self.oauth_url}/token",
            data={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "refresh_token": credentials.refresh_token,
                "grant_type": "refresh_token",
            },
        )
        body = json_body(response)
        if response.status_code >= 400 or not body.get("access_token"):
            raise oauth_error(response)
        fresh = credentials.refreshed(body["access_token"], body.get("expires_in"), body.get("refresh_token"))
        scope = body.get("scope")
        return replace(fresh, scopes=tuple(scope.split())) if scope else fresh

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime statistics of videos, 50 a request; `youtube_insights` says how they are mapped."""
        params = {"part": "statistics"}
        return read_insights(
            external_ids, lambda ids: self._read(VIDEOS_PATH, params | {"id": ",".join(ids)}, credentials)
        )

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Comments on the channel's videos newer than the `cursor` timestamp; `youtube_mentions` maps them."""
        try:
            return read_mentions(
                credentials.account_id, cursor, limit, lambda q: self._read(COMMENT_THREADS_PATH, q, credentials)
            )
        except PermanentError as error:
            raise explain_scope(error) from error

    def _read(self, path: str, params: Mapping[str, str], credentials: Credentials) -> dict[str, Any]:
        """One Data API GET and its JSON object; a failed answer raises `api_error`."""
        url = f"{self.base_url}{path}"
        response = send(self.http, PLATFORM, "GET", url, params=dict(params), headers=self._auth(credentials))
        if response.status_code >= 400:
            raise api_error(response)
        return json_body(response)

    def _write(
        self, path: str, params: Mapping[str, str], body: dict[str, Any], credentials: Credentials
    ) -> dict[str, Any]:
        """One Data API POST with a JSON body and its JSON answer; a failed answer raises `api_error`."""
        url = f"{self.base_url}{path}"
        response = send(
            self.http, PLATFORM, "POST", url, params=dict(params), json=body, headers=self._auth(credentials)
        )
        if response.status_code >= 400:
            raise api_error(response)
        return json_body(response)

    def _auth(self, credentials: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.access_token}"}

    def _download(self, url: str, kind: str) -> tuple[bytes, str]:
        """The media's bytes and MIME type, fetched without BrandPilot's token (the host is not Google)."""
        response = send(self.http, PLATFORM, "GET", url)
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientError(
                PLATFORM,
                f"the {kind} host failed (HTTP {status}) for {url}; will retry",
                retry_after=retry_after_seconds(response),
                status=status,
            )
        if status >= 400:
            raise PermanentError(
                PLATFORM, f"the {kind} could not be downloaded from {url} (HTTP {status})", status=status
            )
        return response.content, media_type(response, url, kind)

    def _open_session(self, resource: dict[str, Any], length: int, content_type: str, credentials: Credentials) -> str:
        """Start a resumable upload with the video's metadata; the answer's Location is the session URL."""
        response = send(
            self.http,
            PLATFORM,
            "POST",
            f"{self.base_url}/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,status"},
            headers={
                **self._auth(credentials),
                "Content-Type": "application/json; charset=UTF-8",
                "X-Upload-Content-Length": str(length),
                "X-Upload-Content-Type": content_type,
            },
            content=json.dumps(resource).encode(),
        )
        if response.status_code >= 400:
            raise api_error(response)
        location = response.headers.get("location")
        if not location:
            raise TransientError(PLATFORM, "YouTube opened no upload session (no Location header); will retry")
        return location

    def _send_bytes(
        self, upload_url: str, data: bytes, content_type: str, offset: int, credentials: Credentials
    ) -> str:
        """PUT the video's bytes from `offset` to the session; the video's id once YouTube has them all."""
        total = len(data)
        if offset >= total:
            raise TransientError(PLATFORM, "YouTube holds the whole video but has not finished it; will check again")
        headers = {**self._auth(credentials), "Content-Type": content_type}
        if offset:
            headers["Content-Range"] = f"bytes {offset}-{total - 1}/{total}"
        response = send(self.http, PLATFORM, "PUT", upload_url, headers=headers, content=data[offset:])
        return self._finished_id(response)

    def _resume(self, upload_url: str, data: bytes, content_type: str, credentials: Credentials) -> str | None:
        """Ask the session how much it holds and send the rest; None when the session is gone (start over)."""
        response = send(
            self.http,
            PLATFORM,
            "PUT",
            upload_url,
            headers={**self._auth(credentials), "Content-Range": f"bytes */{len(data)}"},
            content=b"",
        )
        if response.status_code == 308:
            offset = received_bytes(response.headers.get("range"))
            return self._send_bytes(upload_url, data, content_type, offset, credentials)
        if response.status_code in (404, 410):
            logger.info("a YouTube upload session expired; starting the upload again")
            return None
        return self._finished_id(response)

    def _finished_id(self, response: httpx.Response) -> str:
        status = response.status_code
        if status == 308:
            raise TransientError(PLATFORM, "YouTube received only part of the video; will resume the upload")
        if status in (404, 410):
            raise TransientError(PLATFORM, "the YouTube upload session expired; will start the upload again")
        if status >= 400:
            raise api_error(response)
        video_id = json_body(response).get("id")
        if not video_id:
            raise PermanentError(PLATFORM, "YouTube finished the upload but returned no video id")
        return str(video_id)

    def _set_thumbnail_or_log(self, video_id: str, url: str, credentials: Credentials) -> None:
        """Set the custom thumbnail; the video is already public, so a failure is logged, not raised."""
        try:
            image, content_type = self._download(url, "image")
            response = send(
                self.http,
                PLATFORM,
                "POST",
                f"{self.base_url}/upload/youtube/v3/thumbnails/set",
                params={"videoId": video_id, "uploadType": "media"},
                headers={**self._auth(credentials), "Content-Type": content_type},
                content=image,
            )
            if response.status_code >= 400:
                raise api_error(response)
        except PlatformError as error:
            logger.warning("YouTube video %s was published but its thumbnail was not set: %s", video_id, error.message)
