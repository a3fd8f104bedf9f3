"""What every platform client checks before it sends a reply to a comment or a direct message."""

from __future__ import annotations

from typing import Literal

from tools.platforms.base import OutgoingPost, PermanentError

Conversation = Literal["reply", "dm"]


def conversation_of(post: OutgoingPost, platform: str) -> Conversation | None:
    """Whether `post` answers a post or comment ("reply"), goes as a direct message ("dm"), or is a post (None).

    Raises:
        PermanentError: the post names both a reply target and a direct-message recipient.
    """
    if post.reply_to and post.dm_to:
        raise PermanentError(
            platform,
            f"the post both replies to {post.reply_to} and is a direct message to {post.dm_to}; "
            "approve it again as one or the other",
        )
    if post.dm_to:
        return "dm"
    return "reply" if post.reply_to else None


def conversation_text(post: OutgoingPost, platform: str, name: str, *, media_allowed: bool = False) -> str:
    """The text of a reply or direct message (`name` is the platform as people call it), without outer blanks.

    Raises:
        PermanentError: the post carries media (unless `media_allowed`) or has no text.
    """
    what = "direct message" if post.dm_to else "reply"
    if post.media and not media_allowed:
        raise PermanentError(
            platform, f"BrandPilot sends {name} {what}s as text only; remove the media and approve the {what} again"
        )
    text = post.text.strip()
    if not text:
        raise PermanentError(platform, f"the {what} has no text; write what to say and approve it again")
    return text
