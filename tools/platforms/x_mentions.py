"""X mentions from the user mention timeline (`GET /2/users/:id/mentions`), newest first, 5-100 posts a page.

How X's answer becomes mentions:

    external_id  data[].id                      author       includes.users[].username (by author_id)
    created_at   data[].created_at (UTC)        author_name  includes.users[].name
    text         data[].text                    followers    includes.users[].public_metrics.followers_count
    language     data[].lang when an ISO 639-1 code, else detected from the text
    kind         "reply" when referenced_tweets holds a replied_to post (in_reply_to is its id), else "mention"
    url          https://x.com/{username}/status/{id}

The cursor is X's `since_id`: the next poll reads only posts newer than `meta.newest_id`. Pages are followed
(`pagination_token`) until `limit` posts are read; without a cursor that is the most recent `limit`. X pages
newest first, so when more than `limit` arrived since the last poll the oldest of them are not read (logged).
The timeline reaches back at most 800 posts. Posts by the account itself are left out. Needs a user-context
token with tweet.read and users.read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from tools.monitor.mentions import Mention, follower_count, language_of
from tools.platforms.base import MentionPage, PermanentError
from tools.platforms.mentions import (
    SkippedItem,
    malformed,
    objects,
    parse_time,
    required,
    skip,
    text_of,
)

log = logging.getLogger(__name__)

PLATFORM = "x"
MIN_RESULTS, MAX_RESULTS = 5, 100
TWEET_FIELDS = "created_at,lang,author_id,conversation_id,in_reply_to_user_id,referenced_tweets"
USER_FIELDS = "username,name,public_metrics"

Timeline = Callable[[Mapping[str, str]], dict[str, Any]]  # query parameters -> the answer's JSON object


def read_mentions(account_id: str, cursor: str | None, limit: int, timeline: Timeline) -> MentionPage:
    """Mentions of `account_id` newer than the `cursor` post id, oldest first; `timeline` sends one GET."""
    if cursor is not None and not cursor.isdigit():
        message = f"the mentions cursor {cursor!r} is not an X post id; poll once without a cursor"
        raise PermanentError(PLATFORM, message, code="bad_cursor")
    found: list[Mention] = []
    newest: str | None = None
    token: str | None = None
    while len(found) < limit:
        body = timeline(_query(cursor, limit - len(found), token))
        meta = body.get("meta")
        if not isinstance(meta, Mapping) or not isinstance(body.get("data", []), list):
            raise malformed(PLATFORM, "X", "no meta object or no list of posts")
        newest = newest or _text(meta.get("newest_id"))
        found += _mentions(body, account_id)
        token = _text(meta.get("next_token"))
        if token is None:
            break
    if token is not None and cursor is not None:
        log.warning("x: more than %d mentions since post %s; the older ones were not read", limit, cursor)
    kept = sorted(found, key=lambda m: int(m.external_id))[-limit:] if limit > 0 else []
    return MentionPage(mentions=kept, cursor=newest)


def x_mention(post: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]]) -> Mention:
    """One post of the timeline as a mention; its author comes from the expanded users.

    Raises:
        SkippedItem: the post lacks its id, author, or creation time.
    """
    post_id, author_id = required(post, "id"), required(post, "author_id")
    user = users.get(author_id) or {}
    handle = _text(user.get("username")) or author_id
    metrics = user.get("public_metrics") if isinstance(user.get("public_metrics"), Mapping) else {}
    parent = next(
        (_text(ref.get("id")) for ref in objects(post.get("referenced_tweets")) if ref.get("type") == "replied_to"),
        None,
    )
    text = text_of(post.get("text"))
    return Mention(
        platform=PLATFORM, external_id=post_id, author=handle, author_name=_text(user.get("name")), author_id=author_id,
        created_at=parse_time(post.get("created_at")), text=text,
        followers=follower_count(metrics.get("followers_count")),
        language=language_of(text, post.get("lang")), url=f"https://x.com/{handle}/status/{post_id}",
        kind="reply" if parent else "mention", in_reply_to=parent, source="poll",
    )  # fmt: skip


def _query(cursor: str | None, wanted: int, token: str | None) -> dict[str, str]:
    query = {
        "max_results": str(min(max(wanted, MIN_RESULTS), MAX_RESULTS)),
        "tweet.fields": TWEET_FIELDS,
        "expansions": "author_id",
        "user.fields": USER_FIELDS,
    }
    if cursor:
        query["since_id"] = cursor
    if token:
        query["pagination_token"] = token
    return query


def _mentions(body: Mapping[str, Any], account_id: str) -> list[Mention]:
    includes = body.get("includes") if isinstance(body.get("includes"), Mapping) else {}
    users = {str(u["id"]): u for u in objects(includes.get("users")) if u.get("id")}
    found = []
    for post in objects(body.get("data")):
        if str(post.get("author_id")) == account_id:
            continue
        try:
            found.append(x_mention(post, users))
        except (SkippedItem, ValueError) as error:
            skip(PLATFORM, f"post {post.get('id')!r}", error)
    return found


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and str(value) else None
