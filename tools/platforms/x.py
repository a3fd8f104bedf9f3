"""X (Twitter) API v2 client: posts, threads and replies with images, direct messages, account check, token refresh.

Threads are not atomic on X: each part is its own post replying to the previous one. When a later part fails,
`publish` raises a `PartialThreadError` whose `posted_ids` (also `resume["posted_ids"]`) are the parts already
live. Publishing the same post again with `options={"posted_ids": error.posted_ids}` continues the thread after
them instead of posting the first parts twice.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

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
    fetch_media,
    first_message,
    json_body,
    raise_for_platform,
    refreshed_from,
    send,
)
from tools.platforms.reply_messages import conversation_of, conversation_text
from tools.platforms.x_insights import read_insights
from tools.platforms.x_mentions import read_mentions

PLATFORM = "x"
MAX_IMAGES = 4
MAX_QUERY = 512
USER_ID = re.compile(r"[0-9]{1,20}")


class PartialThreadError(PlatformError):
    """A thread stopped part-way: `posted_ids` are the parts already posted, in order.

    `resume` is `{"posted_ids": [...]}`, which the publisher merges into the next attempt's options. Never raised
    as such: the concrete classes below also inherit the failure's own class, so `retryable`, `retry_after` and
    `isinstance(error, AuthError)` still say what went wrong.
    """

    def __init__(self, platform: str, message: str, *, posted_ids: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(platform, message, resume={"posted_ids": list(posted_ids)}, **kwargs)
        self.posted_ids = posted_ids


class PartialThreadTransientError(PartialThreadError, TransientError):
    """A thread stopped on a retryable failure; resume it later with `posted_ids`."""


class PartialThreadPermanentError(PartialThreadError, PermanentError):
    """A thread stopped on a failure that repeating the same part can't fix."""


class PartialThreadAuthError(PartialThreadError, AuthError):
    """A thread stopped because the token was refused; refresh or reconnect, then resume with `posted_ids`."""


def partial_thread_error(error: PlatformError, posted_ids: tuple[str, ...], total: int) -> PartialThreadError:
    """`error` (raised by a thread's part after `posted_ids`) as the matching `PartialThreadError`."""
    message = (
        f"the thread stopped after {len(posted_ids)} of {total} posts ({error.message}); "
        "publishing again with the posted ids continues it"
    )
    kwargs: dict[str, Any] = {"posted_ids": posted_ids, "status": error.status, "code": error.code}
    if isinstance(error, TransientError):
        return PartialThreadTransientError(
            error.platform, message, retry_after=error.retry_after, ambiguous=error.ambiguous, **kwargs
        )
    if isinstance(error, AuthError):
        return PartialThreadAuthError(error.platform, message, **kwargs)
    return PartialThreadPermanentError(error.platform, message, **kwargs)


def error_message(body: dict[str, Any], status: int) -> str:
    """X's own explanation from an error body (problem details, `errors` list or an OAuth error)."""
    errors = body.get("errors")
    if isinstance(errors, list):
        messages = [str(e["message"]) for e in errors if isinstance(e, dict) and e.get("message")]
        if messages:
            return "; ".join(messages)
    return first_message(body, ("detail", "title", "error_description", "error")) or f"X answered HTTP {status}"


def raise_for_x(response: httpx.Response) -> None:
    """Raise the right `PlatformError` for a failed X answer; a duplicate post gets code "duplicate"."""
    if response.status_code < 400:
        return
    message = error_message(json_body(response), response.status_code)
    code = "duplicate" if response.status_code == 403 and "duplicate content" in message.lower() else None
    raise_for_platform(PLATFORM, response, message, code=code)


def check_media(media: tuple[Media, ...]) -> None:
    """Refuse media X can't take on a post here: anything but images, or more than four."""
    kinds = sorted({m.kind for m in media if m.kind != "image"})
    if kinds:
        raise PermanentError(PLATFORM, f"only images can be attached to X posts here, not {', '.join(kinds)}")
    if len(media) > MAX_IMAGES:
        raise PermanentError(PLATFORM, f"X takes at most {MAX_IMAGES} images per post, this post has {len(media)}")


def status_url(tweet_id: str) -> str:
    """The public URL of a post."""
    return f"https://x.com/i/web/status/{tweet_id}"


class XClient:
    """X API v2 with an OAuth 2.0 user-context token (`Authorization: Bearer`)."""

    platform = PLATFORM

    def __init__(self, http: httpx.Client, *, base_url: str = "https://api.x.com") -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Post the text (a thread part by part) with its images on the first post.

        With `post.reply_to` (an X post id: the `external_id` of an X mention or reply) the first post answers
        that post, and a thread then hangs under it. With `post.dm_to` the text goes as a direct message instead
        (see `_send_dm`). `post.options["posted_ids"]` (from a `PartialThreadError`) resumes a thread after those
        posts; media is then not uploaded again, since it belongs to the first post.
        """
        if not post.parts:
            raise PermanentError(PLATFORM, "the post has no text to publish")
        conversation = conversation_of(post, PLATFORM)
        if conversation:
            text = conversation_text(post, PLATFORM, "X", media_allowed=True)
            if conversation == "dm":
                return self._send_dm(post, text, credentials)
        check_media(post.media)
        ids = [str(i) for i in post.options.get("posted_ids") or ()]
        media_ids = [] if ids else [self._upload(m, credentials) for m in post.media]
        for index in range(len(ids), len(post.parts)):
            body: dict[str, Any] = {"text": post.parts[index]}
            if ids or post.reply_to:
                body["reply"] = {"in_reply_to_tweet_id": ids[-1] if ids else post.reply_to}
            if index == 0 and media_ids:
                body["media"] = {"media_ids": media_ids}
            try:
                ids.append(self._create(body, credentials))
            except PlatformError as exc:
                if not ids:
                    raise
                raise partial_thread_error(exc, tuple(ids), len(post.parts)) from exc
        return Published(external_id=ids[0], url=status_url(ids[0]), part_ids=tuple(ids))

    def check(self, credentials: Credentials) -> AccountInfo:
        """Whom the token posts as (`GET /2/users/me`): the user id and @username."""
        response = self._call("GET", "/2/users/me", credentials)
        data = json_body(response).get("data") or {}
        return AccountInfo(account_id=str(data.get("id", "")), name=str(data.get("username", "")))

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """New credentials from the refresh token; X rotates it, so the new one replaces the old.

        A confidential client (with a secret) authenticates with HTTP Basic; a public one sends only its id.
        """
        if credentials.refresh_token is None or app is None:
            return None
        form = {"grant_type": "refresh_token", "refresh_token": credentials.refresh_token, "client_id": app.client_id}
        auth = (app.client_id, app.client_secret) if app.client_secret else None
        response = send(self.http, PLATFORM, "POST", f"{self.base_url}/2/oauth2/token", data=form, auth=auth)
        return refreshed_from(PLATFORM, "X", credentials, response, error_message=error_message, raise_for=raise_for_x)

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime numbers of the account's posts (`GET /2/tweets`, 100 a request); `x_insights` maps them."""
        return read_insights(
            external_ids, lambda params: json_body(self._call("GET", "/2/tweets", credentials, params=dict(params)))
        )

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Posts mentioning the account (`GET /2/users/:id/mentions`), newer than the `cursor` post id.

        `x_mentions` says how they are mapped; the next cursor is X's `meta.newest_id`.
        """
        path = f"/2/users/{quote(credentials.account_id, safe='')}/mentions"
        return read_mentions(
            credentials.account_id,
            cursor,
            limit,
            lambda params: json_body(self._call("GET", path, credentials, params=dict(params))),
        )

    def search(
        self, query: str, credentials: Credentials, *, cursor: str | None = None, limit: int = 100
    ) -> MentionPage:
        """Recent posts matching an X search `query` (`GET /2/tweets/search/recent`), newer than the `cursor` post id.

        Used to follow competitors; mapped like mentions (`x_mentions`). Search pages with `next_token`, where the
        mentions timeline uses `pagination_token`, and asks for 10 to 100 posts a page. The query is at most 512
        characters (X's basic limit).
        """
        if not query.strip() or len(query) > MAX_QUERY:
            raise PermanentError(PLATFORM, f"an X search query must be 1 to {MAX_QUERY} characters")

        def page(params: Mapping[str, str]) -> dict[str, Any]:
            wanted = {("next_token" if k == "pagination_token" else k): v for k, v in params.items()}
            wanted["max_results"] = str(max(int(wanted.get("max_results", "10")), 10))  # search takes 10 to 100
            answer = self._call("GET", "/2/tweets/search/recent", credentials, params={**wanted, "query": query})
            return json_body(answer)

        return read_mentions(credentials.account_id, cursor, limit, page)

    def _send_dm(self, post: OutgoingPost, text: str, credentials: Credentials) -> Published:
        """Send `text` (a thread's parts joined) and at most one image as a one-to-one direct message.

        `POST /2/dm_conversations/with/{participant_id}/messages` (X API v2 Direct Messages, needs the dm.write
        scope) opens the conversation or adds to it. `post.dm_to` is the recipient's numeric user id: for a DM
        mention that is the sender's id, not the @handle a mention's `author` holds. An image is uploaded as
        `dm_image` and attached (X takes one attachment per message). Published is the answer's `dm_event_id`,
        with the conversation's address in the brand's inbox. X has no idempotency key for messages, so a retry
        after a lost answer may send the message twice.
        """
        recipient = (post.dm_to or "").strip()
        if not USER_ID.fullmatch(recipient):
            raise PermanentError(
                PLATFORM,
                f"X sends direct messages to a numeric user id, not {recipient!r}; use the sender's id from the DM, "
                "not their @handle",
            )
        if len(post.media) > 1 or any(m.kind != "image" for m in post.media):
            raise PermanentError(PLATFORM, "an X direct message takes at most one image; remove the other media")
        body: dict[str, Any] = {"text": text}
        if post.media:
            body["attachments"] = [{"media_id": self._upload(post.media[0], credentials, category="dm_image")}]
        response = self._call("POST", f"/2/dm_conversations/with/{recipient}/messages", credentials, json=body)
        data = json_body(response).get("data") or {}
        event_id, conversation = data.get("dm_event_id"), data.get("dm_conversation_id")
        if not event_id:
            raise PermanentError(
                PLATFORM, "X answered the direct message without its event id", status=response.status_code
            )
        url = f"https://x.com/messages/{conversation}" if conversation else None
        return Published(external_id=str(event_id), url=url)

    def _create(self, body: dict[str, Any], credentials: Credentials) -> str:
        response = self._call("POST", "/2/tweets", credentials, json=body)
        tweet_id = (json_body(response).get("data") or {}).get("id")
        if not tweet_id:
            raise PermanentError(PLATFORM, "X answered without a post id", status=response.status_code)
        return str(tweet_id)

    def _upload(self, media: Media, credentials: Credentials, *, category: str = "tweet_image") -> str:
        """Fetch the image from its URL, upload it (one-shot `POST /2/media/upload`) and set its alt text."""
        fetched = fetch_media(self.http, PLATFORM, media)
        content_type = fetched.headers.get("content-type", "").split(";")[0].strip()
        if not content_type.startswith("image/"):
            content_type = mimetypes.guess_type(media.url)[0] or "application/octet-stream"
        filename = media.url.rsplit("/", 1)[-1].split("?")[0] or "image"
        response = self._call(
            "POST",
            "/2/media/upload",
            credentials,
            files={"media": (filename, fetched.content, content_type)},
            data={"media_category": category},
        )
        media_id = (json_body(response).get("data") or {}).get("id")
        if not media_id:
            raise PermanentError(PLATFORM, "X answered the upload without a media id", status=response.status_code)
        if media.alt:
            metadata = {"id": str(media_id), "metadata": {"alt_text": {"text": media.alt}}}
            self._call("POST", "/2/media/metadata", credentials, json=metadata)
        return str(media_id)

    def _call(self, method: str, path: str, credentials: Credentials, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {credentials.access_token}"}
        response = send(self.http, PLATFORM, method, f"{self.base_url}{path}", headers=headers, **kwargs)
        raise_for_x(response)
        return response
