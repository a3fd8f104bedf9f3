"""Instagram mentions through the Graph API: comments on the account's recent media, and media it is tagged in.

Two reads a poll:

    GET /{ig-user-id}/media?fields=id,permalink,comments.limit(50){id,text,timestamp,username,from}&limit=25
    GET /{ig-user-id}/tags?fields=id,caption,timestamp,username,permalink&limit={limit, at most 50}

How they become mentions:

    comment      external_id id, author from.username (else username, else from.id), text text, kind "comment",
                 in_reply_to the media id, url the media's permalink
    tagged media external_id id, author username, text caption, kind "mention", url permalink
    created_at   timestamp (Graph's "+0000" form, UTC); followers 0 (Graph gives no commenter reach here)

The cursor is the newest timestamp seen. Only the 50 newest top-level comments of the 25 most recent media are
read; replies, comments on older media, and @mentions in captions or comments elsewhere (which Instagram
announces only by webhook, with ids to look up) are not polled. Comments by the account itself are left out.
Needs instagram_basic, instagram_manage_comments and pages_read_engagement.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tools.monitor.mentions import Mention, language_of
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

PLATFORM = "instagram"
RECENT_MEDIA = 25
COMMENTS_PER_MEDIA = 50
MAX_TAGS = 50
MEDIA_FIELDS = f"id,permalink,comments.limit({COMMENTS_PER_MEDIA}){{id,text,timestamp,username,from}}"
TAG_FIELDS = "id,caption,timestamp,username,permalink"


def read_mentions(graph: GraphApi, account_id: str, token: str, cursor: str | None, limit: int) -> MentionPage:
    """Comments and tags newer than the `cursor` timestamp, oldest first."""
    since = cursor_time(cursor, PLATFORM)
    media = _data(graph.get(f"{account_id}/media", token, fields=MEDIA_FIELDS, params={"limit": str(RECENT_MEDIA)}))
    tags_limit = str(min(max(limit, 1), MAX_TAGS))
    tagged = _data(graph.get(f"{account_id}/tags", token, fields=TAG_FIELDS, params={"limit": tags_limit}))
    found: list[Mention] = []
    for item in media:
        comments = item.get("comments") if isinstance(item.get("comments"), Mapping) else {}
        for comment in objects(comments.get("data")):
            sender = comment.get("from") if isinstance(comment.get("from"), Mapping) else {}
            if str(sender.get("id")) == account_id:
                continue
            _add(found, f"comment {comment.get('id')!r}", lambda c=comment, m=item: comment_mention(c, m))
    for item in tagged:
        _add(found, f"tagged media {item.get('id')!r}", lambda t=item: tag_mention(t))
    return newest_page(found, since, limit)


def comment_mention(comment: Mapping[str, Any], media: Mapping[str, Any]) -> Mention:
    """One comment on one of the account's media as a mention.

    Raises:
        SkippedItem: the comment lacks its id, author or time.
    """
    sender = comment.get("from") if isinstance(comment.get("from"), Mapping) else {}
    author = _first(sender.get("username"), comment.get("username"), sender.get("id"))
    if author is None:
        raise SkippedItem("no author (from or username)")
    text = text_of(comment.get("text"))
    return Mention(
        platform=PLATFORM, external_id=required(comment, "id"), author=author,
        created_at=parse_time(comment.get("timestamp")), text=text, language=language_of(text), kind="comment",
        in_reply_to=_first(media.get("id")), url=_first(media.get("permalink")), source="poll",
        author_id=_first(sender.get("id")),
    )  # fmt: skip


def tag_mention(media: Mapping[str, Any]) -> Mention:
    """One media object the account is tagged in as a mention.

    Raises:
        SkippedItem: the media lacks its id, owner's username or time.
    """
    text = text_of(media.get("caption"))
    return Mention(
        platform=PLATFORM, external_id=required(media, "id"), author=required(media, "username"),
        created_at=parse_time(media.get("timestamp")), text=text, language=language_of(text), kind="mention",
        url=_first(media.get("permalink")), source="poll",
    )  # fmt: skip


def _add(found: list[Mention], what: str, read: Any) -> None:
    try:
        found.append(read())
    except (SkippedItem, ValueError) as error:
        skip(PLATFORM, what, error)


def _data(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if not isinstance(body.get("data"), list):
        raise malformed(PLATFORM, "Instagram", "no list of data")
    return objects(body["data"])


def _first(*values: Any) -> str | None:
    return next((str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool) and str(v)), None)
