"""YouTubeClient.insights against the fake YouTube Data API's videos.list (part=statistics)."""

from __future__ import annotations

import httpx
import pytest
from fake_platforms.server import FakeApi, Response
from fake_platforms.youtube_api import ACCESS_TOKEN, CHANNEL_ID, google_error, quota_exceeded, youtube_api

from tools.platforms.base import AuthError, Credentials, PermanentError, PostInsights, TransientError
from tools.platforms.youtube import YouTubeClient

CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=CHANNEL_ID)
VIDEOS = "/youtube/v3/videos"


@pytest.fixture
def api(serve_fake) -> FakeApi:
    return serve_fake(youtube_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client) -> YouTubeClient:
    return YouTubeClient(http, base_url=api.url, oauth_url=api.url)


def seed(api: FakeApi, n: int) -> list[str]:
    ids = [f"yt{len(api.state['videos']) + i:09d}" for i in range(n)]
    for video_id in ids:
        api.state["videos"][video_id] = {"id": video_id, "snippet": {"channelId": CHANNEL_ID}}
    return ids


def lists(api: FakeApi) -> list[dict[str, list[str]]]:
    return [r.query for r in api.of("GET", VIDEOS)]


def test_string_statistics_are_mapped_to_numbers(api: FakeApi, client: YouTubeClient) -> None:
    [video_id] = seed(api, 1)

    assert client.insights([video_id], CREDENTIALS) == [
        PostInsights(external_id=video_id, totals={"video_views": 1520.0, "engagements": 98.0})  # 87 + 11
    ]
    [request] = api.of("GET", VIDEOS)
    assert request.query == {"part": ["statistics"], "id": [video_id]}
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_hidden_likes_leave_comments_as_the_engagements(api: FakeApi, client: YouTubeClient) -> None:
    [video_id] = seed(api, 1)
    api.state["statistics"][video_id] = {"viewCount": "40", "favoriteCount": "0", "commentCount": "3"}

    [found] = client.insights([video_id], CREDENTIALS)

    assert found.totals == {"video_views": 40.0, "engagements": 3.0}


def test_120_videos_take_three_lists_of_at_most_50(api: FakeApi, client: YouTubeClient) -> None:
    ids = seed(api, 120)

    assert [f.external_id for f in client.insights(ids, CREDENTIALS)] == ids
    assert [len(q["id"][0].split(",")) for q in lists(api)] == [50, 50, 20]


def test_deleted_videos_are_left_out(api: FakeApi, client: YouTubeClient) -> None:
    [kept] = seed(api, 1)
    assert [f.external_id for f in client.insights(["gone0000001", kept], CREDENTIALS)] == [kept]


def test_refused_token_is_an_auth_error(api: FakeApi, client: YouTubeClient) -> None:
    with pytest.raises(AuthError):
        client.insights(seed(api, 1), Credentials(access_token="ya29.revoked", account_id=CHANNEL_ID))


def test_rate_limit_is_transient_with_retry_after(api: FakeApi, client: YouTubeClient) -> None:
    limited = google_error(429, "rateLimitExceeded", "Too many requests", "youtube.quota")
    api.fail_next("GET", VIDEOS, Response(limited.status, limited.body, headers={"retry-after": "12"}))
    with pytest.raises(TransientError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)
    assert caught.value.retry_after == 12


def test_used_up_quota_is_transient_until_the_reset(api: FakeApi, client: YouTubeClient) -> None:
    api.fail_next("GET", VIDEOS, quota_exceeded())
    with pytest.raises(TransientError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)
    assert caught.value.code == "quotaExceeded"
    assert caught.value.retry_after and caught.value.retry_after > 0


@pytest.mark.parametrize(
    "answer",
    [
        Response(200, {"kind": "youtube#videoListResponse"}),
        Response(200, raw=b"", headers={"content-type": "text/plain"}),
    ],
)
def test_malformed_answer_is_a_platform_error(api: FakeApi, client: YouTubeClient, answer: Response) -> None:
    api.fail_next("GET", VIDEOS, answer)
    with pytest.raises(PermanentError) as caught:
        client.insights(seed(api, 1), CREDENTIALS)
    assert caught.value.code == "malformed_answer"


def test_fake_refuses_lists_the_real_api_refuses(api: FakeApi, http: httpx.Client) -> None:
    headers = {"authorization": f"Bearer {ACCESS_TOKEN}"}
    no_part = http.get(f"{api.url}{VIDEOS}", params={"id": "a"}, headers=headers)
    no_filter = http.get(f"{api.url}{VIDEOS}", params={"part": "statistics"}, headers=headers)
    bad_part = http.get(f"{api.url}{VIDEOS}", params={"part": "stats", "id": "a"}, headers=headers)

    assert [r.status_code for r in (no_part, no_filter, bad_part)] == [400, 400, 400]
    assert [r.json()["error"]["errors"][0]["reason"] for r in (no_part, no_filter, bad_part)] == [
        "required",
        "missingRequiredParameter",
        "unknownPart",
    ]
