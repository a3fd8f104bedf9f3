"""LinkedIn replies through the Community Management API's Comments API; LinkedIn gives pages no messaging API.

    POST /rest/socialActions/{target URN, percent-encoded}/comments
    {"actor": <account URN>, "object": <post or activity URN>, "message": {"text": ...},
     "parentComment": <comment URN, for a nested reply only>}

`reply_to` is what `linkedin_mentions` and the organization webhook store as a mention's `external_id`: a comment
URN, `urn:li:comment:(urn:li:activity:…,…)`, or a post URN (`urn:li:share:…`, `urn:li:ugcPost:…`,
`urn:li:activity:…`, a SHARE_MENTION's post). A comment URN makes a nested reply: the comment URN is the target in
the path and `parentComment`, and `object` is the post or activity URN inside it. A post URN makes a comment on
the post. The actor is the account the client posts as (an organization needs w_organization_social, a member
w_member_social). The text is sent as plain text, not the little-text markup posts use.

Not verified against a live page: that `object` may be the activity URN inside the comment URN when the stored
post is a share (LinkedIn's examples use either), and how LinkedIn treats a reply to a nested comment (threads
are two levels deep; it may refuse or file the reply under the top-level comment).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tools.platforms.base import OutgoingPost, PermanentError, Published, json_body
from tools.platforms.reply_messages import conversation_of, conversation_text

PLATFORM = "linkedin"
COMMENT_URN = re.compile(r"urn:li:comment:\((urn:li:[A-Za-z]+:[^,()\s]+),([^,()\s]+)\)")
POST_URN = re.compile(r"urn:li:(share|ugcPost|activity):\d+")

Create = Callable[[str, dict[str, Any]], httpx.Response]  # path, JSON body -> the answer (errors already raised)


@dataclass(frozen=True)
class CommentTarget:
    """Where a reply goes: the URN in the path, the post (`object`) and the parent comment of a nested reply."""

    urn: str
    object: str
    parent: str | None = None

    @property
    def path(self) -> str:
        """The create request's path, the target URN percent-encoded as Rest.li 2.0 wants."""
        return f"/rest/socialActions/{quote(self.urn, safe='')}/comments"


def comment_target(reply_to: str) -> CommentTarget:
    """The target of a reply to `reply_to`, a comment URN or a post URN.

    Raises:
        PermanentError: `reply_to` is neither.
    """
    urn = reply_to.strip()
    nested = COMMENT_URN.fullmatch(urn)
    if nested:
        return CommentTarget(urn=urn, object=nested.group(1), parent=urn)
    if POST_URN.fullmatch(urn):
        return CommentTarget(urn=urn, object=urn)
    raise PermanentError(
        PLATFORM,
        f"{urn!r} is not a LinkedIn comment URN (urn:li:comment:(…,…)) or post URN (urn:li:share:…); "
        "answer it from the mention BrandPilot stored",
    )


def comment_body(actor: str, text: str, target: CommentTarget) -> dict[str, Any]:
    """The create request's JSON body."""
    body: dict[str, Any] = {"actor": actor, "object": target.object, "message": {"text": text}}
    if target.parent:
        body["parentComment"] = target.parent
    return body


def answer(post: OutgoingPost, actor: str, create: Create) -> Published:
    """Reply to `post.reply_to` as `actor` with the post's text; Published is the new comment's URN.

    Raises:
        PermanentError: a direct message (no API for it), media, an empty text or a target that is not a URN.
    """
    if conversation_of(post, PLATFORM) == "dm":
        raise PermanentError(
            PLATFORM,
            "LinkedIn has no API for pages to message members; reply to their comment, or answer in LinkedIn",
        )
    text = conversation_text(post, PLATFORM, "LinkedIn")
    target = comment_target(post.reply_to or "")
    response = create(target.path, comment_body(actor, text, target))
    return Published(
        external_id=created_urn(response, target), url=f"https://www.linkedin.com/feed/update/{target.object}/"
    )


def created_urn(response: httpx.Response, target: CommentTarget) -> str:
    """The new comment's URN: the answer's `commentUrn`, else built from its id (`x-restli-id` or `id`).

    Raises:
        PermanentError: the answer names no comment.
    """
    body = json_body(response)
    if isinstance(body.get("commentUrn"), str) and body["commentUrn"]:
        return str(body["commentUrn"])
    comment_id = response.headers.get("x-restli-id") or body.get("id")
    if not comment_id:
        raise PermanentError(PLATFORM, "LinkedIn accepted the reply but answered without the comment's id")
    if str(comment_id).startswith("urn:li:comment:"):
        return str(comment_id)
    return f"urn:li:comment:({body.get('object') or target.object},{comment_id})"
