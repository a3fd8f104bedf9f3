"""Facebook Pages through the Graph API: feed posts, single-photo posts, comment replies and Messenger messages."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    Credentials,
    MentionPage,
    OutgoingPost,
    PermanentError,
    PostInsights,
    Published,
)
from tools.platforms.facebook_insights import read_insights
from tools.platforms.facebook_mentions import read_mentions
from tools.platforms.meta import DEFAULT_VERSION, GRAPH_URL, GraphApi
from tools.platforms.meta_messages import graph_id, post_comment, send_message
from tools.platforms.reply_messages import conversation_of, conversation_text


class FacebookClient:
    """Posts as a Facebook Page; `credentials.account_id` is the Page id and the token a Page access token."""

    platform = "facebook"

    def __init__(self, http: httpx.Client, *, base_url: str = GRAPH_URL, version: str = DEFAULT_VERSION) -> None:
        self.graph = GraphApi(http, self.platform, base_url=base_url, version=version)

    def publish(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """Post to the Page feed (`message`, plus `link` from `post.options["link"]`), or one photo by URL.

        A photo post takes the text as its caption; a link goes at the caption's end, since /photos has no link
        field. The Published id is the feed post's `{page_id}_{post_id}` (for a photo, its `post_id`).

        With `post.reply_to` or `post.dm_to` the text goes out as a reply or a Messenger message instead (see
        `_answer`).
        """
        if conversation_of(post, self.platform):
            return self._answer(post, credentials)
        page = credentials.account_id
        link = str(post.options.get("link") or "")
        text = post.text.strip()
        if len(post.media) > 1 or any(item.kind != "image" for item in post.media):
            raise PermanentError(
                self.platform,
                "BrandPilot publishes Facebook Page posts with text, a link or one image; "
                "remove the extra media or the video/document and try again",
            )
        if post.media:
            caption = text if not link or link in text else f"{text}\n\n{link}".strip()
            fields = {"url": post.media[0].url} | ({"caption": caption} if caption else {})
            answer = self.graph.post(f"{page}/photos", credentials.access_token, fields)
            post_id = answer.get("post_id") or answer.get("id")
        else:
            if not text and not link:
                raise PermanentError(self.platform, "a Facebook post needs text, a link or an image; add one")
            fields = ({"message": text} if text else {}) | ({"link": link} if link else {})
            post_id = self.graph.post(f"{page}/feed", credentials.access_token, fields).get("id")
        if not post_id:
            raise PermanentError(
                self.platform, "Facebook accepted the post but answered without its id; check the Page"
            )
        return Published(external_id=str(post_id), url=f"https://www.facebook.com/{post_id}")

    def check(self, credentials: Credentials) -> AccountInfo:
        """The Page the token posts as, from GET /{page_id}?fields=id,name."""
        answer = self.graph.get(credentials.account_id, credentials.access_token, fields="id,name")
        return AccountInfo(account_id=str(answer.get("id") or credentials.account_id), name=str(answer.get("name", "")))

    def refresh(self, credentials: Credentials, app: AppCredentials | None) -> Credentials | None:
        """Always None: a Page token obtained from a long-lived user token has no expiry, so there is nothing to renew.

        It stops working only when revoked (password change, app removed, role lost); that shows up as an
        `AuthError` and the brand reconnects the Page.
        """
        return None

    def insights(self, external_ids: Sequence[str], credentials: Credentials) -> list[PostInsights]:
        """Lifetime numbers of the Page's posts, 50 a request; `facebook_insights` says how they are mapped."""
        return read_insights(self.graph, external_ids, credentials.access_token)

    def mentions(self, credentials: Credentials, *, cursor: str | None = None, limit: int = 100) -> MentionPage:
        """Comments and visitor posts in the Page feed newer than the `cursor`; `facebook_mentions` maps them."""
        return read_mentions(self.graph, credentials.account_id, credentials.access_token, cursor, limit)

    def _answer(self, post: OutgoingPost, credentials: Credentials) -> Published:
        """A text reply as the Page, or a Messenger message from it; `meta_messages` sends both.

        `post.reply_to` is the id of a post or comment in the Page's feed as the mentions store it (a comment's
        `external_id`, `{post}_{comment}`, or a visitor post's `{page}_{post}`): the reply is
        `POST /{id}/comments`, and its Published id is the new comment's. How Facebook threads a reply to a reply
        (it shows two levels) was not verified against a live Page. `post.dm_to` is the person's Page-scoped id
        (PSID), the `author` of a Messenger DM mention: the message is `POST /{page-id}/messages` and its
        Published id the `message_id`. Text only; neither has a public URL.
        """
        text = conversation_text(post, self.platform, "Facebook")
        token = credentials.access_token
        if post.dm_to:
            recipient = graph_id(post.dm_to, self.platform, "a Messenger recipient's page-scoped id (PSID)")
            return send_message(self.graph, credentials.account_id, token, recipient, text)
        target = graph_id(post.reply_to or "", self.platform, "a Facebook post or comment id")
        return post_comment(self.graph, target, "comments", token, text)
