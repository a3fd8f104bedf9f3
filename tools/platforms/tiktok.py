"""TikTok Content Posting API client: direct-posts a video pulled from a public URL and waits until it is live."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    AuthError,
    Credentials,
    Media,
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
from tools.platforms.tiktok_insights import FIELDS, QUERY_PATH, read_insights

PLATFORM = "tiktok"
TITLE_MAX_UTF16 = 2200
RATE_LIMIT_WAIT = 60.0  # TikTok limits per user per minute and sends no Retry-After
PREFERRED_PRIVACY = "PUBLIC_TO_EVERYONE"
IN_PROGRESS = ("PROCESSING_DOWNLOAD", "PROCESSING_UPLOAD", "SEND_TO_USER_INBOX")

# Refusals that retrying the same post can't fix, in words a marketer can act on.
EXPLANATIONS = {
    "spam_risk_too_many_posts": "the account reached TikTok's daily cap on posts through apps; post again tomorrow",
    "spam_risk_user_banned_from_posting": "TikTok has banned this account from making new posts",
    "reached_active_user_cap": "BrandPilot's TikTok app reached its daily cap of accounts that may post through it",
    "unaudited_client_can_only_post_to_private_accounts": (
        "BrandPilot's TikTok app is not yet audited by TikTok, so it may only post to private accounts "
        "(set the TikTok account to private, or finish TikTok's app audit)"
    ),
    "privacy_level_option_mismatch": "the chosen privacy level is not one this TikTok account offers",
    "url_ownership_unverified": (
        "TikTok pulls videos only from domains or URL prefixes verified in the TikTok developer portal; "
        "verify the media host there"
    ),
    "scope_not_authorized": "the account did not grant the video.publish permission; reconnect TikTok",
}

# Why a post ended FAILED (the status answer's fail_reason), in plain words.
FAIL_REASONS = {
    "file_format_check_failed": "TikTok does not accept the video's file format",
    "duration_check_failed": "the video is too long or too short for TikTok",
    "frame_rate_check_failed": "TikTok does not accept the video's frame rate",
    "picture_size_check_failed": "TikTok does not accept the video's resolution",
    "video_pull_failed": "TikTok could not download the video from its URL",
    "internal": "TikTok had an internal error processing the video",
    "publish_cancelled": "the post was cancelled",
    "auth_removed": "the account removed BrandPilot's access while the video was processing",
    "spam_risk_too_many_posts": "the account reached TikTok's daily cap on posts made through apps",
    "spam_risk_user_banned_from_posting": "TikTok has banned this account from making new posts",
    "spam_risk_text": "TikTok flagged the caption as spam",
    "spam_risk": "TikTok flagged the post as spam",
}


def video_of(post: OutgoingPost) -> Media:
    """The post's video; TikTok posts are videos, so a post without one is refused before any call."""
    for media in post.media:
        if media.kind == "video":
            return media
    raise PermanentError(PLATFORM, "a TikTok post needs a video; attach one and approve the post again")


def choose_privacy(allowed: Sequence[str], wanted: str | None = None) -> str:
    """The privacy level to post with: `wanted` if the creator allows it, else public if allowed, else the first."""
    if wanted:
        if wanted in allowed:
            return wanted
        offered = ", ".join(allowed) or "none"
        raise PermanentError(
            PLATFORM, f"privacy level {wanted} is not offered by this TikTok account (it offers: {offered})"
        )
    if not allowed:
        raise PermanentError(PLATFORM, "TikTok offers no privacy level for this account, so it can't post now")
    return PREFERRED_PRIVACY if PREFERRED_PRIVACY in allowed else allowed[0]


def post_info(post: OutgoingPost, creator: Mapping[str, Any]) -> dict[str, Any]:
    """The init request's `post_info` for `post`, checked against the creator's settings and limits."""
    title = post.text
    if len(title.encode("utf-16-le")) // 2 > TITLE_MAX_UTF16:
        raise PermanentError(PLATFORM, f"the caption is longer than TikTok's {TITLE_MAX_UTF16} characters")
    duration = post.options.get("duration_sec")
    limit = creator.get("max_video_post_duration_sec")
    if duration is not None and limit and float(duration) > float(limit):
        raise PermanentError(
            PLATFORM, f"the video runs {float(duration):g} s but this TikTok account may post at most {limit} s"
        )
    options = post.options
    return {
        "title": title,
        "privacy_level": choose_privacy(creator.get("privacy_level_options") or [], options.get("privacy_level")),
        # A setting the creator turned off in the TikTok app must stay off.
        "disable_comment": bool(options.get("disable_comment", False) or creator.get("comment_disabled")),
        "disable_duet": bool(options.get("disable_duet", False) or creator.get("duet_disabled")),
        "disable_stitch": bool(options.get("disable_stitch", False) or creator.get("stitch_disabled")),
        "brand_content_toggle": bool(options.get("brand_content_toggle", False)),
        "brand_organic_toggle": bool(options.get("brand_organic_toggle", False)),
    }


def api_error(response: httpx.Response, body: Mapping[str, Any]) -> PlatformError | None:
    """The error a TikTok answer carries (`{"error": {"code", "message", "log_id"}}`), or None on success."""
    error = body.get("error")
    error = error if isinstance(error, Mapping) else {}
    code = str(error.get("code") or "")
    status = response.status_code
    if status < 400 and code in ("", "ok"):
        return None
    message = str(error.get("message") or f"HTTP {status}")
    log = f" (log id {error['log_id']})" if error.get("log_id") else ""
    if code == "access_token_invalid" or (status == 401 and code != "scope_not_authorized"):
        return AuthError(PLATFORM, f"TikTok refused the access token: {message}{log}", status=status, code=code)
    if code == "rate_limit_exceeded" or status == 429:
        wait = retry_after_seconds(response) or RATE_LIMIT_WAIT
        return TransientError(
            PLATFORM, f"TikTok's rate limit was hit; will retry{log}", retry_after=wait, status=status, code=code
        )
    if status >= 500 or code == "internal_error":
        return TransientError(
            PLATFORM,
            f"TikTok had a server error ({message}); will retry{log}",
            retry_after=retry_after_seconds(response),
            status=status,
            code=code,
        )
    explanation = EXPLANATIONS.get(code)
    text = f"{explanation} (TikTok said: {message})" if explanation else f"TikTok refused the request: {message}"
    return PermanentError(PLATFORM, text + log, status=status, code=code or None)


def oauth_error(response: httpx.Response, body: Mapping[str, Any]) -> PlatformError:
    """The error of a failed token refresh (`{"error", "error_description", "log_id"}`)."""
    if response.status_code == 429 or response.status_code >= 500:
        return TransientError(
            PLATFORM,
            f"TikTok's token endpoint failed (HTTP {response.status_code}); will retry",
            retry_after=retry_after_seconds(response),
            status=response.status_code,
        )
    code = body.get("error")
    if isinstance(code, Mapping):  # the v2 API shape, should the token endpoint ever use it
        return api_error(response, body) or PermanentError(PLATFORM, "TikTok's token answer had no access token")
    code = str(code or "")
    description = str(body.get("error_description") or f"HTTP {response.status_code}")
    if code == "invalid_grant":
        return AuthError(
            PLATFORM,
            f"TikTok refused the refresh token ({description}); the brand must reconnect TikTok",
            status=response.status_code,
            code=code,
        )
    if code == "invalid_client":
        return PermanentError(
            PLATFORM,
            f"TikTok refused BrandPilot's client key or secret ({description}); check the app credentials",
            status=response.status_code,
            code=code,
        )
    return PermanentError(
        PLATFORM, f"TikTok refused the token refresh: {code or description}", status=response.status_code, code=code
    )


def refuse_conversation(post: OutgoingPost) -> None:
    """Refuse a reply or direct message: TikTok's API for apps can't send either, so they are answered in the app.

    Raises:
        PermanentError: `post` is a reply or a direct message (or names both).
    """
    conversation = conversation_of(post, PLATFORM)
    if conversation is None:
        return
    what = "send direct messages" if conversation == "dm" else "reply to comments"
    raise PermanentError(PLATFORM, f"TikTok's Content Posting API can't {what}; answer in the TikTok app instead")


def explain_failure(reason: str) -> str:
    """A plain explanation of a FAILED post's `fail_reason`."""
    return FAIL_REASONS.get(reason, f"TikTok reported {reason or 'no reason'}")


class TikTokClient:
    """Direct Post with PULL_FROM_URL: creator info, init, then status polling until the post is live."""

    platform = PLATFORM

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str = "https://open.tiktokapis.com",
        poll_interval: float = 2.0,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.sleep = sleep

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Post the video and wait until TikTok has published it.

        `post.options` may hold `privacy_level`, `duration_sec` (checked against the creator's limit),
        `disable_comment` / `disable_duet` / `disable_stitch` and `brand_content_toggle` / `brand_organic_toggle`.
        Every error raised after TikTok accepted the post carries `error.resume == {"publish_id": ...}`; passing
        that back in `post.options` resumes waiting on the same post instead of posting the video a second time.

        A reply (`post.reply_to`) or direct message (`post.dm_to`) is refused before any call: the Content
        Posting API can neither answer comments nor send messages.
        """
        refuse_conversation(post)
        video = video_of(post)
        publish_id = post.options.get("publish_id")
        username = None
        if not publish_id:
            creator = self._call("POST", "/v2/post/publish/creator_info/query/", credentials)
            info = post_info(post, creator)
            username = creator.get("creator_username")
            data = self._call(
                "POST",
                "/v2/post/publish/video/init/",
                credentials,
                {"post_info": info, "source_info": {"source": "PULL_FROM_URL", "video_url": video.url}},
            )
            publish_id = data.get("publish_id")
            if not publish_id:
                raise PermanentError(PLATFORM, "TikTok accepted the post but returned no publish id")
        try:
            return self._wait(str(publish_id), credentials, username)
        except PlatformError as error:
            if error.retryable:  # a FAILED publish is over: a retry must start a new one, not poll the dead id
                error.resume = {**error.resume, "publish_id": str(publish_id)}
            raise

    def check(self, credentials: Credentials) -> AccountInfo:
        """Who the token posts as, from /v2/user/info/."""
        data = self._call("GET", "/v2/user/info/?fields=open_id,display_name", credentials)
        user = data.get("user") or {}
        if not user.get("open_id"):
            raise PermanentError(PLATFORM, "TikTok's user info answer had no open id")
        return AccountInfo(account_id=str(user["open_id"]), name=str(user.get("display_name") or user["open_id"]))

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """New credentials from the refresh token; TikTok rotates the refresh token on every refresh."""
        if app is None or not credentials.refresh_token:
            return None
        response = send(
            self.http,
            PLATFORM,
            "POST",
            f"{self.base_url}/v2/oauth/token/",
            data={
                "client_key": app.client_id,
                "client_secret": app.client_secret,
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
            },
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cache-Control": "no-cache"},
        )
        body = json_body(response)
        if response.status_code >= 400 or not body.get("access_token"):
            raise oauth_error(response, body)
        fresh = credentials.refreshed(body["access_token"], body.get("expires_in"), body.get("refresh_token"))
        scope = body.get("scope")
        return replace(fresh, scopes=tuple(s for s in scope.split(",") if s)) if scope else fresh

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime numbers of the account's videos, 20 a request; `tiktok_insights` says how they are mapped."""
        path = f"{QUERY_PATH}?fields={FIELDS}"
        try:
            return read_insights(
                external_ids, lambda ids: self._call("POST", path, credentials, {"filters": {"video_ids": ids}})
            )
        except PermanentError as error:
            if error.code != "scope_not_authorized":
                raise
            raise PermanentError(
                PLATFORM,
                f"the account did not grant the video.list permission BrandPilot reads video numbers with; "
                f"reconnect TikTok ({error.message})",
                status=error.status,
                code=error.code,
            ) from error

    def _wait(self, publish_id: str, credentials: Credentials, username: str | None) -> Published:
        waited = 0.0
        while True:
            data = self._call("POST", "/v2/post/publish/status/fetch/", credentials, {"publish_id": publish_id})
            status = data.get("status")
            if status == "PUBLISH_COMPLETE":
                return published(publish_id, data.get("publicaly_available_post_id"), username)
            if status == "FAILED":
                reason = str(data.get("fail_reason") or "")
                raise PermanentError(
                    PLATFORM, f"TikTok could not publish the video: {explain_failure(reason)}", code=reason or None
                )
            if waited >= self.max_wait:
                raise TransientError(
                    PLATFORM,
                    f"TikTok is still processing the video after {waited:g} s ({status}); will check again",
                    retry_after=max(self.poll_interval, 30.0),
                )
            self.sleep(self.poll_interval)
            waited += self.poll_interval

    def _call(
        self, method: str, path: str, credentials: Credentials, payload: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {credentials.access_token}"}
        content = None
        if method == "POST":
            headers["Content-Type"] = "application/json; charset=UTF-8"
            content = json.dumps(payload).encode() if payload is not None else None
        response = send(self.http, PLATFORM, method, self.base_url + path, headers=headers, content=content)
        body = json_body(response)
        error = api_error(response, body)
        if error is not None:
            raise error
        data = body.get("data")
        return data if isinstance(data, dict) else {}


def published(publish_id: str, post_ids: Any, username: str | None = None) -> Published:
    """The result of a completed post: TikTok's public post id when it gave one, else the publish id.

    A private (SELF_ONLY) post, or one still in moderation, has no public id yet.
    """
    ids = post_ids if isinstance(post_ids, list) else [post_ids] if post_ids else []
    if not ids:
        return Published(external_id=publish_id)
    post_id = str(ids[0])
    url = f"https://www.tiktok.com/@{username}/video/{post_id}" if username else None
    return Published(external_id=post_id, url=url)
