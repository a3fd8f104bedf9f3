"""LinkedIn client: versioned Posts API (text, images, documents), comment replies, account check, token refresh.

Every `/rest` call carries `LinkedIn-Version: YYYYMM`. LinkedIn serves each version for about a year and then
answers 426 `NONEXISTENT_VERSION`; that becomes a `DeprecatedVersionError` telling the operator to move
`LINKEDIN_API_VERSION` on.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from tools.content.text import split_link
from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    Credentials,
    Media,
    MentionPage,
    OutgoingPost,
    PermanentError,
    PostInsights,
    Published,
    fetch_media,
    first_message,
    json_body,
    raise_for_platform,
    refreshed_from,
    send,
)
from tools.platforms.linkedin_comments import answer
from tools.platforms.linkedin_insights import STATISTICS_PATH, read_insights
from tools.platforms.linkedin_mentions import read_mentions
from tools.platforms.reply_messages import conversation_of

PLATFORM = "linkedin"
MAX_IMAGES = 20
# What the Documents API takes: PDF, PowerPoint and Word files of at most 100 MB (and 300 pages).
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOCUMENT_NAMES = ", ".join(suffix.lstrip(".").upper() for suffix in DOCUMENT_TYPES)
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
VERSION_PATTERN = re.compile(r"^\d{6}(\.\d{2})?$")
VERSION_CODES = frozenset({"NONEXISTENT_VERSION", "VERSION_MISSING"})
ORGANIZATION_PREFIX = "urn:li:organization:"

# little text: these characters are markup and must be backslash-escaped to show as themselves.
RESERVED = frozenset("\\|{}@[]()<>#*_~")
# A hashtag: '#' not inside a word, then letters and digits with at least one letter.
HASHTAG = re.compile(r"(?<![\w#])#([^\W_]*[^\W\d_][^\W_]*)")


def escape_little(text: str) -> str:
    """`text` as little-text plain text: every reserved character backslash-escaped."""
    return "".join(f"\\{c}" if c in RESERVED else c for c in text)


def escape_commentary(text: str) -> str:
    r"""Post text as LinkedIn "little text" commentary.

    Reserved characters (``\ | { } @ [ ] ( ) < > # * _ ~``) are escaped, since LinkedIn otherwise cuts the
    post at the first one; each ``#word`` hashtag becomes the documented ``{hashtag|\#|word}`` template so it
    stays a clickable hashtag. A ``#`` inside a word (``C#``) or before digits only (``#1``) stays plain text.
    """
    parts: list[str] = []
    position = 0
    for match in HASHTAG.finditer(text):
        parts.append(escape_little(text[position : match.start()]))
        parts.append(f"{{hashtag|\\#|{match.group(1)}}}")
        position = match.end()
    parts.append(escape_little(text[position:]))
    return "".join(parts)


def post_url(urn: str) -> str:
    """The public URL of a post from its URN (urn:li:share:… or urn:li:ugcPost:…)."""
    return f"https://www.linkedin.com/feed/update/{urn}/"


def error_message(body: dict[str, Any], status: int) -> str:
    """LinkedIn's own explanation from an error body (API `message` or an OAuth error)."""
    return first_message(body, ("message", "error_description", "error")) or f"LinkedIn answered HTTP {status}"


def check_media(media: tuple[Media, ...], title: str | None = None) -> None:
    """Refuse media this client can't post to LinkedIn.

    A post takes up to twenty images, or one document (PDF, PPT(X), DOC(X)) with a title and nothing else.
    """
    documents = [m for m in media if m.kind == "document"]
    if documents:
        if len(media) > 1:
            raise PermanentError(PLATFORM, "a LinkedIn document post takes one document and no other media")
        if not (title or "").strip():
            raise PermanentError(PLATFORM, "a LinkedIn document post needs a title: add [title: …] to the draft")
        if document_suffix(documents[0].url) not in DOCUMENT_TYPES:
            raise PermanentError(PLATFORM, f"LinkedIn documents must be {DOCUMENT_NAMES} files, not {documents[0].url}")
        return
    kinds = sorted({m.kind for m in media if m.kind != "image"})
    if kinds:
        raise PermanentError(PLATFORM, f"only images can be attached to LinkedIn posts here, not {', '.join(kinds)}")
    if len(media) > MAX_IMAGES:
        raise PermanentError(PLATFORM, f"LinkedIn takes at most {MAX_IMAGES} images per post, not {len(media)}")


def document_suffix(url: str) -> str:
    """The file extension of an address's path, lower case with its dot (".pdf"), or "" when it has none."""
    parts = split_link(url.strip())
    name = parts.path.rsplit("/", 1)[-1].lower() if parts else ""
    return name[name.rfind(".") :] if "." in name else ""


class LinkedInClient:
    """LinkedIn's REST API as the member or organization in `credentials.account_id` (an author URN)."""

    platform = PLATFORM

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str = "https://api.linkedin.com",
        version: str = "202511",
        oauth_url: str = "https://www.linkedin.com",
    ) -> None:
        if not VERSION_PATTERN.match(version):
            raise ValueError(f"LinkedIn API version {version!r} is not YYYYMM; set LINKEDIN_API_VERSION like 202511.")
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.version = version
        self.oauth_url = oauth_url.rstrip("/")

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Create a public feed post (`POST /rest/posts`); the new post's URN comes back in `x-restli-id`.

        Images go through the Images API; a document (with the post's title) through the Documents API. With
        `post.reply_to` the text is a comment on that post or comment instead (`linkedin_comments` says how).
        """
        if conversation_of(post, PLATFORM):
            return answer(
                post, credentials.account_id, lambda path, body: self._call("POST", path, credentials, json=body)
            )
        check_media(post.media, post.title)
        body: dict[str, Any] = {
            "author": credentials.account_id,
            "commentary": escape_commentary(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        documents = [m for m in post.media if m.kind == "document"]
        images = [{"id": self._upload(m, credentials), "altText": m.alt} for m in post.media if m.kind == "image"]
        if documents:
            body["content"] = {"media": {"title": post.title, "id": self._upload(documents[0], credentials)}}
        elif len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        response = self._call("POST", "/rest/posts", credentials, json=body)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise PermanentError(PLATFORM, "LinkedIn answered without the post's URN (x-restli-id)")
        return Published(external_id=urn, url=post_url(urn))

    def check(self, credentials: Credentials) -> AccountInfo:
        """Whom the token posts as: the organization's name for an organization URN, else the member's."""
        if credentials.account_id.startswith(ORGANIZATION_PREFIX):
            organization_id = credentials.account_id.removeprefix(ORGANIZATION_PREFIX)
            response = self._call("GET", f"/rest/organizations/{quote(organization_id)}", credentials)
            return AccountInfo(
                account_id=credentials.account_id, name=str(json_body(response).get("localizedName", ""))
            )
        response = self._call("GET", "/v2/userinfo", credentials, versioned=False)
        body = json_body(response)
        return AccountInfo(account_id=f"urn:li:person:{body.get('sub', '')}", name=str(body.get("name", "")))

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """New credentials from the refresh token (`POST /oauth/v2/accessToken`), or None without one."""
        if credentials.refresh_token is None or app is None:
            return None
        form = {
            "grant_type": "refresh_token",
            "refresh_token": credentials.refresh_token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        }
        response = send(self.http, PLATFORM, "POST", f"{self.oauth_url}/oauth/v2/accessToken", data=form)
        return refreshed_from(
            PLATFORM, "LinkedIn", credentials, response, error_message=error_message, raise_for=self._raise_for
        )

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime statistics of an organization's posts, ten URNs a request; `linkedin_insights` maps them.

        Raises:
            PermanentError: (code "member_author") the author is a member, whose post statistics LinkedIn
                keeps to a restricted permission; no call is made.
        """
        author = credentials.account_id
        if not author.startswith(ORGANIZATION_PREFIX):
            raise PermanentError(
                PLATFORM,
                f"LinkedIn gives post statistics only for organization pages, and {author} is a member; "
                "connect the brand's LinkedIn page to sync its numbers",
                code="member_author",
            )
        return read_insights(
            external_ids,
            author,
            lambda query: json_body(self._call("GET", f"{STATISTICS_PATH}?{query}", credentials)),
        )

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Comments on the organization's recent posts newer than the `cursor` timestamp; `linkedin_mentions` says how.

        Raises:
            PermanentError: (code "member_author") the account is a member, whose posts' comments LinkedIn keeps
                to a restricted permission; no call is made.
        """
        author = credentials.account_id
        if not author.startswith(ORGANIZATION_PREFIX):
            raise PermanentError(
                PLATFORM,
                f"LinkedIn lets BrandPilot read comments only on organization pages, and {author} is a member; "
                "connect the brand's LinkedIn page to listen to it",
                code="member_author",
            )
        return read_mentions(author, cursor, limit, lambda path: json_body(self._call("GET", path, credentials)))

    def _upload(self, media: Media, credentials: Credentials) -> str:
        """Fetch the file from its URL and upload it with the Images or Documents API; returns its URN."""
        fetched = fetch_media(self.http, PLATFORM, media)
        api = "documents" if media.kind == "document" else "images"
        if media.kind == "document" and len(fetched.content) > MAX_DOCUMENT_BYTES:
            size = len(fetched.content) / 1024 / 1024
            raise PermanentError(PLATFORM, f"the document {media.url} is {size:.0f} MB; LinkedIn takes up to 100 MB")
        request = {"initializeUploadRequest": {"owner": credentials.account_id}}
        response = self._call("POST", f"/rest/{api}?action=initializeUpload", credentials, json=request)
        value = json_body(response).get("value") or {}
        upload_url, urn = value.get("uploadUrl"), value.get(media.kind)
        if not upload_url or not urn:
            raise PermanentError(
                PLATFORM, f"LinkedIn's {media.kind} upload answer had no uploadUrl or {media.kind} URN"
            )
        if not self._is_linkedin(upload_url):
            raise PermanentError(PLATFORM, f"LinkedIn gave an upload URL outside LinkedIn ({upload_url}); not sending")
        content_type = (
            DOCUMENT_TYPES[document_suffix(media.url)]
            if media.kind == "document"
            else fetched.headers.get("content-type") or mimetypes.guess_type(media.url)[0]
        )
        headers = {"Authorization": f"Bearer {credentials.access_token}"}
        if content_type:
            headers["Content-Type"] = content_type
        uploaded = send(self.http, PLATFORM, "PUT", upload_url, content=fetched.content, headers=headers)
        self._raise_for(uploaded)
        return str(urn)

    def _is_linkedin(self, url: str) -> bool:
        parts = split_link(url)
        host = (parts.hostname if parts else None) or ""
        return host == urlsplit(self.base_url).hostname or host == "linkedin.com" or host.endswith(".linkedin.com")

    def _call(
        self, method: str, path: str, credentials: Credentials, *, versioned: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {credentials.access_token}"}
        if versioned:
            headers["LinkedIn-Version"] = self.version
            headers["X-Restli-Protocol-Version"] = "2.0.0"
        response = send(self.http, PLATFORM, method, f"{self.base_url}{path}", headers=headers, **kwargs)
        self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        body = json_body(response)
        message = error_message(body, status)
        code = body.get("code") or (str(body["serviceErrorCode"]) if "serviceErrorCode" in body else None)
        deprecated = status == 426 or code in VERSION_CODES
        if deprecated:
            message = (
                f"{message} (sent LinkedIn-Version {self.version}); set LINKEDIN_API_VERSION to a current YYYYMM "
                "version from https://learn.microsoft.com/linkedin/marketing/versioning"
            )
        elif status == 422 and "duplicate" in message.lower():
            code = "duplicate"
        raise_for_platform(PLATFORM, response, message, code=code, deprecated=deprecated)
