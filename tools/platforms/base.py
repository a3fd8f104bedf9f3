"""What every platform client shares: the post it sends, what comes back, credentials and classified errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol, runtime_checkable

import httpx

from tools.content.text import find_markers
from tools.monitor.mentions import Mention

MediaKind = Literal["image", "video", "document"]


@dataclass(frozen=True)
class Media:
    """One media item of a post: a public URL (what Instagram, TikTok and Facebook pull) and its alt text."""

    kind: MediaKind
    url: str
    alt: str = ""


@dataclass(frozen=True)
class OutgoingPost:
    """An approved post as a platform client sends it.

    `post_id` is BrandPilot's scheduled-post id; clients pass it where the API takes a client reference so
    a retry can be recognised. `parts` holds one text, or an X thread's posts in order. `title` is YouTube's video
    title or a LinkedIn document's. `reply_to` is the platform id of the post or comment this text answers (a reply
    to a comment, or an X reply); `dm_to` is the platform id of the person a direct message goes to. A client that
    can't send one of those raises `PermanentError` saying so.
    """

    post_id: str
    platform: str
    parts: tuple[str, ...]
    media: tuple[Media, ...] = ()
    title: str | None = None
    reply_to: str | None = None
    dm_to: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The whole text (a thread's parts joined by blank lines)."""
        return "\n\n".join(self.parts)


@dataclass(frozen=True)
class Published:
    """What the platform answered: its id for the post, the public URL, and ids of further thread parts."""

    external_id: str
    url: str | None = None
    part_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credentials:
    """One brand's account on one platform, as stored encrypted in the database.

    `account_id` is whom the client posts as: X user id, LinkedIn author URN, Facebook page id, Instagram
    business account id, TikTok open id, YouTube channel id.
    """

    access_token: str = field(repr=False)
    account_id: str
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()

    def expires_within(self, window: timedelta, now: datetime | None = None) -> bool:
        """Whether the access token expires within `window` from `now` (never, without an expiry)."""
        if self.expires_at is None:
            return False
        return self.expires_at <= (now or datetime.now(UTC)) + window

    def refreshed(self, access_token: str, expires_in: float | None, refresh_token: str | None = None) -> Credentials:
        """These credentials with a new access token (and a new refresh token when the platform rotates it)."""
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else None
        return replace(
            self, access_token=access_token, expires_at=expires_at, refresh_token=refresh_token or self.refresh_token
        )


@dataclass(frozen=True)
class AppCredentials:
    """The BrandPilot app's own OAuth client on a platform (from the environment), used to refresh tokens."""

    client_id: str
    client_secret: str


@dataclass(frozen=True)
class AccountInfo:
    """Who a token posts as, from the platform's own answer."""

    account_id: str
    name: str


class PlatformError(Exception):
    """A platform refused or failed a call; `message` says what happened in plain words.

    `resume` holds what a retry must reuse instead of redoing (thread ids already posted, a media container,
    an upload session); the publisher merges it into the post's `options` for the next attempt.
    """

    retryable = False

    def __init__(
        self,
        platform: str,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        resume: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{platform}: {message}")
        self.platform = platform
        self.message = message
        self.status = status
        self.code = code
        self.resume = dict(resume or {})


class TransientError(PlatformError):
    """Worth retrying later: rate limits, server errors, dropped connections. `retry_after` in seconds."""

    retryable = True

    def __init__(
        self, platform: str, message: str, *, retry_after: float | None = None, ambiguous: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(platform, message, **kwargs)
        self.retry_after = retry_after
        self.ambiguous = ambiguous  # the request left and no answer came back: it may have been carried out


class PermanentError(PlatformError):
    """Retrying the same request can't succeed (a rejected post, a missing permission)."""


class AuthError(PermanentError):
    """The token was refused: refresh it if the platform allows, else the brand must reconnect."""


class DeprecatedVersionError(PermanentError):
    """The platform no longer serves the API version BrandPilot is set to use."""


class PlatformClient(Protocol):
    """One platform's API. Every call takes the brand's credentials; no client holds global state."""

    platform: str

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Publish the post now; raise a `PlatformError` subclass on failure."""
        ...

    def check(self, credentials: Credentials) -> AccountInfo:
        """Confirm the token works and say whom it posts as."""
        ...

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """New credentials from the refresh token, or None when the platform or these credentials can't refresh."""
        ...


@dataclass(frozen=True)
class PostInsights:
    """A post's lifetime numbers as the platform reports them now (a snapshot, not a day's numbers).

    `totals` holds any of impressions, reach, engagements, clicks and video_views: only what the platform reports.
    """

    external_id: str
    totals: Mapping[str, float]


@runtime_checkable
class InsightsClient(Protocol):
    """A platform client that reads its posts' numbers (each platform module says how it maps them)."""

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """The numbers of these posts, in the order asked, batched per the API's limit.

        A post the platform no longer has is left out of the answer, not an error. A refused token raises
        `AuthError` and a rate limit `TransientError` with `retry_after`, as publishing does.
        """
        ...


@dataclass(frozen=True)
class MentionPage:
    """Mentions read in one poll, newest last, and the cursor to pass next time (None: keep the old one)."""

    mentions: list[Mention]
    cursor: str | None


@runtime_checkable
class MentionsClient(Protocol):
    """A platform client that polls what people say to or about the account (each `*_mentions` module says how)."""

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Mentions newer than `cursor` (at most `limit`, the newest), as `Mention(source="poll")`, oldest first.

        `cursor` is the platform's own since-id or timestamp from the previous page; without one the most recent
        `limit` are read. What the account itself wrote is left out. A refused token raises `AuthError` and a rate
        limit `TransientError` with `retry_after`; an answer not in the documented shape a `PlatformError`.
        """
        ...


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or an HTTP date) or an `x-rate-limit-reset` epoch header."""
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return max(int(reset) - (now or datetime.now(UTC)).timestamp(), 0.0)
    return None


def raise_for_platform(
    platform: str, response: httpx.Response, message: str, *, code: str | None = None, deprecated: bool = False
) -> None:
    """Turn a failed HTTP answer into the right `PlatformError`; `message` is the platform's own explanation."""
    status = response.status_code
    if status < 400:
        return
    if deprecated:
        raise DeprecatedVersionError(platform, message, status=status, code=code)
    if status == 429 or status >= 500:
        raise TransientError(platform, message, retry_after=retry_after_seconds(response), status=status, code=code)
    if status == 401:
        raise AuthError(platform, message, status=status, code=code)
    raise PermanentError(platform, message, status=status, code=code)


def send(client: httpx.Client, platform: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One HTTP call; a dropped connection or timeout becomes a `TransientError` (status checks are the caller's)."""
    try:
        return client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # nothing reached the platform
        raise TransientError(platform, f"the connection failed ({type(exc).__name__}); will retry") from exc
    except (httpx.TransportError, httpx.TimeoutException) as exc:
        ambiguous = method.upper() not in ("GET", "HEAD")  # a write may have been carried out before the drop
        what = "the platform may have received it" if ambiguous else "will retry"
        raise TransientError(
            platform, f"no answer came back ({type(exc).__name__}); {what}", ambiguous=ambiguous
        ) from exc


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when the body is empty or not a JSON object."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def first_message(body: Mapping[str, Any], keys: Iterable[str]) -> str | None:
    """The value of the first of `keys` that is set (not empty) in an error body, as text; None when none is."""
    for key in keys:
        if body.get(key):
            return str(body[key])
    return None


def fetch_media(http: httpx.Client, platform: str, media: Media) -> httpx.Response:
    """Download a media item from its public URL, following redirects and without the platform's token.

    The host failing with 429 or 5xx is a `TransientError`, any other HTTP failure a `PermanentError`.
    """
    fetched = send(http, platform, "GET", media.url, follow_redirects=True)
    status = fetched.status_code
    if status >= 400:
        message = f"could not fetch the {media.kind} {media.url} (HTTP {status})"
        if status == 429 or status >= 500:
            raise TransientError(platform, message, status=status)
        raise PermanentError(platform, message, status=status)
    return fetched


def refreshed_from(
    platform: str,
    name: str,
    credentials: Credentials,
    response: httpx.Response,
    *,
    error_message: Callable[[dict[str, Any], int], str],
    raise_for: Callable[[httpx.Response], None],
) -> Credentials:
    """`credentials` renewed from an OAuth 2.0 refresh-token answer (`name` is the platform as people call it).

    A 400 or 401 means the refresh token or the app was refused: an `AuthError` telling the brand to reconnect.
    Other failures go through the platform's `raise_for`; a rotated refresh token replaces the old one.
    """
    if response.status_code in (400, 401):
        reason = error_message(json_body(response), response.status_code)
        raise AuthError(
            platform,
            f"{name} refused the refresh token ({reason}); reconnect the {name} account",
            status=response.status_code,
        )
    raise_for(response)
    body = json_body(response)
    if not body.get("access_token"):
        raise PermanentError(platform, f"{name}'s token answer had no access_token")
    return credentials.refreshed(body["access_token"], body.get("expires_in"), body.get("refresh_token"))


def media_in(text: str) -> tuple[Media, ...]:
    """The media a draft names with `[image|video|document: URL]` markers, each with the `[alt: ...]` after it.

    Raises:
        ValueError: a marker names something that is not a web address the platform can fetch.
    """
    media: list[Media] = []
    for marker in find_markers(text):
        if marker.kind == "alt" and media and not media[-1].alt:
            media[-1] = replace(media[-1], alt=marker.value)
        elif marker.kind in ("image", "video", "document"):
            if not marker.value.lower().startswith(("https://", "http://")):
                raise ValueError(
                    f"the {marker.kind} {marker.value!r} in the draft is not a web address the platform can fetch; "
                    f"edit the draft to name it as [{marker.kind}: https://…]"
                )
            media.append(Media(kind=marker.kind, url=marker.value))
    return tuple(media)


def title_in(text: str) -> str | None:
    """The `[title: ...]` a draft gives (YouTube's video title, a LinkedIn document's), if any."""
    return next((m.value for m in find_markers(text) if m.kind == "title" and m.value), None)


_X_STATUS = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/(?:[A-Za-z0-9_]{1,15}|i/web)/status(?:es)?/(\d{1,20})"
)


def x_post_id(value: str) -> str | None:
    """The post id in an X post's address (x.com or twitter.com, `/status/ID`) or a bare numeric id, else None."""
    value = value.strip()
    if value.isdigit() and len(value) <= 20:
        return value
    match = _X_STATUS.match(value)
    return match.group(1) if match else None
