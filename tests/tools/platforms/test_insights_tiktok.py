"""TikTokClient.insights against the fake TikTok video query (POST /v2/video/query/)."""

from __future__ import annotations

import httpx
import pytest
from fake_platforms.server import FakeApi, Response
from fake_platforms.tiktok_api import ACCESS_TOKEN, OPEN_ID, VIDEO_PATH, tiktok_api, tiktok_error

from tools.platforms.base import (
    AuthError,
    Credentials,
    Media,
    OutgoingPost,
    PermanentError,
    PostInsights,
    TransientError,
)
from tools.platforms.tiktok import TikTokClient

CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=OPEN_ID)
QUERY = "/v2/video/query/"
FIRST = 7_400_000_000_000_000_001


@pytest.fixture
def api(serve_fake) -> FakeApi:
    return serve_fake(tiktok_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client, sleeps: list[float]) -> TikTokClient:
    return TikTokClient(http, base_url=api.url, sleep=sleeps.append)


def seed(api: FakeApi, n: int, open_id: str = OPEN_ID) -> list[str]:
    ids = [str(FIRST + len(api.state["videos"]) + i) for i in range(n)]
    for video_id in ids:
        api.state["videos"][video_id] = {"open_id": open_id}
    return ids


def test_numbers_of_a_published_video_are_mapped(api: FakeApi, client: TikTokClient) -> None:
    post = OutgoingPost(
        post_id="sp-1", platform="tiktok", parts=("Winter blend",), media=(Media("video", f"{api.url}{VIDEO_PATH}"),)
    )
    video_id = client.publish(post, CREDENTIALS).external_id

    assert client.insights([video_id], CREDENTIALS) == [
        PostInsights(external_id=video_id, totals={"video_views": 5400.0, "engagements": 253.0})  # 230 + 14 + 9
    ]
    [request] = api.of("POST", QUERY)
    assert request.query == {"fields": ["id,like_count,comment_count,share_count,view_count"]}
    assert request.json() == {"filters": {"video_ids": [video_id]}}
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["content-type"].startswith("application/json")


def test_45_videos_take_three_queries_of_at_most_20(api: FakeApi, client: TikTokClient) -> None:
    ids = seed(api, 45)

    assert [f.external_id for f in client.insights(ids, CREDENTIALS)] == ids
    assert [len(r.json()["filters"]["video_ids"]) for r in api.of("POST", QUERY)] == [20, 20, 5]


def test_deleted_and_other_accounts_videos_are_left_out(api: FakeApi, client: TikTokClient) -> None:
    [mine] = seed(api, 1)
    [theirs] = seed(api, 1, open_id="-someone-else")
    api.state["video_metrics"][mine] = {"view_count": 10, "like_count": 1}

    found = client.insights([str(FIRST + 999), theirs, mine], CREDENTIALS)

    assert found == [PostInsights(external_id=mine, totals={"video_views": 10.0, "engagements": 1.0})]


def test_publish_ids_of_posts_without_a_public_id_are_not_sent(api: FakeApi, client: TikTokClient) -> None:
    assert client.insights(["v_pub_url~v2-1.0000000000000000001"], CREDENTIALS) == []
    assert api.of("POST", QUERY) == []


def test_missing_video_list_scope_says_to_reconnect(api: FakeApi, client: TikTokClient) -> None:
    api.state["scopes"][ACCESS_TOKEN] = {"user.info.basic", "video.publish"}

    with pytest.raises(PermanentError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)

    assert not isinstance(caught.value, AuthError)
    assert caught.value.code == "scope_not_authorized"
    assert "video.list" in caught.value.message


def test_refused_token_is_an_auth_error(api: FakeApi, client: TikTokClient) -> None:
    with pytest.raises(AuthError):
        client.insights(seed(api, 1), Credentials(access_token="act.revoked", account_id=OPEN_ID))


def test_rate_limit_is_transient_with_a_minute_to_wait(api: FakeApi, client: TikTokClient) -> None:
    api.fail_next("POST", QUERY, tiktok_error(429, "rate_limit_exceeded", "Too many requests"))
    with pytest.raises(TransientError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)
    assert caught.value.retry_after == 60.0


@pytest.mark.parametrize(
    "answer",
    [
        Response(200, {"data": {"cursor": 0}, "error": {"code": "ok", "message": ""}}),
        Response(200, raw=b"not json", headers={"content-type": "text/plain"}),
    ],
)
def test_malformed_answer_is_a_platform_error(api: FakeApi, client: TikTokClient, answer: Response) -> None:
    api.fail_next("POST", QUERY, answer)
    with pytest.raises(PermanentError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)
    assert caught.value.code == "malformed_answer"


def test_fake_refuses_queries_the_real_api_refuses(api: FakeApi, http: httpx.Client) -> None:
    headers = {"authorization": f"Bearer {ACCESS_TOKEN}", "content-type": "application/json; charset=UTF-8"}
    no_fields = http.post(f"{api.url}{QUERY}", json={"filters": {"video_ids": ["1"]}}, headers=headers)
    too_many = http.post(
        f"{api.url}{QUERY}?fields=id", json={"filters": {"video_ids": [str(i) for i in range(21)]}}, headers=headers
    )
    no_filter = http.post(f"{api.url}{QUERY}?fields=id", json={}, headers=headers)

    for answer in (no_fields, too_many, no_filter):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "invalid_params"
