from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fake_platforms.server import FakeApi, Request, Response, file_host
from fake_platforms.x_api import multipart_fields, x_api

from tools.platforms.base import (
    AppCredentials,
    AuthError,
    Credentials,
    Media,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from tools.platforms.x import (
    PartialThreadError,
    PartialThreadPermanentError,
    PartialThreadTransientError,
    XClient,
    error_message,
)

CREDENTIALS = Credentials(access_token="x-token", account_id="2244994945", refresh_token="x-refresh")
PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


@dataclass
class Setup:
    api: FakeApi
    client: XClient


@pytest.fixture
def x(serve_fake: Callable[[FakeApi], FakeApi], http: httpx.Client) -> Setup:
    api = serve_fake(x_api())
    return Setup(api, XClient(http, base_url=api.url))


@pytest.fixture
def cdn(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(file_host(PNG, "image/png"))


def post(*parts: str, media: tuple[Media, ...] = (), **options: object) -> OutgoingPost:
    return OutgoingPost(post_id="sp-1", platform="x", parts=parts, media=media, options=options)


def fail_after(api: FakeApi, method: str, prefix: str, count: int, response: Response | None) -> None:
    """Let `count` matching requests reach the route, then answer the next with `response` (None: drop it)."""
    [index] = [i for i, (m, p, _) in enumerate(api.routes) if (m, p) == (method, prefix)]
    handler = api.routes[index][2]
    seen = iter(range(1, 1_000))

    def counted(request: Request, fake: FakeApi) -> Response:
        answer = handler(request, fake)
        if next(seen) == count:
            if response is None:
                fake.drop_next(method, prefix)
            else:
                fake.fail_next(method, prefix, response)
        return answer

    api.routes[index] = (method, prefix, counted)


def test_single_post_sends_exact_request(x: Setup) -> None:
    published = x.client.publish(post("Hello from BrandPilot"), CREDENTIALS)

    [request] = x.api.requests
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.headers["authorization"] == "Bearer x-token"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"text": "Hello from BrandPilot"}
    tweet_id = published.external_id
    assert x.api.state["tweets"][tweet_id]["text"] == "Hello from BrandPilot"
    assert published.url == f"https://x.com/i/web/status/{tweet_id}"
    assert published.part_ids == (tweet_id,)


def test_thread_of_three_parts_chains_replies(x: Setup) -> None:
    published = x.client.publish(post("1/3 first", "2/3 second", "3/3 third"), CREDENTIALS)

    bodies = [r.json() for r in x.api.of("POST", "/2/tweets")]
    first, second, third = published.part_ids
    assert bodies == [
        {"text": "1/3 first"},
        {"text": "2/3 second", "reply": {"in_reply_to_tweet_id": first}},
        {"text": "3/3 third", "reply": {"in_reply_to_tweet_id": second}},
    ]
    assert published.external_id == first
    assert x.api.state["tweets"][third]["reply"] == {"in_reply_to_tweet_id": second}


def test_reply_answers_the_named_post_and_a_reply_thread_hangs_under_it(x: Setup) -> None:
    original = x.client.publish(
        OutgoingPost(post_id="sp-0", platform="x", parts=("Is the cold brew back?",)), CREDENTIALS
    )
    [first_request] = x.api.requests

    reply = x.client.publish(
        OutgoingPost(
            post_id="sp-1", platform="x", parts=("Yes, from Monday!", "More soon."), reply_to=original.external_id
        ),
        CREDENTIALS,
    )

    first, second = x.api.requests[1:]
    assert "reply" not in first_request.json()
    assert first.json() == {"text": "Yes, from Monday!", "reply": {"in_reply_to_tweet_id": original.external_id}}
    assert second.json()["reply"] == {"in_reply_to_tweet_id": reply.part_ids[0]}


def test_reply_to_a_missing_post_is_refused_with_xs_words(x: Setup) -> None:
    with pytest.raises(PermanentError, match="deleted or not visible"):
        x.client.publish(OutgoingPost(post_id="sp-2", platform="x", parts=("Thanks!",), reply_to="999"), CREDENTIALS)


def test_failure_on_part_two_carries_posted_ids_and_resume_skips_part_one(x: Setup) -> None:
    fail_after(x.api, "POST", "/2/tweets", 1, Response(503, {"title": "Service Unavailable", "status": 503}))
    thread = post("1/3 first", "2/3 second", "3/3 third")

    with pytest.raises(PartialThreadTransientError) as caught:
        x.client.publish(thread, CREDENTIALS)

    error = caught.value
    assert isinstance(error, TransientError) and isinstance(error, PartialThreadError)
    assert error.retryable and error.status == 503
    [first] = error.posted_ids
    assert error.resume == {"posted_ids": [first]}
    assert [t["text"] for t in x.api.state["tweets"].values()] == ["1/3 first"]

    resumed = x.client.publish(post(*thread.parts, posted_ids=error.posted_ids), CREDENTIALS)

    assert resumed.part_ids[0] == first and len(resumed.part_ids) == 3
    assert [t["text"] for t in x.api.state["tweets"].values()] == ["1/3 first", "2/3 second", "3/3 third"]
    second_body = x.api.of("POST", "/2/tweets")[-2].json()
    assert second_body == {"text": "2/3 second", "reply": {"in_reply_to_tweet_id": first}}


def test_permanent_failure_mid_thread_keeps_its_class_and_posted_ids(x: Setup) -> None:
    x.client.publish(post("already said"), CREDENTIALS)

    with pytest.raises(PartialThreadPermanentError) as caught:
        x.client.publish(post("new opener", "already said", "closer"), CREDENTIALS)

    assert isinstance(caught.value, PermanentError) and not caught.value.retryable
    assert caught.value.code == "duplicate"
    assert len(caught.value.posted_ids) == 1
    assert caught.value.resume == {"posted_ids": list(caught.value.posted_ids)}


def test_resume_of_a_finished_thread_posts_nothing(x: Setup) -> None:
    published = x.client.publish(post("one", "two", posted_ids=("11", "12")), CREDENTIALS)

    assert x.api.requests == []
    assert published.part_ids == ("11", "12")


def test_media_is_fetched_uploaded_described_and_attached(x: Setup, cdn: FakeApi) -> None:
    media = (Media("image", f"{cdn.url}/img/launch.png", alt="A rocket on the pad"), Media("image", f"{cdn.url}/b.png"))

    published = x.client.publish(post("Launch day", "more below", media=media), CREDENTIALS)

    assert [r.path for r in cdn.requests] == ["/img/launch.png", "/b.png"]
    assert all("authorization" not in r.headers for r in cdn.requests)
    uploads = x.api.of("POST", "/2/media/upload")
    assert len(uploads) == 2
    assert uploads[0].headers["authorization"] == "Bearer x-token"
    assert uploads[0].headers["content-type"].startswith("multipart/form-data")
    assert multipart_fields(uploads[0]) == {"media": PNG, "media_category": b"tweet_image"}
    first_id, second_id = x.api.state["media"]
    [metadata] = x.api.of("POST", "/2/media/metadata")
    assert metadata.json() == {"id": first_id, "metadata": {"alt_text": {"text": "A rocket on the pad"}}}
    assert x.api.state["media"][first_id]["alt_text"] == "A rocket on the pad"
    first, reply = (r.json() for r in x.api.of("POST", "/2/tweets"))
    assert first == {"text": "Launch day", "media": {"media_ids": [first_id, second_id]}}
    assert "media" not in reply
    assert [r.path for r in x.api.requests][-1] == "/2/tweets"
    assert published.part_ids[0] == published.external_id


def test_video_or_five_images_are_refused_before_any_call(x: Setup) -> None:
    with pytest.raises(PermanentError, match="only images"):
        x.client.publish(post("clip", media=(Media("video", "https://cdn.example/v.mp4"),)), CREDENTIALS)
    five = tuple(Media("image", f"https://cdn.example/{i}.png") for i in range(5))
    with pytest.raises(PermanentError, match="at most 4"):
        x.client.publish(post("lots", media=five), CREDENTIALS)
    assert x.api.requests == []


def test_rate_limit_uses_x_rate_limit_reset(x: Setup) -> None:
    reset = int(time.time()) + 60
    headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
    body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
    x.api.fail_next("POST", "/2/tweets", Response(429, body, headers))

    with pytest.raises(TransientError) as caught:
        x.client.publish(post("hello"), CREDENTIALS)

    assert caught.value.status == 429 and caught.value.message == "Too Many Requests"
    assert caught.value.retry_after is not None and 50 <= caught.value.retry_after <= 60


def test_server_error_is_transient(x: Setup) -> None:
    x.api.fail_next("POST", "/2/tweets", Response(503, {"title": "Service Unavailable", "status": 503}))

    with pytest.raises(TransientError) as caught:
        x.client.publish(post("hello"), CREDENTIALS)

    assert caught.value.retryable and caught.value.message == "Service Unavailable"


def test_dropped_connection_is_transient(x: Setup) -> None:
    x.api.drop_next("POST", "/2/tweets")

    with pytest.raises(TransientError, match="no answer came back"):
        x.client.publish(post("hello"), CREDENTIALS)


def test_dropped_connection_on_part_two_is_a_partial_thread(x: Setup) -> None:
    fail_after(x.api, "POST", "/2/tweets", 1, None)

    with pytest.raises(PartialThreadTransientError) as caught:
        x.client.publish(post("part one", "part two"), CREDENTIALS)

    assert len(caught.value.posted_ids) == 1


def test_duplicate_post_is_permanent(x: Setup) -> None:
    x.client.publish(post("Same words"), CREDENTIALS)

    with pytest.raises(PermanentError) as caught:
        x.client.publish(post("Same words"), CREDENTIALS)

    assert caught.value.code == "duplicate" and caught.value.status == 403
    assert not caught.value.retryable and not isinstance(caught.value, TransientError)
    assert caught.value.message == "You are not allowed to create a Tweet with duplicate content."


def test_refused_token_is_auth_error(x: Setup) -> None:
    with pytest.raises(AuthError) as caught:
        x.client.publish(post("hello"), Credentials(access_token="expired", account_id="2244994945"))

    assert caught.value.status == 401 and x.api.state["tweets"] == {}


def test_check_returns_account(x: Setup) -> None:
    info = x.client.check(CREDENTIALS)

    assert (info.account_id, info.name) == ("2244994945", "brandpilot")
    [request] = x.api.requests
    assert (request.method, request.path, request.headers["authorization"]) == ("GET", "/2/users/me", "Bearer x-token")


def test_refresh_rotates_tokens_with_basic_auth(x: Setup) -> None:
    app = AppCredentials(client_id="x-client", client_secret="x-secret")

    fresh = x.client.refresh(CREDENTIALS, app)

    [request] = x.api.requests
    assert (request.method, request.path) == ("POST", "/2/oauth2/token")
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"x-client:x-secret").decode()
    assert request.form() == {"grant_type": "refresh_token", "refresh_token": "x-refresh", "client_id": "x-client"}
    assert fresh is not None
    assert fresh.access_token != "x-token" and fresh.refresh_token not in (None, "x-refresh")
    assert fresh.expires_at is not None and fresh.account_id == CREDENTIALS.account_id
    assert x.client.check(fresh).name == "brandpilot"
    with pytest.raises(AuthError, match="reconnect"):
        x.client.refresh(CREDENTIALS, app)  # the old refresh token was rotated away


def test_refresh_as_public_client_sends_no_basic_auth(x: Setup) -> None:
    credentials = Credentials(access_token="old", account_id="2244994945", refresh_token="x-public-refresh")

    fresh = x.client.refresh(credentials, AppCredentials(client_id="x-public-client", client_secret=""))

    assert fresh is not None and fresh.access_token in x.api.state["tokens"]
    assert "authorization" not in x.api.requests[0].headers


def test_refresh_needs_refresh_token_and_app(x: Setup) -> None:
    app = AppCredentials(client_id="x-client", client_secret="x-secret")

    assert x.client.refresh(Credentials(access_token="t", account_id="1"), app) is None
    assert x.client.refresh(CREDENTIALS, None) is None
    assert x.api.requests == []


def test_error_message_reads_both_error_shapes() -> None:
    assert error_message({"errors": [{"message": "a"}, {"message": "b"}], "detail": "generic"}, 400) == "a; b"
    assert error_message({"title": "Forbidden", "detail": "Not allowed", "status": 403}, 403) == "Not allowed"
    assert error_message({}, 502) == "X answered HTTP 502"
