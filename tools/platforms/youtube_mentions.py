"""YouTube mentions: comments on the channel's videos from the Data API's `commentThreads.list`, newest first.

How a comment thread's top-level comment (`snippet.topLevelComment`) becomes a mention:

    external_id  topLevelComment.id              author       the @handle (authorDisplayName or authorChannelUrl),
    created_at   snippet.publishedAt (UTC)                    else authorChannelId.value
    text         snippet.textOriginal, else textDisplay (asked as textFormat=plainText)
    author_name  snippet.authorDisplayName       kind         "comment"; in_reply_to is the video id
    url          https://www.youtube.com/watch?v={videoId}&lc={comment id}
    followers    0 (a commenter's subscriber count would take another call per channel)

`allThreadsRelatedToChannelId` with `order=time` lists the newest threads first, 100 a page (1 quota unit each);
pages are read until a thread is no newer than the cursor or `limit` comments are read. The cursor is the newest
`publishedAt` seen. Replies inside threads are not read (they would need `comments.list` per thread). Comments
by the channel itself are left out. YouTube serves comment reads only to tokens with the youtube.force-ssl
scope; a token with youtube.readonly alone is refused with 403 insufficientPermissions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tools.monitor.mentions import Mention, language_of
from tools.platforms.base import MentionPage, PermanentError
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

PLATFORM = "youtube"
COMMENT_THREADS_PATH = "/youtube/v3/commentThreads"
MAX_RESULTS = 100
COMMENT_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"

ListThreads = Callable[[Mapping[str, str]], dict[str, Any]]  # query parameters -> the answer's JSON object


def read_mentions(channel_id: str, cursor: str | None, limit: int, list_threads: ListThreads) -> MentionPage:
    """Comments on the channel newer than the `cursor` timestamp, oldest first; `list_threads` sends one GET."""
    since = cursor_time(cursor, PLATFORM)
    found: list[Mention] = []
    token: str | None = None
    while len(found) < limit:
        body = _list(list_threads, channel_id, min(max(limit - len(found), 1), MAX_RESULTS), token)
        items = body.get("items")
        if not isinstance(items, list):
            raise malformed(PLATFORM, "YouTube", "no list of items")
        reached_cursor = False
        for thread in objects(items):
            try:
                mention = youtube_mention(thread)
            except (SkippedItem, ValueError) as error:
                skip(PLATFORM, f"comment thread {thread.get('id')!r}", error)
                continue
            reached_cursor = reached_cursor or (since is not None and mention.created_at <= since)
            if _author_channel(thread) != channel_id:
                found.append(mention)
        token = body.get("nextPageToken") if isinstance(body.get("nextPageToken"), str) else None
        if reached_cursor or not token:
            break
    return newest_page(found, since, limit)


def youtube_mention(thread: Mapping[str, Any]) -> Mention:
    """One comment thread's top-level comment as a mention.

    Raises:
        SkippedItem: the thread lacks its comment, the comment's id or its time.
    """
    comment = _mapping(_mapping(thread.get("snippet")).get("topLevelComment"))
    snippet = _mapping(comment.get("snippet"))
    comment_id = required(comment, "id")
    name = snippet.get("authorDisplayName") if isinstance(snippet.get("authorDisplayName"), str) else None
    url = snippet.get("authorChannelUrl") if isinstance(snippet.get("authorChannelUrl"), str) else ""
    handle = name.removeprefix("@") if name and name.startswith("@") else url.rpartition("/@")[2] if "/@" in url else ""
    author = handle or _author_channel(thread) or ""
    video = snippet.get("videoId") if isinstance(snippet.get("videoId"), str) and snippet.get("videoId") else None
    text = text_of(snippet.get("textOriginal")) or text_of(snippet.get("textDisplay"))
    return Mention(
        platform=PLATFORM, external_id=comment_id, author=author, author_name=name,
        created_at=parse_time(snippet.get("publishedAt")), text=text, language=language_of(text),
        url=f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video else None, kind="comment",
        in_reply_to=video, source="poll",
    )  # fmt: skip


def explain_scope(error: PermanentError) -> PermanentError:
    """A refusal for a missing scope, with what to do about it; other errors unchanged."""
    if error.code != "insufficientPermissions":
        return error
    return PermanentError(
        PLATFORM,
        f"{error.message} Reading comments needs the {COMMENT_SCOPE} scope; reconnect YouTube to grant it",
        status=error.status,
        code=error.code,
    )


def _list(list_threads: ListThreads, channel_id: str, count: int, token: str | None) -> dict[str, Any]:
    query = {
        "part": "snippet",
        "allThreadsRelatedToChannelId": channel_id,
        "order": "time",
        "maxResults": str(count),
        "textFormat": "plainText",
    }
    if token:
        query["pageToken"] = token
    return list_threads(query)


def _author_channel(thread: Mapping[str, Any]) -> str | None:
    snippet = _mapping(_mapping(_mapping(thread.get("snippet")).get("topLevelComment")).get("snippet"))
    value = _mapping(snippet.get("authorChannelId")).get("value")
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
