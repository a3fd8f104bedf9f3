"""Instagram through the Graph API: publishing (containers, status, media_publish), comment replies and messages."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import httpx

from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    Credentials,
    Media,
    MentionPage,
    OutgoingPost,
    PermanentError,
    PlatformError,
    PostInsights,
    Published,
    TransientError,
)
from tools.platforms.instagram_insights import read_insights
from tools.platforms.instagram_mentions import read_mentions
from tools.platforms.meta import DEFAULT_VERSION, GRAPH_URL, GraphApi
from tools.platforms.meta_messages import graph_id, post_comment, send_message
from tools.platforms.reply_messages import conversation_of, conversation_text

log = logging.getLogger(__name__)

MAX_CAROUSEL_ITEMS = 10
STILL_PROCESSING_RETRY_AFTER = 30.0


class InstagramClient:
    """Posts as an Instagram professional account (`credentials.account_id` is its IG user id).

    Publishing is two calls with a container in between: POST /{ig_user}/media makes a container (one per
    carousel item plus the carousel), videos are processed until `status_code` is FINISHED, then
    POST /{ig_user}/media_publish publishes it. Once the container exists, every error raised carries
    `error.resume == {"container_id": ...}`; passing that back in `post.options` makes the next attempt reuse
    the container instead of making another, so a retry never publishes twice. Drop it when the post's caption
    or media changed.
    """

    platform = "instagram"

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str = GRAPH_URL,
        version: str = DEFAULT_VERSION,
        poll_interval: float = 3.0,
        max_wait: float = 90.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph = GraphApi(http, self.platform, base_url=base_url, version=version)
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.sleep = sleep

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Publish one image, one video (as a Reel) or a carousel of 2-10; the permalink is looked up afterwards.

        With `post.reply_to` or `post.dm_to` the text goes out as a comment reply or a direct message (`_answer`).
        """
        if conversation_of(post, self.platform):
            return self._answer(post, credentials)
        self._refuse_unpublishable(post)
        token, user = credentials.access_token, credentials.account_id
        container, ready = self._resumed(str(post.options.get("container_id") or ""), token)
        if not container:
            container = self._create(post, user, token)
            ready = all(item.kind == "image" for item in post.media)  # images are ready once the container exists
        try:
            if not ready:
                self._wait_until_finished(container, token)
            media_id = self.graph.post(f"{user}/media_publish", token, {"creation_id": container}).get("id")
        except PlatformError as exc:
            exc.resume = {**exc.resume, "container_id": container}
            raise
        if not media_id:
            raise PermanentError(self.platform, f"Instagram published container {container} but gave no media id")
        return Published(external_id=str(media_id), url=self._permalink(str(media_id), token))

    def check(self, credentials: Credentials) -> AccountInfo:
        """The account the token posts as, from GET /{ig_user_id}?fields=id,username."""
        answer = self.graph.get(credentials.account_id, credentials.access_token, fields="id,username")
        return AccountInfo(
            account_id=str(answer.get("id") or credentials.account_id), name=str(answer.get("username", ""))
        )

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """Always None: with Facebook Login, Instagram calls use the linked Page's token, which does not expire.

        A revoked token shows up as an `AuthError` and the brand reconnects the Page.
        """
        return None

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime numbers of the account's media, 50 a request; `instagram_insights` says how they are mapped."""
        return read_insights(self.graph, external_ids, credentials.access_token)

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Comments on recent media and media the account is tagged in; `instagram_mentions` maps them."""
        return read_mentions(self.graph, credentials.account_id, credentials.access_token, cursor, limit)

    def _answer(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """A text reply to a comment, or a direct message, as the account; `meta_messages` sends both.

        `post.reply_to` is an IG comment id, the `external_id` of an Instagram comment or reply mention: the reply
        is `POST /{ig-comment-id}/replies`, and Instagram files a reply to a reply under the top-level comment.
        A tagged-media mention's id is a media id, which this can't answer. `post.dm_to` is the person's
        Instagram-scoped id (IGSID), the `author` of an Instagram DM mention.

        The message goes through the Messenger Platform's Send API at graph.facebook.com, because this client
        uses Instagram's Facebook Login flavour (the linked Page's access token, IG user ids on
        graph.facebook.com); for that flavour Meta documents `POST /{PAGE_ID}/messages` with the Page token.
        The credentials hold the IG user id, not the Page's, and with a Page token Graph's `me` is that Page, so
        the message is `POST /me/messages` (the form Meta's Instagram messaging examples use), saving a lookup.
        `POST /{IG_ID}/messages` belongs to Instagram Login (graph.instagram.com, an Instagram user token) instead.
        Text only; neither answer has a public URL.
        """
        text = conversation_text(post, self.platform, "Instagram")
        token = credentials.access_token
        if post.dm_to:
            recipient = graph_id(post.dm_to, self.platform, "an Instagram-scoped id (IGSID) of a person")
            return send_message(self.graph, "me", token, recipient, text)
        comment = graph_id(post.reply_to or "", self.platform, "an Instagram comment id")
        return post_comment(self.graph, comment, "replies", token, text)

    def _refuse_unpublishable(self, post: OutgoingPost) -> None:
        if not post.media:
            raise PermanentError(
                self.platform,
                "Instagram posts need an image or video: add a public image or video URL to the post and try again",
            )
        if any(item.kind not in ("image", "video") for item in post.media):
            raise PermanentError(self.platform, "Instagram takes only images and videos; remove the document")
        if len(post.media) > MAX_CAROUSEL_ITEMS:
            raise PermanentError(
                self.platform,
                f"an Instagram carousel holds at most {MAX_CAROUSEL_ITEMS} items and this post has "
                f"{len(post.media)}; remove some",
            )

    def _resumed(self, container: str, token: str) -> tuple[str, bool]:
        """The container a resumed attempt can still publish and whether it is FINISHED; ("", False) to start over."""
        if not container:
            return "", False
        try:
            status = self._status(container, token)
        except PlatformError as exc:
            if isinstance(exc, PermanentError) and exc.code == "100":  # gone or never existed: nothing was published
                return "", False
            exc.resume = {**exc.resume, "container_id": container}
            raise
        if status == "PUBLISHED":
            raise self._already_published(container)
        if status in ("EXPIRED", "ERROR"):
            return "", False
        return container, status == "FINISHED"

    def _create(self, post: OutgoingPost, user: str, token: str) -> str:
        caption = {"caption": post.text} if post.text.strip() else {}
        if len(post.media) == 1:
            return self._container(user, token, _single_fields(post.media[0]) | caption)
        children = [self._container(user, token, _carousel_item_fields(item)) for item in post.media]
        for child, item in zip(children, post.media, strict=True):
            if item.kind == "video":
                self._wait_until_finished(child, token)
        return self._container(user, token, {"media_type": "CAROUSEL", "children": ",".join(children)} | caption)

    def _container(self, user: str, token: str, fields: dict[str, str]) -> str:
        container = self.graph.post(f"{user}/media", token, fields).get("id")
        if not container:
            raise PermanentError(self.platform, "Instagram answered the media container request without an id")
        return str(container)

    def _wait_until_finished(self, container: str, token: str) -> None:
        waited = 0.0
        while True:
            status = self._status(container, token)
            if status == "FINISHED":
                return
            if status == "PUBLISHED":
                raise self._already_published(container)
            if status in ("ERROR", "EXPIRED"):
                raise PermanentError(
                    self.platform,
                    f"Instagram could not process the media (container {container} is {status}); check that each "
                    "URL is public and the file meets Instagram's format limits",
                    code=status,
                )
            if waited >= self.max_wait:
                raise TransientError(
                    self.platform,
                    f"Instagram is still processing the media after {waited:.0f}s; will check again",
                    retry_after=STILL_PROCESSING_RETRY_AFTER,
                )
            self.sleep(self.poll_interval)
            waited += self.poll_interval

    def _status(self, container: str, token: str) -> str:
        return str(self.graph.get(container, token, fields="status_code").get("status_code", ""))

    def _already_published(self, container: str) -> PermanentError:
        return PermanentError(
            self.platform,
            f"Instagram already published container {container} (an earlier attempt succeeded but its answer was "
            "lost); the post is live, check the account instead of retrying",
        )

    def _permalink(self, media_id: str, token: str) -> str | None:
        try:
            return self.graph.get(media_id, token, fields="permalink").get("permalink") or None
        except PlatformError as exc:  # the post is live; a missing link must not make the caller retry it
            log.warning("instagram: published media %s but could not read its permalink: %s", media_id, exc)
            return None


def _single_fields(item: Media) -> dict[str, str]:
    if item.kind == "video":
        return {"media_type": "REELS", "video_url": item.url}
    return {"image_url": item.url} | ({"alt_text": item.alt} if item.alt else {})


def _carousel_item_fields(item: Media) -> dict[str, str]:
    if item.kind == "video":
        return {"media_type": "VIDEO", "video_url": item.url, "is_carousel_item": "true"}
    return {"image_url": item.url, "is_carousel_item": "true"} | ({"alt_text": item.alt} if item.alt else {})
