"""LinkedInClient replies (Comments API) and its refusal of direct messages, against the fake LinkedIn API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fake_platforms.linkedin_api import linkedin_api
from fake_platforms.server import FakeApi, Response

from tools.platforms.base import (
    Credentials,
    DeprecatedVersionError,
    Media,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from tools.platforms.linkedin import LinkedInClient
from tools.platforms.linkedin_comments import comment_target

ORG_URN = "urn:li:organization:2414183"
ORG = Credentials(access_token="li-token", account_id=ORG_URN)
POST = "urn:li:share:7200000000000000001"
ACTIVITY = "urn:li:activity:7200000000000000009"
COMMENT = f"urn:li:comment:({ACTIVITY},7301)"
FAN = "urn:li:person:fan123"


@dataclass
class Setup:
    api: FakeApi
    http: httpx.Client
    client: LinkedInClient


@pytest.fixture
def li(serve_fake: Callable[[FakeApi], FakeApi], http: httpx.Client) -> Setup:
    fake = linkedin_api()
    fake.state["posts"][POST] = {"author": ORG_URN, "commentary": "Hello", "rendered": "Hello", "createdAt": 1}
    fake.state["comments"][POST] = [  # what linkedin_mentions reads and stores COMMENT from
        {"actor": FAN, "commentUrn": COMMENT, "id": "7301", "object": ACTIVITY, "message": {"text": "Congrats!"}}
    ]
    api = serve_fake(fake)
    return Setup(api, http, LinkedInClient(http, base_url=api.url, oauth_url=api.url))


def answer(
    text: str = "Thank you!",
    *,
    reply_to: str | None = COMMENT,
    dm_to: str | None = None,
    media: tuple[Media, ...] = (),
) -> OutgoingPost:
    return OutgoingPost(post_id="sp-5", platform="linkedin", parts=(text,), media=media, reply_to=reply_to, dm_to=dm_to)


def test_a_reply_to_a_comment_is_a_nested_comment_as_the_organization(li: Setup) -> None:
    published = li.client.publish(answer("Thank you, Frank!"), ORG)

    [request] = li.api.requests
    assert request.method == "POST"
    assert request.path == (
        "/rest/socialActions/urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A7200000000000000009%2C7301%29/comments"
    )
    assert request.headers["authorization"] == "Bearer li-token"
    assert request.headers["linkedin-version"] == "202511"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.json() == {
        "actor": ORG_URN,
        "object": ACTIVITY,
        "message": {"text": "Thank you, Frank!"},
        "parentComment": COMMENT,
    }
    [created] = li.api.state["comments"][COMMENT]
    assert published.external_id == created["commentUrn"] == f"urn:li:comment:({ACTIVITY},{created['id']})"
    assert published.url == f"https://www.linkedin.com/feed/update/{ACTIVITY}/"


def test_a_reply_to_a_post_is_a_comment_on_it(li: Setup) -> None:
    published = li.client.publish(answer("Glad you liked it (really)!", reply_to=POST), ORG)

    [request] = li.api.requests
    assert request.path == "/rest/socialActions/urn%3Ali%3Ashare%3A7200000000000000001/comments"
    assert request.json() == {"actor": ORG_URN, "object": POST, "message": {"text": "Glad you liked it (really)!"}}
    assert li.api.state["comments"][POST][-1]["commentUrn"] == published.external_id


def test_the_comment_urn_is_built_from_x_restli_id_when_the_answer_has_no_body(li: Setup) -> None:
    li.api.fail_next("POST", "/rest/socialActions/", Response(201, raw=b"", headers={"x-restli-id": "7399"}))

    published = li.client.publish(answer(), ORG)

    assert published.external_id == f"urn:li:comment:({ACTIVITY},7399)"


def test_throttling_is_transient_with_the_wait(li: Setup) -> None:
    throttled = {"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls is reached."}
    li.api.fail_next("POST", "/rest/socialActions/", Response(429, throttled, {"Retry-After": "30"}))

    with pytest.raises(TransientError) as caught:
        li.client.publish(answer(), ORG)

    assert (caught.value.status, caught.value.retry_after) == (429, 30.0)


def test_an_actor_without_permission_is_a_permanent_refusal(li: Setup) -> None:
    other = Credentials(access_token="li-token", account_id="urn:li:organization:9")

    with pytest.raises(PermanentError, match="Not enough permissions") as caught:
        li.client.publish(answer(), other)

    assert caught.value.status == 403


def test_a_retired_version_is_a_deprecated_version_error(li: Setup) -> None:
    with pytest.raises(DeprecatedVersionError, match="LINKEDIN_API_VERSION"):
        LinkedInClient(li.http, base_url=li.api.url, version="202301").publish(answer(), ORG)


def test_comment_targets_follow_the_urn_kind() -> None:
    nested = comment_target(COMMENT)
    assert (nested.urn, nested.object, nested.parent) == (COMMENT, ACTIVITY, COMMENT)
    top = comment_target(f" {POST} ")
    assert (top.urn, top.object, top.parent) == (POST, POST, None)


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        (answer(reply_to=None, dm_to=FAN), "no API for pages to message members"),
        (answer(dm_to=FAN), "one or the other"),
        (answer(media=(Media("image", "https://cdn.example/a.jpg"),)), "text only"),
        (answer("\n"), "no text"),
        (answer(reply_to="7301"), "not a LinkedIn comment URN"),
        (answer(reply_to="urn:li:person:fan123"), "not a LinkedIn comment URN"),
    ],
)
def test_unsendable_answers_are_refused_before_any_request(li: Setup, draft: OutgoingPost, reason: str) -> None:
    with pytest.raises(PermanentError, match=reason):
        li.client.publish(draft, ORG)

    assert li.api.requests == []
