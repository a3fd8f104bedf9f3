"""Tests for the Meta clients (Facebook Pages, Instagram) against a loopback fake of the Graph API."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from fake_platforms.meta_api import IG_USER_ID, IG_USERNAME, PAGE_ID, PAGE_NAME, TOKEN, VERSION, graph_error, meta_api
from fake_platforms.server import FakeApi, Response

from tools.platforms.base import (
    AccountInfo,
    AuthError,
    Credentials,
    DeprecatedVersionError,
    Media,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from tools.platforms.facebook import FacebookClient
from tools.platforms.instagram import InstagramClient

PAGE = Credentials(access_token=TOKEN, account_id=PAGE_ID)
IG = Credentials(access_token=TOKEN, account_id=IG_USER_ID)
IMAGE = Media("image", "https://cdn.example.com/roast.jpg", alt="Beans cooling in a tray")
IMAGE_2 = Media("image", "https://cdn.example.com/cup.jpg")
VIDEO = Media("video", "https://cdn.example.com/pour.mp4")


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(meta_api())


@pytest.fixture
def facebook(api: FakeApi, http: httpx.Client) -> FacebookClient:
    return FacebookClient(http, base_url=api.url)


@pytest.fixture
def instagram(api: FakeApi, http: httpx.Client, sleeps: list[float]) -> InstagramClient:
    return InstagramClient(http, base_url=api.url, poll_interval=2.0, max_wait=10.0, sleep=sleeps.append)


def make_post(*media: Media, text: str = "Roast day at Acme.", **options: str) -> OutgoingPost:
    return OutgoingPost(post_id="sp-1", platform="instagram", parts=(text,), media=media, options=options)


def calls(api: FakeApi) -> list[tuple[str, str]]:
    return [(r.method, r.path.removeprefix(f"/{VERSION}/")) for r in api.requests]


# Facebook


def test_page_post_sends_message_and_link_to_the_feed_with_a_bearer_token(
    api: FakeApi, facebook: FacebookClient
) -> None:
    published = facebook.publish(make_post(text="New beans!", link="https://acme.example/beans"), PAGE)

    (request,) = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/{PAGE_ID}/feed")
    assert request.form() == {"message": "New beans!", "link": "https://acme.example/beans"}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.query == {}
    assert published.external_id.startswith(f"{PAGE_ID}_")
    assert published.url == f"https://www.facebook.com/{published.external_id}"
    assert api.state["posts"][published.external_id]["message"] == "New beans!"


def test_photo_post_sends_url_and_caption_and_returns_the_feed_post_id(api: FakeApi, facebook: FacebookClient) -> None:
    published = facebook.publish(make_post(IMAGE, text="Fresh out of the roaster"), PAGE)

    (request,) = api.requests
    assert (request.method, request.path) == ("POST", f"/{VERSION}/{PAGE_ID}/photos")
    assert request.form() == {"url": IMAGE.url, "caption": "Fresh out of the roaster"}
    record = api.state["posts"][published.external_id]
    assert record["photo"] != published.external_id  # the feed post, not the photo object
    assert published.url == f"https://www.facebook.com/{published.external_id}"


def test_photo_post_appends_the_link_to_the_caption(api: FakeApi, facebook: FacebookClient) -> None:
    facebook.publish(make_post(IMAGE, text="Menu", link="https://acme.example/menu"), PAGE)

    assert api.requests[0].form()["caption"] == "Menu\n\nhttps://acme.example/menu"


@pytest.mark.parametrize("media", [(VIDEO,), (IMAGE, IMAGE_2)])
def test_facebook_refuses_videos_and_several_images_without_a_request(
    api: FakeApi, facebook: FacebookClient, media: tuple[Media, ...]
) -> None:
    with pytest.raises(PermanentError, match="one image"):
        facebook.publish(make_post(*media), PAGE)
    assert api.requests == []


def test_facebook_check_names_the_page(api: FakeApi, facebook: FacebookClient) -> None:
    assert facebook.check(PAGE) == AccountInfo(account_id=PAGE_ID, name=PAGE_NAME)
    (request,) = api.requests
    assert (request.method, request.path, request.query) == ("GET", f"/{VERSION}/{PAGE_ID}", {"fields": ["id,name"]})


def test_page_tokens_are_not_refreshed(facebook: FacebookClient, instagram: InstagramClient) -> None:
    assert facebook.refresh(PAGE, None) is None
    assert instagram.refresh(IG, None) is None


# Instagram


def test_instagram_image_creates_a_container_then_publishes_it(api: FakeApi, instagram: InstagramClient) -> None:
    published = instagram.publish(make_post(IMAGE), IG)

    assert calls(api) == [
        ("POST", f"{IG_USER_ID}/media"),
        ("POST", f"{IG_USER_ID}/media_publish"),
        ("GET", published.external_id),
    ]
    create, publish, permalink = api.requests
    assert create.form() == {"image_url": IMAGE.url, "caption": "Roast day at Acme.", "alt_text": IMAGE.alt}
    (container_id,) = api.state["containers"]
    assert publish.form() == {"creation_id": container_id}
    assert permalink.query == {"fields": ["permalink"]}
    assert published.external_id in api.state["media"]
    assert published.url == api.state["media"][published.external_id]["permalink"]


def test_instagram_carousel_creates_children_then_the_parent_then_publishes(
    api: FakeApi, instagram: InstagramClient
) -> None:
    published = instagram.publish(make_post(IMAGE, IMAGE_2), IG)

    assert calls(api) == [
        ("POST", f"{IG_USER_ID}/media"),
        ("POST", f"{IG_USER_ID}/media"),
        ("POST", f"{IG_USER_ID}/media"),
        ("POST", f"{IG_USER_ID}/media_publish"),
        ("GET", published.external_id),
    ]
    first, second, parent, publish = (r.form() for r in api.requests[:4])
    assert first == {"image_url": IMAGE.url, "is_carousel_item": "true", "alt_text": IMAGE.alt}
    assert second == {"image_url": IMAGE_2.url, "is_carousel_item": "true"}
    children = list(api.state["containers"])[:2]
    assert parent == {"media_type": "CAROUSEL", "children": ",".join(children), "caption": "Roast day at Acme."}
    assert publish == {"creation_id": list(api.state["containers"])[2]}


def test_instagram_carousel_waits_for_video_items_before_the_parent(
    api: FakeApi, instagram: InstagramClient, sleeps: list[float]
) -> None:
    instagram.publish(make_post(IMAGE, VIDEO), IG)

    image_child, video_child, parent = api.state["containers"]
    assert calls(api)[:7] == [
        ("POST", f"{IG_USER_ID}/media"),
        ("POST", f"{IG_USER_ID}/media"),
        ("GET", video_child),
        ("GET", video_child),
        ("GET", video_child),
        ("POST", f"{IG_USER_ID}/media"),
        ("GET", parent),
    ]
    assert api.requests[1].form() == {"media_type": "VIDEO", "video_url": VIDEO.url, "is_carousel_item": "true"}
    assert sleeps == [2.0, 2.0]


def test_instagram_reel_polls_until_finished_then_publishes(
    api: FakeApi, instagram: InstagramClient, sleeps: list[float]
) -> None:
    published = instagram.publish(make_post(VIDEO, text="Pour-over in 30s"), IG)

    (container_id,) = api.state["containers"]
    assert calls(api) == [
        ("POST", f"{IG_USER_ID}/media"),
        ("GET", container_id),
        ("GET", container_id),
        ("GET", container_id),
        ("POST", f"{IG_USER_ID}/media_publish"),
        ("GET", published.external_id),
    ]
    assert api.requests[0].form() == {"media_type": "REELS", "video_url": VIDEO.url, "caption": "Pour-over in 30s"}
    assert all(r.query == {"fields": ["status_code"]} for r in api.requests[1:4])
    assert sleeps == [2.0, 2.0]


def test_reel_still_processing_after_max_wait_is_transient_and_resumes_the_same_container(
    serve_fake: Callable[[FakeApi], FakeApi], http: httpx.Client, sleeps: list[float]
) -> None:
    api = serve_fake(meta_api(video_polls=20))
    client = InstagramClient(http, base_url=api.url, poll_interval=2.0, max_wait=4.0, sleep=sleeps.append)
    with pytest.raises(TransientError, match="still processing") as caught:
        client.publish(make_post(VIDEO), IG)
    (container_id,) = api.state["containers"]
    assert caught.value.resume == {"container_id": container_id}
    assert caught.value.retry_after == 30.0

    api.state["containers"][container_id]["polls_left"] = 0
    client.publish(make_post(VIDEO, **caught.value.resume), IG)

    assert len(api.of("POST", f"/{VERSION}/{IG_USER_ID}/media_publish")) == 1
    assert len(api.state["containers"]) == 1


def test_reel_that_fails_processing_is_permanent(api: FakeApi, instagram: InstagramClient) -> None:
    api.state["broken_urls"].add(VIDEO.url)

    with pytest.raises(PermanentError, match="ERROR"):
        instagram.publish(make_post(VIDEO), IG)
    assert api.of("POST", f"/{VERSION}/{IG_USER_ID}/media_publish") == []


def test_instagram_post_without_media_is_refused_without_a_request(api: FakeApi, instagram: InstagramClient) -> None:
    with pytest.raises(PermanentError, match="need an image or video"):
        instagram.publish(make_post(text="Just words"), IG)
    assert api.requests == []


def test_instagram_refuses_more_than_ten_items_without_a_request(api: FakeApi, instagram: InstagramClient) -> None:
    with pytest.raises(PermanentError, match="at most 10"):
        instagram.publish(make_post(*[IMAGE] * 11), IG)
    assert api.requests == []


def test_failed_media_publish_carries_the_container_and_a_resumed_publish_makes_no_second_container(
    api: FakeApi, instagram: InstagramClient
) -> None:
    api.fail_next("POST", f"/{VERSION}/{IG_USER_ID}/media_publish", graph_error(2, "Service temporarily unavailable"))

    with pytest.raises(TransientError) as caught:
        instagram.publish(make_post(IMAGE), IG)
    (container_id,) = api.state["containers"]
    assert caught.value.resume == {"container_id": container_id}

    api.requests.clear()
    published = instagram.publish(make_post(IMAGE, **caught.value.resume), IG)

    assert calls(api) == [
        ("GET", container_id),
        ("POST", f"{IG_USER_ID}/media_publish"),
        ("GET", published.external_id),
    ]
    assert api.requests[1].form() == {"creation_id": container_id}
    assert list(api.state["containers"]) == [container_id]


def test_resuming_a_container_whose_publish_answer_was_lost_does_not_publish_twice(
    api: FakeApi, instagram: InstagramClient
) -> None:
    api.drop_next("POST", f"/{VERSION}/{IG_USER_ID}/media_publish")
    with pytest.raises(TransientError) as caught:
        instagram.publish(make_post(IMAGE), IG)
    (container_id,) = api.state["containers"]
    api.state["containers"][container_id]["status_code"] = "PUBLISHED"  # Instagram did publish it before dropping

    with pytest.raises(PermanentError, match="already published"):
        instagram.publish(make_post(IMAGE, **caught.value.resume), IG)
    assert len(api.of("POST", f"/{VERSION}/{IG_USER_ID}/media_publish")) == 1


def test_resuming_an_expired_container_creates_a_new_one(api: FakeApi, instagram: InstagramClient) -> None:
    instagram.publish(make_post(IMAGE), IG)
    (old,) = api.state["containers"]
    api.state["containers"][old]["status_code"] = "EXPIRED"

    instagram.publish(make_post(IMAGE, container_id=old), IG)

    assert len(api.state["containers"]) == 2
    assert api.of("POST", f"/{VERSION}/{IG_USER_ID}/media_publish")[-1].form()["creation_id"] != old


def test_instagram_check_names_the_account(api: FakeApi, instagram: InstagramClient) -> None:
    assert instagram.check(IG) == AccountInfo(account_id=IG_USER_ID, name=IG_USERNAME)
    assert api.requests[0].query == {"fields": ["id,username"]}


# Errors, through the Page feed


def buc_usage(minutes: int) -> dict[str, str]:
    usage = {PAGE_ID: [{"type": "pages", "call_count": 100, "total_cputime": 4, "total_time": 5}]}
    usage[PAGE_ID][0]["estimated_time_to_regain_access"] = minutes
    return {"X-Business-Use-Case-Usage": json.dumps(usage)}


@pytest.mark.parametrize(
    ("answer", "retry_after"),
    [
        (
            graph_error(4, "(#4) Application request limit reached", headers={"X-App-Usage": '{"call_count": 100}'}),
            None,
        ),
        (graph_error(32, "(#32) Page request limit reached", headers=buc_usage(5)), 300.0),
        (graph_error(80001, "There have been too many calls to this Page account.", headers=buc_usage(2)), 120.0),
        (
            graph_error(
                613, "Calls to this api have exceeded the rate limit.", status=429, headers={"Retry-After": "7"}
            ),
            7.0,
        ),
        (graph_error(1, "An unknown error occurred", status=500, transient=True), None),
        (Response(502, raw=b"<html>Bad Gateway</html>"), None),
    ],
)
def test_rate_limits_and_server_errors_are_transient(
    api: FakeApi, facebook: FacebookClient, answer: Response, retry_after: float | None
) -> None:
    api.fail_next("POST", f"/{VERSION}/{PAGE_ID}/feed", answer)

    with pytest.raises(TransientError) as caught:
        facebook.publish(make_post(), PAGE)
    assert caught.value.retry_after == retry_after


def test_rate_limit_message_is_metas_plain_message(api: FakeApi, facebook: FacebookClient) -> None:
    api.fail_next("POST", f"/{VERSION}/{PAGE_ID}/feed", graph_error(4, "(#4) Application request limit reached"))

    with pytest.raises(TransientError) as caught:
        facebook.publish(make_post(), PAGE)
    assert caught.value.message == "(#4) Application request limit reached"
    assert caught.value.code == "4"


def test_dropped_connection_is_transient(api: FakeApi, facebook: FacebookClient) -> None:
    api.drop_next("POST", f"/{VERSION}/{PAGE_ID}/feed")

    with pytest.raises(TransientError, match="no answer came back"):
        facebook.publish(make_post(), PAGE)


def test_refused_token_is_an_auth_error(api: FakeApi, facebook: FacebookClient) -> None:
    with pytest.raises(AuthError, match="Invalid OAuth access token") as caught:
        facebook.publish(make_post(), Credentials(access_token="expired", account_id=PAGE_ID))
    assert (caught.value.status, caught.value.code) == (400, "190")
    assert "reconnect" in caught.value.message


def test_retired_version_is_a_deprecated_version_error_with_advice(api: FakeApi, http: httpx.Client) -> None:
    client = FacebookClient(http, base_url=api.url, version="v19.0")

    with pytest.raises(DeprecatedVersionError) as caught:
        client.publish(make_post(), PAGE)
    assert api.requests[0].path == f"/v19.0/{PAGE_ID}/feed"
    assert "set META_API_VERSION to v24.0" in caught.value.message
    assert caught.value.code == "2635"


def test_a_message_saying_the_version_is_gone_is_a_deprecated_version_error(
    api: FakeApi, facebook: FacebookClient
) -> None:
    api.fail_next("GET", f"/{VERSION}/{PAGE_ID}", graph_error(12, "API version v23.0 is no longer available."))

    with pytest.raises(DeprecatedVersionError, match="META_API_VERSION"):
        facebook.check(PAGE)


def test_other_client_errors_are_permanent_with_metas_message(api: FakeApi, facebook: FacebookClient) -> None:
    api.fail_next("POST", f"/{VERSION}/{PAGE_ID}/feed", graph_error(506, "(#506) Duplicate status message"))

    with pytest.raises(PermanentError) as caught:
        facebook.publish(make_post(), PAGE)
    assert type(caught.value) is PermanentError
    assert (caught.value.message, caught.value.code, caught.value.status) == (
        "(#506) Duplicate status message",
        "506",
        400,
    )


def test_posting_to_a_page_the_token_cannot_reach_is_permanent(api: FakeApi, facebook: FacebookClient) -> None:
    with pytest.raises(PermanentError, match="does not exist"):
        facebook.publish(make_post(), Credentials(access_token=TOKEN, account_id="999"))


def test_instagram_user_message_is_preferred_over_the_terse_one(api: FakeApi, instagram: InstagramClient) -> None:
    api.fail_next(
        "POST",
        f"/{VERSION}/{IG_USER_ID}/media",
        graph_error(36000, "The image size is too large.", subcode=2207004, user_msg="It should be less than 8 MiB."),
    )

    with pytest.raises(PermanentError, match="less than 8 MiB") as caught:
        instagram.publish(make_post(IMAGE), IG)
    assert caught.value.resume == {}  # no container yet: the next attempt starts over


def test_a_malformed_version_setting_is_refused_with_advice(http: httpx.Client) -> None:
    with pytest.raises(ValueError, match="META_API_VERSION"):
        InstagramClient(http, version="23")
