"""Facebook Page mentions through the Graph API: comments and visitor posts in the Page feed, in one read.

    GET /{page-id}/feed?fields=id,message,created_time,from,permalink_url,
        comments.filter(stream).order(reverse_chronological).limit(50){id,message,created_time,from,parent,
        permalink_url}&limit=25

How the feed becomes mentions (the Page feed holds the Page's posts, posts by visitors and public posts the
Page is tagged in; `filter(stream)` brings replies along with top-level comments):

    comment      external_id id, kind "reply" with a parent comment (in_reply_to its id), else "comment"
                 (in_reply_to the post id); url the comment's permalink_url, else the post's
    visitor post external_id id, kind "mention", url permalink_url
    author       from.id (Facebook gives no handle), author_name from.name; followers 0
    created_at   created_time (Graph's "+0000" form, UTC)

The cursor is the newest created_time seen. Only the 50 newest comments of the 25 most recent feed posts are
read. The Page's own posts and comments are left out, and so is anything whose `from` Graph withholds (it does
for some users' posts; the Page's `mention` webhook covers those). Needs a Page token with
pages_read_engagement and pages_read_user_content.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.monitor.mentions import Mention, MentionKind, language_of
from tools.platforms.base import MentionPage
from tools.platforms.mentions import (
    SkippedItem,
    cursor_time,
    malformed,
    newest_page,
    objects,
    parse_time,
    required,
    skip,
    text_of,
)
from tools.platforms.meta import GraphApi

PLATFORM = "facebook"
RECENT_POSTS = 25
COMMENTS_PER_POST = 50
COMMENT_FIELDS = "id,message,created_time,from,parent,permalink_url"
FEED_FIELDS = (
    "id,message,created_time,from,permalink_url,"
    f"comments.filter(stream).order(reverse_chronological).limit({COMMENTS_PER_POST}){{{COMMENT_FIELDS}}}"
)


def read_mentions(graph: GraphApi, page_id: str, token: str, cursor: str | None, limit: int) -> MentionPage:
    """Comments and visitor posts newer than the `cursor` timestamp, oldest first."""
    since = cursor_time(cursor, PLATFORM)
    body = graph.get(f"{page_id}/feed", token, fields=FEED_FIELDS, params={"limit": str(RECENT_POSTS)})
    if not isinstance(body.get("data"), list):
        raise malformed(PLATFORM, "Facebook", "no list of data")
    found: list[Mention] = []
    for post in objects(body["data"]):
        items = [(post, None)] + [(c, post) for c in objects(_mapping(post.get("comments")).get("data"))]
        for item, parent_post in items:
            if str(_mapping(item.get("from")).get("id")) == page_id:
                continue
            try:
                found.append(facebook_mention(item, parent_post))
            except (SkippedItem, ValueError) as error:
                skip(PLATFORM, f"{'comment' if parent_post else 'post'} {item.get('id')!r}", error)
    return newest_page(found, since, limit)


def facebook_mention(item: Mapping[str, Any], post: Mapping[str, Any] | None) -> Mention:
    """A comment on `post`, or (with `post` None) a visitor's post in the feed, as a mention.

    Raises:
        SkippedItem: the item lacks its id, time, or the author Graph withholds.
    """
    sender = _mapping(item.get("from"))
    author = sender.get("id")
    if not isinstance(author, str) or not author:
        raise SkippedItem("Graph withheld who wrote it (no from)")
    parent = _mapping(item.get("parent")).get("id")
    kind: MentionKind = "mention" if post is None else "reply" if parent else "comment"
    in_reply_to = None if post is None else str(parent or post.get("id") or "") or None
    url = item.get("permalink_url") or (post or {}).get("permalink_url")
    text = text_of(item.get("message"))
    return Mention(
        platform=PLATFORM, external_id=required(item, "id"), author=author, author_id=author,
        author_name=sender.get("name") if isinstance(sender.get("name"), str) else None,
        created_at=parse_time(item.get("created_time")), text=text, language=language_of(text), kind=kind,
        in_reply_to=in_reply_to, url=url if isinstance(url, str) else None, source="poll",
    )  # fmt: skip


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
