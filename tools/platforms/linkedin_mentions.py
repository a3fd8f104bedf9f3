"""LinkedIn mentions: comments on an organization's recent posts, from the versioned Posts and Comments APIs.

LinkedIn has no organization-wide comment feed to poll, so a poll first finds the organization's most recent
posts (`GET /rest/posts?q=author&author={org}&sortBy=LAST_MODIFIED&count=10`), then reads each post's comments
(`GET /rest/socialActions/{post URN}/comments`, the URN percent-encoded in the path as Rest.li 2.0 wants).
Comments on older posts and @mentions of the page in other members' posts are not polled; the organization
social action webhook delivers those.

How a comment element becomes a mention:

    external_id  commentUrn                      author       actor (a person or organization URN: LinkedIn
    created_at   created.time (ms, UTC)                       gives no handle or follower count here)
    text         message.text                    kind         "reply" with a parentComment, else "comment"
    in_reply_to  parentComment, else the post    url          the post's address (feed/update/{post URN})

The cursor is the newest `created.time` seen (ISO 8601). Comments by the organization itself are left out.
Needs r_organization_social (reading an organization's posts and comments) for an administrator of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from tools.monitor.mentions import Mention, language_of
from tools.platforms.base import MentionPage
from tools.platforms.mentions import (
    SkippedItem,
    cursor_time,
    epoch_millis,
    malformed,
    newest_page,
    objects,
    required,
    skip,
    text_of,
)

PLATFORM = "linkedin"
RECENT_POSTS = 10
MAX_COMMENTS = 100

Fetch = Callable[[str], dict[str, Any]]  # a path with its encoded query string -> the answer's JSON object


def posts_query(organization: str) -> str:
    """The posts finder's path and query for the organization's most recent posts."""
    return f"/rest/posts?q=author&author={quote(organization, safe='')}&sortBy=LAST_MODIFIED&count={RECENT_POSTS}"


def comments_path(post: str, limit: int) -> str:
    """The path and query of a post's comments."""
    return f"/rest/socialActions/{quote(post, safe='')}/comments?count={min(max(limit, 1), MAX_COMMENTS)}"


def read_mentions(organization: str, cursor: str | None, limit: int, fetch: Fetch) -> MentionPage:
    """Comments on the organization's recent posts newer than the `cursor` timestamp, oldest first."""
    since = cursor_time(cursor, PLATFORM)
    posts = _elements(fetch(posts_query(organization)), "posts")
    found: list[Mention] = []
    for urn in [str(p["id"]) for p in posts if isinstance(p.get("id"), str) and p["id"].startswith("urn:li:")]:
        for element in _elements(fetch(comments_path(urn, limit)), "comments"):
            if element.get("actor") == organization:
                continue
            try:
                found.append(linkedin_mention(element, urn))
            except (SkippedItem, ValueError) as error:
                skip(PLATFORM, f"comment {element.get('commentUrn') or element.get('id')!r} on {urn}", error)
    return newest_page(found, since, limit)


def linkedin_mention(element: Mapping[str, Any], post: str) -> Mention:
    """One comment element on `post` as a mention.

    Raises:
        SkippedItem: the element lacks its id, actor or creation time.
    """
    comment_urn = element.get("commentUrn")
    external_id = comment_urn if isinstance(comment_urn, str) and comment_urn else None
    external_id = external_id or f"urn:li:comment:({element.get('object') or post},{required(element, 'id')})"
    created = element.get("created") if isinstance(element.get("created"), Mapping) else {}
    message = element.get("message") if isinstance(element.get("message"), Mapping) else {}
    parent = element.get("parentComment") if isinstance(element.get("parentComment"), str) else None
    text = text_of(message.get("text"))
    return Mention(
        platform=PLATFORM, external_id=external_id, author=required(element, "actor"),
        created_at=epoch_millis(created.get("time")), text=text, language=language_of(text),
        kind="reply" if parent else "comment", in_reply_to=parent or post,
        url=f"https://www.linkedin.com/feed/update/{post}/", source="poll",
    )  # fmt: skip


def _elements(body: Mapping[str, Any], what: str) -> list[Mapping[str, Any]]:
    if not isinstance(body.get("elements"), list):
        raise malformed(PLATFORM, "LinkedIn", f"no list of {what}")
    return objects(body["elements"])
