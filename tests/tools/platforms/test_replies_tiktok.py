"""TikTokClient refuses replies and direct messages before calling the fake Content Posting API."""

from __future__ import annotations

import httpx
import pytest
from fake_platforms.server import FakeApi
from fake_platforms.tiktok_api import ACCESS_TOKEN, OPEN_ID, VIDEO_PATH, tiktok_api

from tools.platforms.base import Credentials, Media, OutgoingPost, PermanentError
from tools.platforms.tiktok import TikTokClient

CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=OPEN_ID)
COMMENT_ID = "7300000000000000001"
FAN = "-000fan-open-id"


@pytest.fixture
def api(serve_fake) -> FakeApi:
    return serve_fake(tiktok_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client, sleeps: list[float]) -> TikTokClient:
    return TikTokClient(http, base_url=api.url, poll_interval=2.0, max_wait=10.0, sleep=sleeps.append)


def answer(api: FakeApi, *, reply_to: str | None = None, dm_to: str | None = None) -> OutgoingPost:
    video = (Media("video", f"{api.url}{VIDEO_PATH}"),)  # even with a video, an answer is not a post
    return OutgoingPost(
        post_id="sp-4", platform="tiktok", parts=("Thanks!",), media=video, reply_to=reply_to, dm_to=dm_to
    )


def test_a_reply_to_a_comment_is_refused_with_where_to_answer(api: FakeApi, client: TikTokClient) -> None:
    with pytest.raises(PermanentError, match="can't reply to comments; answer in the TikTok app") as caught:
        client.publish(answer(api, reply_to=COMMENT_ID), CREDENTIALS)

    assert not caught.value.retryable
    assert api.requests == []


def test_a_direct_message_is_refused_with_where_to_answer(api: FakeApi, client: TikTokClient) -> None:
    with pytest.raises(PermanentError, match="can't send direct messages; answer in the TikTok app"):
        client.publish(answer(api, dm_to=FAN), CREDENTIALS)

    assert api.requests == []


def test_a_post_naming_both_is_refused_as_ambiguous(api: FakeApi, client: TikTokClient) -> None:
    with pytest.raises(PermanentError, match="one or the other"):
        client.publish(answer(api, reply_to=COMMENT_ID, dm_to=FAN), CREDENTIALS)

    assert api.requests == []


def test_a_plain_video_post_still_publishes(api: FakeApi, client: TikTokClient) -> None:
    published = client.publish(answer(api), CREDENTIALS)

    assert published.external_id
    assert [r.path for r in api.requests][:2] == [
        "/v2/post/publish/creator_info/query/",
        "/v2/post/publish/video/init/",
    ]
