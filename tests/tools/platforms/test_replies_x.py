"""XClient replies and direct messages against the fake X API v2."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fake_platforms.server import FakeApi, Response, file_host
from fake_platforms.x_api import multipart_fields, x_api

from tools.platforms.base import AuthError, Credentials, Media, OutgoingPost, PermanentError, TransientError
from tools.platforms.x import XClient

CREDENTIALS = Credentials(access_token="x-token", account_id="2244994945")
CUSTOMER = "1500000000000000077"  # the sender's numeric user id, as an X DM carries it
PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
DM_PATH = f"/2/dm_conversations/with/{CUSTOMER}/messages"


@dataclass
class Setup:
    api: FakeApi
    client: XClient


@pytest.fixture
def x(serve_fake: Callable[[FakeApi], FakeApi], http: httpx.Client) -> Setup:
    api = serve_fake(x_api())
    api.state["dm_open"].add(CUSTOMER)
    return Setup(api, XClient(http, base_url=api.url))


def answer(*parts: str, media: tuple[Media, ...] = (), **targets: str) -> OutgoingPost:
    return OutgoingPost(post_id="sp-9", platform="x", parts=parts, media=media, **targets)


def test_a_direct_message_goes_to_the_participant_with_the_text(x: Setup) -> None:
    published = x.client.publish(answer("Sorry about the wait, your order ships today.", dm_to=CUSTOMER), CREDENTIALS)

    [request] = x.api.requests
    assert (request.method, request.path) == ("POST", DM_PATH)
    assert request.headers["authorization"] == "Bearer x-token"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"text": "Sorry about the wait, your order ships today."}
    event = x.api.state["dm_events"][published.external_id]
    assert event["participant_id"] == CUSTOMER
    assert published.url == f"https://x.com/messages/{event['dm_conversation_id']}"
    assert x.api.state["tweets"] == {}


def test_a_threaded_draft_goes_as_one_message_with_its_parts_joined(x: Setup) -> None:
    x.client.publish(answer("Thanks for writing.", "Here is the tracking link.", dm_to=CUSTOMER), CREDENTIALS)

    [request] = x.api.of("POST", "/2/dm_conversations/")
    assert request.json() == {"text": "Thanks for writing.\n\nHere is the tracking link."}


def test_an_image_in_a_direct_message_is_uploaded_as_dm_media_and_attached(
    x: Setup, serve_fake: Callable[[FakeApi], FakeApi]
) -> None:
    cdn = serve_fake(file_host(PNG, "image/png"))

    x.client.publish(answer("The label:", media=(Media("image", f"{cdn.url}/label.png"),), dm_to=CUSTOMER), CREDENTIALS)

    [upload] = x.api.of("POST", "/2/media/upload")
    assert multipart_fields(upload) == {"media": PNG, "media_category": b"dm_image"}
    [media_id] = x.api.state["media"]
    [message] = x.api.of("POST", "/2/dm_conversations/")
    assert message.json() == {"text": "The label:", "attachments": [{"media_id": media_id}]}


def test_a_reply_answers_the_stored_post_id(x: Setup) -> None:
    x.api.state["tweets"]["1890000000000000001"] = {"id": "1890000000000000001", "text": "Where is my order?"}

    published = x.client.publish(answer("It ships today!", reply_to="1890000000000000001"), CREDENTIALS)

    [request] = x.api.requests
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.json() == {"text": "It ships today!", "reply": {"in_reply_to_tweet_id": "1890000000000000001"}}
    assert published.url == f"https://x.com/i/web/status/{published.external_id}"


def test_a_person_who_does_not_take_messages_is_a_permanent_refusal_in_xs_words(x: Setup) -> None:
    x.api.state["dm_open"].clear()

    with pytest.raises(PermanentError, match="not permitted to send Direct Messages") as caught:
        x.client.publish(answer("Hello", dm_to=CUSTOMER), CREDENTIALS)

    assert caught.value.status == 403 and not isinstance(caught.value, AuthError)


def test_a_rate_limited_message_is_transient_with_the_wait(x: Setup) -> None:
    body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
    x.api.fail_next("POST", "/2/dm_conversations/", Response(429, body, {"retry-after": "120"}))

    with pytest.raises(TransientError) as caught:
        x.client.publish(answer("Hello", dm_to=CUSTOMER), CREDENTIALS)

    assert (caught.value.status, caught.value.retry_after) == (429, 120.0)


def test_a_refused_token_is_an_auth_error(x: Setup) -> None:
    with pytest.raises(AuthError):
        x.client.publish(answer("Hello", dm_to=CUSTOMER), Credentials(access_token="revoked", account_id="1"))


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        (answer("Hello", dm_to="@frank"), "numeric user id"),
        (answer("Hello", dm_to=CUSTOMER, reply_to="1890000000000000001"), "one or the other"),
        (answer("   ", dm_to=CUSTOMER), "no text"),
        (answer("  ", reply_to="1890000000000000001"), "no text"),
        (answer("Two", media=(Media("image", "https://a/1.png"), Media("image", "https://a/2.png")), dm_to=CUSTOMER),
         "at most one image"),
    ],
)  # fmt: skip
def test_unsendable_answers_are_refused_before_any_request(x: Setup, draft: OutgoingPost, reason: str) -> None:
    with pytest.raises(PermanentError, match=reason):
        x.client.publish(draft, CREDENTIALS)

    assert x.api.requests == []
