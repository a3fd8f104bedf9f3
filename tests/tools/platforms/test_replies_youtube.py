"""YouTubeClient replies to comments (comments.insert) and its refusal of direct messages, against the fake API."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fake_platforms.server import FakeApi
from fake_platforms.youtube_api import ACCESS_TOKEN, CHANNEL_ID, quota_exceeded, youtube_api

from tools.platforms.base import AuthError, Credentials, Media, OutgoingPost, PermanentError, TransientError
from tools.platforms.youtube import YouTubeClient
from tools.platforms.youtube_comments import top_level_id

CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=CHANNEL_ID)
COMMENT_ID = "UgzKettleEmberComment0001AaABAg"
VIDEO_ID = "bp000000001"


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    fake = youtube_api()
    fake.state["comments"].append(
        {
            "id": COMMENT_ID,
            "snippet": {
                "videoId": VIDEO_ID,
                "textOriginal": "What kettle is that?",
                "authorDisplayName": "@frank",
                "authorChannelId": {"value": "UCfrank000000000000000000"},
                "publishedAt": "2026-01-01T10:00:00Z",
            },
        }
    )
    return serve_fake(fake)


@pytest.fixture
def client(api: FakeApi, http: httpx.Client) -> YouTubeClient:
    return YouTubeClient(http, base_url=api.url, oauth_url=api.url)


def answer(
    text: str = "It's our Ember kettle!",
    *,
    reply_to: str | None = COMMENT_ID,
    dm_to: str | None = None,
    media: tuple[Media, ...] = (),
) -> OutgoingPost:
    return OutgoingPost(post_id="sp-3", platform="youtube", parts=(text,), media=media, reply_to=reply_to, dm_to=dm_to)


def test_a_reply_inserts_a_comment_under_the_stored_comment(api: FakeApi, client: YouTubeClient) -> None:
    published = client.publish(answer(), CREDENTIALS)

    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/youtube/v3/comments")
    assert request.query == {"part": ["snippet"]}
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"snippet": {"parentId": COMMENT_ID, "textOriginal": "It's our Ember kettle!"}}
    assert published.external_id in api.state["replies"]
    assert published.external_id.startswith(f"{COMMENT_ID}.")
    assert published.url == f"https://www.youtube.com/watch?v={VIDEO_ID}&lc={published.external_id}"


def test_a_reply_to_a_reply_goes_under_its_top_level_comment(api: FakeApi, client: YouTubeClient) -> None:
    client.publish(answer(reply_to=f"{COMMENT_ID}.8wWTdQFsQkh8wWZGEIz5Mp"), CREDENTIALS)

    assert api.requests[0].json()["snippet"]["parentId"] == COMMENT_ID
    assert top_level_id(COMMENT_ID) == COMMENT_ID


def test_a_used_up_quota_is_transient_until_the_daily_reset(api: FakeApi, client: YouTubeClient) -> None:
    api.fail_next("POST", "/youtube/v3/comments", quota_exceeded())

    with pytest.raises(TransientError, match="quota") as caught:
        client.publish(answer(), CREDENTIALS)

    assert caught.value.code == "quotaExceeded"
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 25 * 3600


def test_a_token_without_the_comment_scope_says_to_reconnect(api: FakeApi, client: YouTubeClient) -> None:
    api.state["readonly_tokens"].add(ACCESS_TOKEN)

    with pytest.raises(PermanentError, match="youtube.force-ssl scope; reconnect") as caught:
        client.publish(answer(), CREDENTIALS)

    assert caught.value.code == "insufficientPermissions"


def test_a_refused_token_is_an_auth_error(client: YouTubeClient) -> None:
    with pytest.raises(AuthError):
        client.publish(answer(), Credentials(access_token="ya29.revoked", account_id=CHANNEL_ID))


def test_a_comment_youtube_does_not_have_is_a_permanent_refusal(client: YouTubeClient) -> None:
    with pytest.raises(PermanentError, match="could not be found") as caught:
        client.publish(answer(reply_to="UgzGoneGoneGone"), CREDENTIALS)

    assert (caught.value.status, caught.value.code) == (404, "commentNotFound")


@pytest.mark.parametrize(
    ("draft", "reason"),
    [
        (answer(reply_to=None, dm_to="UCfrank000000000000000000"), "no direct messages"),
        (answer(dm_to="UCfrank000000000000000000"), "one or the other"),
        (answer(media=(Media("image", "https://cdn.example/a.jpg"),)), "text only"),
        (answer(" "), "no text"),
    ],
)
def test_unsendable_answers_are_refused_before_any_request(
    api: FakeApi, client: YouTubeClient, draft: OutgoingPost, reason: str
) -> None:
    with pytest.raises(PermanentError, match=reason):
        client.publish(draft, CREDENTIALS)

    assert api.requests == []
