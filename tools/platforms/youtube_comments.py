"""YouTube comment replies through the Data API's `comments.insert`; YouTube has no direct messages to send.

    POST /youtube/v3/comments?part=snippet   {"snippet": {"parentId": <comment id>, "textOriginal": <text>}}

`reply_to` is a comment id: the `external_id` of a YouTube comment mention (a thread's top-level comment). YouTube
threads are one level deep and a reply's id is `{top-level id}.{reply id}`, so a reply to a reply goes under its
top-level comment. A video id (what a YouTube webhook mention holds) is not a comment: a top-level comment on a
video would be `commentThreads.insert`, which this does not send. The call costs 50 quota units and needs the
youtube.force-ssl scope; the answer is the new comment resource.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tools.platforms.base import OutgoingPost, PermanentError, Published
from tools.platforms.reply_messages import conversation_of, conversation_text

PLATFORM = "youtube"
COMMENTS_PATH = "/youtube/v3/comments"
REPLY_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"

Insert = Callable[[str, Mapping[str, str], dict[str, Any]], dict[str, Any]]  # path, query, JSON body -> answer


def top_level_id(comment_id: str) -> str:
    """The top-level comment a reply goes under: the id itself, or a reply's id up to its first dot."""
    return comment_id.strip().split(".", 1)[0]


def answer(post: OutgoingPost, insert: Insert) -> Published:
    """Reply to the comment `post.reply_to` with the post's text; `insert` sends one POST with a JSON body.

    Raises:
        PermanentError: a direct message (YouTube has none), media or an empty text; or YouTube's refusal, with
            what to do when the token lacks the scope replies need.
    """
    if conversation_of(post, PLATFORM) == "dm":
        raise PermanentError(
            PLATFORM, "YouTube has no direct messages; reply to the person's comment instead, or answer elsewhere"
        )
    text = conversation_text(post, PLATFORM, "YouTube")
    snippet = {"parentId": top_level_id(post.reply_to or ""), "textOriginal": text}
    try:
        comment = insert(COMMENTS_PATH, {"part": "snippet"}, {"snippet": snippet})
    except PermanentError as error:
        raise explain_scope(error) from error
    comment_id = comment.get("id")
    if not comment_id:
        raise PermanentError(PLATFORM, "YouTube accepted the reply but answered without its comment id")
    video = (comment.get("snippet") or {}).get("videoId")
    url = f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if video else None
    return Published(external_id=str(comment_id), url=url)


def explain_scope(error: PermanentError) -> PermanentError:
    """A refusal for a missing scope, with what to do about it; other errors unchanged."""
    if error.code != "insufficientPermissions":
        return error
    return PermanentError(
        PLATFORM,
        f"{error.message} Replying to comments needs the {REPLY_SCOPE} scope; reconnect YouTube to grant it",
        status=error.status,
        code=error.code,
    )
