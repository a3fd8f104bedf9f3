"""Replies to comments and direct messages through the Graph API, shared by the Facebook and Instagram clients.

A reply is one form POST to a comment edge: `POST /{version}/{object-id}/comments` (a Facebook post or comment)
or `POST /{version}/{ig-comment-id}/replies` (an Instagram comment), with `message`; the answer is `{"id": ...}`.

A direct message goes through the Messenger Platform's Send API, `POST /{version}/{sender}/messages` with a Page
access token and the fields `recipient={"id": ...}`, `messaging_type=RESPONSE` and `message={"text": ...}`,
form-encoded with JSON values as in Meta's Send API reference; the answer is `{"recipient_id", "message_id"}`.
RESPONSE messages may go out only within 24 hours of the person's last message to the account (Meta's
messaging window); later, Meta refuses with code 10.
"""

from __future__ import annotations

import json
import re

from tools.platforms.base import PermanentError, Published
from tools.platforms.meta import GraphApi

GRAPH_ID = re.compile(r"\d{1,40}(_\d{1,40}){0,3}")  # a node id: digits, or `_`-joined digits (posts, comments)
WINDOW_ADVICE = (
    "Meta lets an account answer a direct message only within 24 hours of the person's last message; "
    "answer from the inbox instead"
)


def graph_id(value: str, platform: str, what: str) -> str:
    """`value` as a Graph node id for the path; anything else (a name, a URL, a path) is refused before any call.

    Raises:
        PermanentError: `value` is not digits or `_`-joined digits; `what` says which id was expected.
    """
    value = value.strip()
    if not GRAPH_ID.fullmatch(value):
        raise PermanentError(
            platform, f"{value!r} is not {what}; answer it from the mention BrandPilot stored, which carries that id"
        )
    return value


def post_comment(graph: GraphApi, target: str, edge: str, token: str, text: str) -> Published:
    """`POST /{target}/{edge}` with the reply's `message`; the new comment's id (Graph gives it no public URL)."""
    comment_id = graph.post(f"{target}/{edge}", token, {"message": text}).get("id")
    if not comment_id:
        raise PermanentError(graph.platform, f"Meta accepted the reply to {target} but answered without its id")
    return Published(external_id=str(comment_id))


def send_message(graph: GraphApi, sender: str, token: str, recipient: str, text: str) -> Published:
    """`POST /{sender}/messages` (Send API, messaging_type RESPONSE) with a text message; its `message_id`.

    A refusal for being outside the 24-hour messaging window keeps Meta's words and says what to do instead.
    """
    fields = {
        "recipient": json.dumps({"id": recipient}),
        "messaging_type": "RESPONSE",
        "message": json.dumps({"text": text}),
    }
    try:
        answer = graph.post(f"{sender}/messages", token, fields)
    except PermanentError as error:
        if error.code != "10" or "window" not in error.message.lower():
            raise
        raise PermanentError(
            error.platform, f"{error.message} ({WINDOW_ADVICE})", status=error.status, code=error.code
        ) from error
    message_id = answer.get("message_id")
    if not message_id:
        raise PermanentError(graph.platform, f"Meta accepted the message to {recipient} but answered without its id")
    return Published(external_id=str(message_id))
