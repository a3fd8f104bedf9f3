"""XClient.insights against the fake X API's posts lookup (GET /2/tweets)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fake_platforms.server import FakeApi, Response
from fake_platforms.x_api import problem, x_api

from tools.platforms.base import AuthError, Credentials, OutgoingPost, PermanentError, PostInsights, TransientError
from tools.platforms.x import XClient

CREDENTIALS = Credentials(access_token="x-token", account_id="2244994945")
FIRST = 1_900_000_000_000_000_001


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(x_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client) -> XClient:
    return XClient(http, base_url=api.url)


def seed(api: FakeApi, n: int) -> list[str]:
    ids = [str(FIRST + i) for i in range(n)]
    for tweet_id in ids:
        api.state["tweets"][tweet_id] = {"id": tweet_id, "text": f"post {tweet_id}"}
    return ids


def lookups(api: FakeApi) -> list[dict[str, list[str]]]:
    return [r.query for r in api.of("GET", "/2/tweets")]


def test_numbers_of_a_published_post_are_mapped_from_its_metrics(api: FakeApi, client: XClient) -> None:
    published = client.publish(OutgoingPost(post_id="sp-1", platform="x", parts=("Launch day",)), CREDENTIALS)

    [found] = client.insights([published.external_id], CREDENTIALS)

    assert found == PostInsights(
        external_id=published.external_id,
        totals={"impressions": 1204.0, "engagements": 24.0, "clicks": 14.0},  # 14+2+3+1+4 and 9+5
    )
    [request] = api.of("GET", "/2/tweets")
    assert request.headers["authorization"] == "Bearer x-token"
    assert request.query == {"ids": [published.external_id], "tweet.fields": ["public_metrics,non_public_metrics"]}


def test_seeded_metrics_map_to_brandpilot_names(api: FakeApi, client: XClient) -> None:
    [tweet_id] = seed(api, 1)
    api.state["metrics"][tweet_id] = {
        "public_metrics": {
            "retweet_count": 10,
            "reply_count": 20,
            "like_count": 30,
            "quote_count": 40,
            "bookmark_count": 50,
            "impression_count": 999,
        },
        "non_public_metrics": {"impression_count": 5000, "url_link_clicks": 7, "user_profile_clicks": 8},
    }

    [found] = client.insights([tweet_id], CREDENTIALS)

    assert found.totals == {"impressions": 5000.0, "engagements": 150.0, "clicks": 15.0}


def test_150_ids_take_two_lookups_of_100_and_50(api: FakeApi, client: XClient) -> None:
    ids = seed(api, 150)

    found = client.insights(ids, CREDENTIALS)

    assert [f.external_id for f in found] == ids
    assert [len(q["ids"][0].split(",")) for q in lookups(api)] == [100, 50]


def test_deleted_posts_are_left_out_and_order_is_kept(api: FakeApi, client: XClient) -> None:
    first, second = seed(api, 2)
    gone = str(FIRST + 99)

    found = client.insights([second, gone, first, second], CREDENTIALS)

    assert [f.external_id for f in found] == [second, first]
    assert lookups(api)[0]["ids"] == [f"{second},{gone},{first}"]


def test_posts_older_than_30_days_are_asked_again_with_public_metrics_only(api: FakeApi, client: XClient) -> None:
    recent, old = seed(api, 2)
    api.state["stale"].add(old)

    found = {f.external_id: f.totals for f in client.insights([recent, old], CREDENTIALS)}

    assert found[recent] == {"impressions": 1204.0, "engagements": 24.0, "clicks": 14.0}
    assert found[old] == {"impressions": 1180.0, "engagements": 24.0}
    second = lookups(api)[1]
    assert second == {"ids": [old], "tweet.fields": ["public_metrics"]}


def test_ids_that_are_not_x_post_ids_are_not_sent(api: FakeApi, client: XClient) -> None:
    assert client.insights(["", "urn:li:share:1", "abc"], CREDENTIALS) == []
    assert api.requests == []


def test_refused_token_is_an_auth_error(api: FakeApi, client: XClient) -> None:
    seed(api, 1)
    with pytest.raises(AuthError):
        client.insights([str(FIRST)], Credentials(access_token="revoked", account_id="2244994945"))


def test_rate_limit_is_transient_with_retry_after(api: FakeApi, client: XClient) -> None:
    seed(api, 1)
    api.fail_next("GET", "/2/tweets", Response(429, {"title": "Too Many Requests"}, headers={"retry-after": "120"}))

    with pytest.raises(TransientError) as caught:
        client.insights([str(FIRST)], CREDENTIALS)

    assert caught.value.retry_after == 120
    assert caught.value.status == 429


def test_server_error_is_transient(api: FakeApi, client: XClient) -> None:
    api.fail_next("GET", "/2/tweets", problem(503, "Service Unavailable", "Service Unavailable"))
    with pytest.raises(TransientError):
        client.insights([str(FIRST)], CREDENTIALS)


@pytest.mark.parametrize(
    "answer",
    [
        Response(200, raw=b"<html>upstream hiccup</html>", headers={"content-type": "text/html"}),
        Response(200, {"meta": {"result_count": 0}}),
        Response(200, {"data": {"id": str(FIRST)}}),
    ],
)
def test_malformed_answer_is_a_platform_error_not_a_crash(api: FakeApi, client: XClient, answer: Response) -> None:
    api.fail_next("GET", "/2/tweets", answer)
    with pytest.raises(PermanentError) as caught:
        client.insights([str(FIRST)], CREDENTIALS)
    assert caught.value.code == "malformed_answer"


def test_metrics_that_are_not_numbers_are_skipped(api: FakeApi, client: XClient) -> None:
    [tweet_id] = seed(api, 1)
    api.state["metrics"][tweet_id] = {"public_metrics": {"like_count": "lots", "reply_count": 2}}

    [found] = client.insights([tweet_id], CREDENTIALS)

    assert found.totals == {"engagements": 2.0}


def test_fake_refuses_lookups_the_real_api_refuses(api: FakeApi, http: httpx.Client) -> None:
    auth = {"authorization": "Bearer x-token"}
    too_many = http.get(
        f"{api.url}/2/tweets", params={"ids": ",".join(str(FIRST + i) for i in range(101))}, headers=auth
    )
    empty = http.get(f"{api.url}/2/tweets", headers=auth)
    bad_field = http.get(f"{api.url}/2/tweets", params={"ids": str(FIRST), "tweet.fields": "likes"}, headers=auth)

    assert [r.status_code for r in (too_many, empty, bad_field)] == [400, 400, 400]
    assert too_many.json()["errors"][0]["message"] == "`ids` size [101] is not between 1 and 100"
    assert bad_field.json()["type"] == "https://api.twitter.com/2/problems/invalid-request"
