"""Where a reply or a direct message goes: each platform's id forms for `[reply to: …]` and `[message to: …]`."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from tools.content.text import find_markers, split_web_link
from tools.platforms.base import x_post_id

REPLY_PLATFORMS = ("x", "facebook", "instagram", "youtube", "linkedin")
MESSAGE_PLATFORMS = ("x", "facebook", "instagram")
_NUMERIC = re.compile(r"\d{1,30}")
_FACEBOOK_ID = re.compile(r"\d{1,30}(?:_\d{1,30})?")
_YOUTUBE_COMMENT = re.compile(r"[A-Za-z0-9_.-]{10,100}")
_LINKEDIN_URN = re.compile(r"urn:li:(?:comment|share|ugcPost|activity):\S{1,200}")
_REPLY_FORMS = {
    "x": "the post's address, like https://x.com/NAME/status/1234567890",
    "facebook": "the comment's or post's id, like 1234567890_9876543210",
    "instagram": "the comment's id, like 17890000000000001",
    "youtube": "the comment's id, or its address with &lc=COMMENT_ID",
    "linkedin": "the comment's or post's URN, like urn:li:comment:(urn:li:activity:123,456)",
}


def reply_target(platform: str, value: str) -> str | None:
    """The platform id a `[reply to: …]` value names on `platform`, or None when it names none there."""
    value = value.strip()
    if platform == "x":
        return x_post_id(value)
    if platform == "facebook":
        return value if _FACEBOOK_ID.fullmatch(value) else _query_id(value, "comment_id")
    if platform == "instagram":
        return value if _NUMERIC.fullmatch(value) else None
    if platform == "youtube":
        return value if _YOUTUBE_COMMENT.fullmatch(value) and "." not in value[:1] else _query_id(value, "lc")
    if platform == "linkedin":
        return value if _LINKEDIN_URN.fullmatch(value) else None
    return None


def message_target(platform: str, value: str) -> str | None:
    """The user id a `[message to: …]` value names on `platform` (X user id, Meta PSID or IGSID), else None."""
    value = value.strip()
    return value if platform in MESSAGE_PLATFORMS and _NUMERIC.fullmatch(value) else None


def reply_form(platform: str) -> str:
    """How a reply target is written on `platform`, for error messages."""
    return _REPLY_FORMS.get(platform, "a post or comment id")


def targets_in(platform: str, text: str) -> tuple[str | None, str | None]:
    """The (reply_to, dm_to) ids a draft's markers name for `platform`.

    Raises:
        ValueError: a marker names no valid target on this platform, or a draft both replies and messages.
    """
    reply = message = None
    for marker in find_markers(text):
        if marker.kind == "reply":
            reply = reply_target(platform, marker.value)
            if reply is None:
                raise ValueError(
                    f"the reply target {marker.value!r} in the draft is not a {platform} reply target; "
                    f"edit the draft to name {reply_form(platform)} in [reply to: …]"
                )
        elif marker.kind == "message":
            message = message_target(platform, marker.value)
            if message is None:
                raise ValueError(
                    f"the message recipient {marker.value!r} is not a {platform} user id BrandPilot can message; "
                    "edit the draft to name the person's numeric id in [message to: …]"
                )
    if reply and message:
        raise ValueError("a draft can answer in public ([reply to: …]) or privately ([message to: …]), not both")
    return reply, message


def _query_id(value: str, key: str) -> str | None:
    """An id carried in an address's query (`?comment_id=…`, `&lc=…`)."""
    parts = split_web_link(value)
    if parts is None:
        return None
    found = parse_qs(parts.query).get(key)
    return found[0] if found and re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", found[0]) else None
