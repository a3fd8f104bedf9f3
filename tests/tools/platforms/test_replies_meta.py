"""Facebook and Instagram replies to comments and direct messages against the fake Graph API."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from fake_platforms.meta_api import IG_USER_ID, PAGE_ID, TOKEN, VERSION, add_comment, graph_error, meta_api
from fake_platforms.server import FakeApi

from tools.platforms.base import AuthError, Credentials, Media, OutgoingPost, PermanentError, TransientError
from tools.platforms.facebook import FacebookClient
from tools.platforms.instagram import InstagramClient

PAGE = Credentials(access_token=TOKEN, account_id=PAGE_ID)
IG = Credentials(access_token=TOKEN, account_id=IG_USER_ID)
POST_ID = f"{PAGE_ID}_122000000000777"
MEDIA_ID = "17950000000000123"
PSID = "6660001"
IGSID = "232323"


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    fake = meta_api()
    fake.state["messengers"].update(
        {
            PSID: {"platform": "facebook", "page": PAGE_ID, "in_window": True},
            IGSID: {"platform": "instagram", "page": PAGE_ID, "in_window": True},
        }
    )
    return serve_fake(fake)


@pytest.fixture
def facebook(api: FakeApi, http: httpx.Client) -> FacebookClient:
    return FacebookClient(http, base_url=api.url)


@pytest.fixture
def instagram(api: FakeApi, http: httpx.Client) -> InstagramClient:
    return InstagramClient(http, base_url=api.url, sleep=lambda seconds: None)


def answer(
    text: str = "Thanks, we're on it!",
    *,
    platform: str = "facebook",
    reply_to: str | None = None,
    dm_to: str | None = None,
    media: tuple[Media, ...] = (),
) -> OutgoingPost:
    return OutgoingPost(post_id="sp-7", platform=platform, parts=(text,), media=media, reply_to=reply_to, dm_to=dm_to)


# Facebook


def test_facebook_reply_to_a_comment_posts_to_its_comments_edge(api: FakeApi, facebook: FacebookClient) -> None:
    comment = add_comment(api, "facebook", POST_ID, "Is the shop open Sunday?")

    published = facebook.publish(answer("Yes, 9 to 5!", reply_to=comment), PAGE)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/{comment}/comments")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.form() == {"message": "Yes, 9 to 5!"} and request.query == {}
    created = api.state["comments"][published.external_id]
    assert (created["parent"], created["on"], created["text"]) == (comment, POST_ID, "Yes, 9 to 5!")
    assert published.url is None


def test_facebook_reply_to_a_visitor_post_comments_on_the_post(api: FakeApi, facebook: FacebookClient) -> None:
    api.state["posts"][POST_ID] = {"id": POST_ID, "message": "Loved the cold brew"}

    published = facebook.publish(answer("Glad you did!", reply_to=POST_ID), PAGE)

    assert [(r.method, r.path) for r in api.requests] == [("POST", f"/{VERSION}/{POST_ID}/comments")]
    assert api.state["comments"][published.external_id]["on"] == POST_ID


def test_facebook_direct_message_uses_the_send_api_as_the_page(api: FakeApi, facebook: FacebookClient) -> None:
    published = facebook.publish(answer("Your refund went out today.", dm_to=PSID), PAGE)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/{PAGE_ID}/messages")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    fields = request.form()
    assert fields.keys() == {"recipient", "messaging_type", "message"}
    assert json.loads(fields["recipient"]) == {"id": PSID}
    assert fields["messaging_type"] == "RESPONSE"
    assert json.loads(fields["message"]) == {"text": "Your refund went out today."}
    assert published.external_id in api.state["messages"]


def test_a_message_outside_the_24_hour_window_is_refused_with_what_to_do(
    api: FakeApi, facebook: FacebookClient
) -> None:
    api.state["messengers"][PSID]["in_window"] = False

    with pytest.raises(PermanentError, match="outside of allowed window") as caught:
        facebook.publish(answer(dm_to=PSID), PAGE)

    assert caught.value.code == "10" and "within 24 hours" in caught.value.message
    assert not isinstance(caught.value, AuthError)


def test_a_throttled_reply_is_transient_with_metas_wait(api: FakeApi, facebook: FacebookClient) -> None:
    comment = add_comment(api, "facebook", POST_ID, "Hello?")
    usage = {PAGE_ID: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 3}]}
    headers = {"X-Business-Use-Case-Usage": json.dumps(usage)}
    api.fail_next("POST", f"/{VERSION}/{comment}/comments", graph_error(80001, "Too many calls", headers=headers))

    with pytest.raises(TransientError) as caught:
        facebook.publish(answer(reply_to=comment), PAGE)

    assert (caught.value.code, caught.value.retry_after) == ("80001", 180.0)


def test_a_revoked_page_token_is_an_auth_error(facebook: FacebookClient) -> None:
    with pytest.raises(AuthError):
        facebook.publish(answer(dm_to=PSID), Credentials(access_token="revoked", account_id=PAGE_ID))


def test_someone_who_never_wrote_to_the_page_cannot_be_messaged(facebook: FacebookClient) -> None:
    with pytest.raises(PermanentError, match="No matching user found"):
        facebook.publish(answer(dm_to="7770007"), PAGE)


# Instagram


def test_instagram_reply_goes_to_the_comments_replies_edge(api: FakeApi, instagram: InstagramClient) -> None:
    comment = add_comment(api, "instagram", MEDIA_ID, "Which shade is this?")

    published = instagram.publish(answer("It's Ember Red!", platform="instagram", reply_to=comment), IG)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/{comment}/replies")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.form() == {"message": "It's Ember Red!"}
    assert api.state["comments"][published.external_id]["parent"] == comment


def test_instagram_reply_to_a_reply_lands_under_the_top_level_comment(api: FakeApi, instagram: InstagramClient) -> None:
    top = add_comment(api, "instagram", MEDIA_ID, "Love it")
    reply = add_comment(api, "instagram", MEDIA_ID, "Me too", parent=top)

    published = instagram.publish(answer("Thank you both!", platform="instagram", reply_to=reply), IG)

    assert api.requests[0].path == f"/{VERSION}/{reply}/replies"
    assert api.state["comments"][published.external_id]["parent"] == top


def test_instagram_direct_message_goes_through_the_pages_send_api(api: FakeApi, instagram: InstagramClient) -> None:
    published = instagram.publish(answer("Check your DMs for the code", platform="instagram", dm_to=IGSID), IG)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/me/messages")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    fields = request.form()
    assert json.loads(fields["recipient"]) == {"id": IGSID}
    assert json.loads(fields["message"]) == {"text": "Check your DMs for the code"}
    assert api.state["messages"][published.external_id]["page"] == PAGE_ID


def test_a_hidden_instagram_comment_cannot_be_answered(api: FakeApi, instagram: InstagramClient) -> None:
    comment = add_comment(api, "instagram", MEDIA_ID, "spam", hidden=True)

    with pytest.raises(PermanentError, match="hidden comment") as caught:
        instagram.publish(answer(platform="instagram", reply_to=comment), IG)

    assert caught.value.code == "100"


# Refusals


IMAGE = (Media("image", "https://cdn.example.com/a.jpg"),)


@pytest.mark.parametrize("platform", ["facebook", "instagram"])
@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        (answer(reply_to="17860000000000001", dm_to=PSID), "one or the other"),
        (answer(reply_to="17860000000000001", media=IMAGE), "text only"),
        (answer("  ", dm_to=PSID), "no text"),
        (answer(reply_to=f"{PAGE_ID}/feed"), "is not"),
        (answer(dm_to="frank.ig"), "is not"),
    ],
)
def test_unsendable_answers_are_refused_before_any_request(
    request: pytest.FixtureRequest, api: FakeApi, platform: str, draft: OutgoingPost, reason: str
) -> None:
    client = request.getfixturevalue(platform)

    with pytest.raises(PermanentError, match=reason):
        client.publish(replace(draft, platform=platform), PAGE if platform == "facebook" else IG)

    assert api.requests == []
