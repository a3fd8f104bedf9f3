"""FacebookClient.insights and InstagramClient.insights against the fake Graph API's `?ids=` reads."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from fake_platforms.meta_api import IG_USER_ID, PAGE_ID, TOKEN, VERSION, graph_error, meta_api
from fake_platforms.server import FakeApi, Response

from tools.platforms.base import (
    AuthError,
    Credentials,
    DeprecatedVersionError,
    Media,
    OutgoingPost,
    PermanentError,
    PostInsights,
    TransientError,
)
from tools.platforms.facebook import FacebookClient
from tools.platforms.facebook_insights import FIELDS as FACEBOOK_FIELDS
from tools.platforms.instagram import InstagramClient
from tools.platforms.instagram_insights import instagram_totals
from tools.platforms.meta import GraphApi
from tools.platforms.meta_insights import read_nodes

PAGE = Credentials(access_token=TOKEN, account_id=PAGE_ID)
IG = Credentials(access_token=TOKEN, account_id=IG_USER_ID)
ROOT = f"/{VERSION}/"


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(meta_api())


@pytest.fixture
def facebook(api: FakeApi, http: httpx.Client) -> FacebookClient:
    return FacebookClient(http, base_url=api.url)


@pytest.fixture
def instagram(api: FakeApi, http: httpx.Client, sleeps: list[float]) -> InstagramClient:
    return InstagramClient(http, base_url=api.url, sleep=sleeps.append)


def seed_posts(api: FakeApi, n: int) -> list[str]:
    ids = [f"{PAGE_ID}_{122_500_000_000_000 + len(api.state['posts']) + i}" for i in range(n)]
    for post_id in ids:
        api.state["posts"][post_id] = {"id": post_id, "message": "hi"}
    return ids


def reads(api: FakeApi) -> list[list[str]]:
    return [r.query["ids"][0].split(",") for r in api.of("GET", ROOT) if r.path == ROOT]


# Facebook


def test_numbers_of_a_published_page_post_are_mapped(api: FakeApi, facebook: FacebookClient) -> None:
    post = OutgoingPost(post_id="sp-1", platform="facebook", parts=("Roast day",))
    post_id = facebook.publish(post, PAGE).external_id

    assert facebook.insights([post_id], PAGE) == [
        PostInsights(
            external_id=post_id,
            totals={"impressions": 1840.0, "reach": 1210.0, "clicks": 73.0, "engagements": 61.0},  # 52 + 6 + 3
        )
    ]
    [request] = [r for r in api.requests if r.method == "GET"]
    assert request.path == ROOT
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "access_token" not in request.query
    assert request.query == {"ids": [post_id], "fields": [FACEBOOK_FIELDS]}
    assert FACEBOOK_FIELDS == (
        "shares,comments.summary(true).limit(0),"
        "insights.metric(post_media_view,post_total_media_view_unique,post_clicks,post_reactions_by_type_total)"
    )


def test_a_post_nobody_shared_counts_zero_shares(api: FakeApi, facebook: FacebookClient) -> None:
    [post_id] = seed_posts(api, 1)
    api.state["insights"][post_id] = {"shares": 0, "comments": 2, "post_reactions_by_type_total": {"like": 5}}

    [found] = facebook.insights([post_id], PAGE)

    assert found.totals["engagements"] == 7.0


def test_60_posts_take_two_reads_of_50_and_10(api: FakeApi, facebook: FacebookClient) -> None:
    ids = seed_posts(api, 60)

    assert [f.external_id for f in facebook.insights(ids, PAGE)] == ids
    assert [len(r) for r in reads(api)] == [50, 10]


def test_a_deleted_post_is_left_out_after_reading_the_batch_post_by_post(
    api: FakeApi, facebook: FacebookClient
) -> None:
    first, second = seed_posts(api, 2)
    gone = f"{PAGE_ID}_999"

    found = facebook.insights([first, gone, second], PAGE)

    assert [f.external_id for f in found] == [first, second]
    assert reads(api) == [[first, gone, second], [first], [gone], [second]]


def test_a_refusal_other_than_deleted_is_raised_not_taken_for_deleted_posts(api: FakeApi, http: httpx.Client) -> None:
    ids = seed_posts(api, 2)
    graph = GraphApi(http, "facebook", base_url=api.url)

    with pytest.raises(PermanentError, match="valid insights metric"):
        read_nodes(graph, ids, TOKEN, "insights.metric(post_impressions)")  # retired in 2025


def test_refused_token_is_an_auth_error(api: FakeApi, facebook: FacebookClient) -> None:
    with pytest.raises(AuthError):
        facebook.insights(seed_posts(api, 2), Credentials(access_token="EAAGexpired", account_id=PAGE_ID))
    assert len(reads(api)) == 1  # not retried post by post


def test_throttling_is_transient_with_the_usage_headers_wait(api: FakeApi, facebook: FacebookClient) -> None:
    usage = {PAGE_ID: [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    throttled = graph_error(
        80001,
        "There have been too many calls to this Page account.",
        status=400,
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    api.fail_next("GET", "/", throttled)

    with pytest.raises(TransientError) as caught:
        facebook.insights(seed_posts(api, 1), PAGE)

    assert caught.value.retry_after == 420


def test_http_429_is_transient_with_retry_after(api: FakeApi, facebook: FacebookClient) -> None:
    api.fail_next("GET", "/", Response(429, {}, headers={"retry-after": "15"}))
    with pytest.raises(TransientError) as caught:
        facebook.insights(seed_posts(api, 1), PAGE)
    assert caught.value.retry_after == 15


def test_retired_version_is_a_deprecated_version_error(api: FakeApi, http: httpx.Client) -> None:
    client = FacebookClient(http, base_url=api.url, version="v19.0")
    with pytest.raises(DeprecatedVersionError):
        client.insights(seed_posts(api, 1), PAGE)


@pytest.mark.parametrize(
    "answer", [Response(200, {}), Response(200, raw=b"<html>", headers={"content-type": "text/html"})]
)
def test_malformed_answer_is_a_platform_error(api: FakeApi, facebook: FacebookClient, answer: Response) -> None:
    api.fail_next("GET", "/", answer)
    with pytest.raises(PermanentError) as caught:
        facebook.insights(seed_posts(api, 1), PAGE)
    assert caught.value.code == "malformed_answer"


def test_ids_that_cannot_be_graph_ids_are_not_sent(api: FakeApi, facebook: FacebookClient) -> None:
    assert facebook.insights(["", "a,b", "urn:li:share:1"], PAGE) == []
    assert api.requests == []


# Instagram


def test_numbers_of_published_instagram_media_are_mapped(api: FakeApi, instagram: InstagramClient) -> None:
    post = OutgoingPost(
        post_id="sp-2", platform="instagram", parts=("Roast",), media=(Media("image", "https://cdn.example/a.jpg"),)
    )
    media_id = instagram.publish(post, IG).external_id

    assert instagram.insights([media_id], IG) == [
        PostInsights(external_id=media_id, totals={"impressions": 2300.0, "reach": 950.0, "engagements": 112.0})
    ]
    [request] = [r for r in api.requests if r.path == ROOT]
    assert request.query == {
        "ids": [media_id],
        "fields": ["insights.metric(reach,likes,comments,shares,saved,total_interactions,views)"],
    }


def test_deleted_instagram_media_is_left_out(api: FakeApi, instagram: InstagramClient) -> None:
    api.state["media"]["17950000000000077"] = {"id": "17950000000000077", "owner": IG_USER_ID}

    found = instagram.insights(["17950000000000077", "17950000000000078"], IG)

    assert [f.external_id for f in found] == ["17950000000000077"]


def test_instagram_engagements_fall_back_to_the_sum_without_total_interactions() -> None:
    node = {
        "insights": {
            "data": [
                {"name": "likes", "period": "lifetime", "values": [{"value": 10}]},
                {"name": "comments", "period": "lifetime", "values": [{"value": 2}]},
                {"name": "shares", "period": "lifetime", "total_value": {"value": 3}},
                {"name": "saved", "period": "lifetime", "values": [{"value": "x"}]},
                {"name": "views", "total_value": {"value": 400}},
                {"period": "lifetime"},
                "junk",
            ]
        }
    }
    assert instagram_totals(node) == {"impressions": 400.0, "engagements": 15.0}


def test_fake_refuses_more_than_50_ids(api: FakeApi, http: httpx.Client) -> None:
    answer = http.get(
        f"{api.url}{ROOT}",
        params={"ids": ",".join(seed_posts(api, 51)), "fields": "shares"},
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "(#100) Too many IDs. Maximum: 50. Provided: 51."
