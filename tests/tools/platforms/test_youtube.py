"""YouTubeClient against a loopback fake of the YouTube Data API's resumable upload."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fake_platforms.server import FakeApi, Response
from fake_platforms.youtube_api import (
    ACCESS_TOKEN,
    CHANNEL_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    SCOPE,
    THUMBNAIL_BYTES,
    THUMBNAIL_PATH,
    VIDEO_BYTES,
    VIDEO_PATH,
    google_error,
    quota_exceeded,
    youtube_api,
)

from tools.platforms.base import (
    AccountInfo,
    AppCredentials,
    AuthError,
    Credentials,
    Media,
    OutgoingPost,
    PermanentError,
    Published,
    TransientError,
)
from tools.platforms.youtube import YouTubeClient, received_bytes, seconds_until_quota_reset

TITLE = "How we pour the Winter Blend"
DESCRIPTION = "Cedar, clove and a little smoke: a look inside the workshop."
CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=CHANNEL_ID, refresh_token=REFRESH_TOKEN)
APP = AppCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
UPLOAD = "/upload/youtube/v3/videos"


@pytest.fixture
def api(serve_fake) -> FakeApi:
    return serve_fake(youtube_api())


@pytest.fixture
def client(api: FakeApi) -> Iterator[YouTubeClient]:
    # like the app's shared client: redirects followed (a 308 without Location must still reach the client)
    with httpx.Client(timeout=5, follow_redirects=True) as http:
        yield YouTubeClient(http, base_url=api.url, oauth_url=api.url)


def video_post(api: FakeApi, title: str | None = TITLE, **options: object) -> OutgoingPost:
    return OutgoingPost(
        post_id="sp-9",
        platform="youtube",
        parts=(DESCRIPTION,),
        media=(Media("video", f"{api.url}{VIDEO_PATH}"),),
        title=title,
        options=options,
    )


def calls(api: FakeApi) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in api.requests]


def test_publish_opens_a_resumable_session_then_puts_the_video_bytes(api, client):
    result = client.publish(video_post(api, tags=["candles", "behind the scenes"]), CREDENTIALS)

    assert calls(api) == [("GET", VIDEO_PATH), ("POST", UPLOAD), ("PUT", UPLOAD)]
    download, start, put = api.requests
    assert "authorization" not in download.headers  # the token never goes to the media host
    assert start.query == {"uploadType": ["resumable"], "part": ["snippet,status"]}
    assert start.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert start.headers["content-type"] == "application/json; charset=UTF-8"
    assert start.headers["x-upload-content-length"] == str(len(VIDEO_BYTES))
    assert start.headers["x-upload-content-type"] == "video/mp4"
    assert start.json() == {
        "snippet": {
            "title": TITLE,
            "description": DESCRIPTION,
            "tags": ["candles", "behind the scenes"],
            "categoryId": "22",
        },
        "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": False},
    }
    (session_id,) = api.state["sessions"]
    assert put.query["upload_id"] == [session_id]
    assert put.headers["content-type"] == "video/mp4"
    assert "content-range" not in put.headers
    assert put.body == VIDEO_BYTES
    (video_id,) = api.state["videos"]
    assert api.state["contents"][video_id] == VIDEO_BYTES
    assert result == Published(external_id=video_id, url=f"https://www.youtube.com/watch?v={video_id}")


def test_options_set_category_and_privacy(api, client):
    client.publish(video_post(api, category_id="26", privacy="unlisted"), CREDENTIALS)

    sent = api.of("POST", UPLOAD)[0].json()
    assert sent["snippet"]["categoryId"] == "26" and sent["snippet"]["tags"] == []
    assert sent["status"]["privacyStatus"] == "unlisted"


def test_thumbnail_is_downloaded_and_set_on_the_new_video(api, client):
    result = client.publish(video_post(api, thumbnail_url=f"{api.url}{THUMBNAIL_PATH}"), CREDENTIALS)

    assert calls(api)[-2:] == [("GET", THUMBNAIL_PATH), ("POST", "/upload/youtube/v3/thumbnails/set")]
    thumbnail = api.requests[-1]
    assert thumbnail.query == {"videoId": [result.external_id], "uploadType": ["media"]}
    assert thumbnail.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert thumbnail.headers["content-type"] == "image/jpeg"
    assert api.state["thumbnails"][result.external_id] == THUMBNAIL_BYTES


def test_a_refused_thumbnail_is_logged_and_the_video_still_counts_as_published(api, client, caplog):
    api.state["custom_thumbnails"] = False

    with caplog.at_level(logging.WARNING, logger="tools.platforms.youtube"):
        result = client.publish(video_post(api, thumbnail_url=f"{api.url}{THUMBNAIL_PATH}"), CREDENTIALS)

    assert result.external_id in api.state["videos"]
    assert api.state["thumbnails"] == {}
    assert f"{result.external_id} was published but its thumbnail was not set" in caplog.text


@pytest.mark.parametrize(("title", "problem"), [(None, "needs a title"), ("  ", "needs a title"), ("x" * 101, "100")])
def test_a_missing_or_too_long_title_is_refused_without_any_request(api, client, title, problem):
    with pytest.raises(PermanentError, match=problem):
        client.publish(video_post(api, title=title), CREDENTIALS)

    assert api.requests == []


def test_a_post_without_a_video_is_refused_without_any_request(api, client):
    post = OutgoingPost(
        post_id="sp-9", platform="youtube", parts=(DESCRIPTION,), title=TITLE, media=(Media("image", "x.jpg"),)
    )

    with pytest.raises(PermanentError, match="needs a video"):
        client.publish(post, CREDENTIALS)

    assert api.requests == []


def test_a_video_url_that_is_gone_is_permanent_before_any_youtube_call(api, client):
    post = OutgoingPost(
        post_id="sp-9",
        platform="youtube",
        parts=(DESCRIPTION,),
        title=TITLE,
        media=(Media("video", f"{api.url}/media/missing.mp4"),),
    )

    with pytest.raises(PermanentError, match="could not be downloaded"):
        client.publish(post, CREDENTIALS)

    assert calls(api) == [("GET", "/media/missing.mp4")]


def test_quota_exceeded_is_transient_until_midnight_pacific(api, client):
    api.fail_next("POST", UPLOAD, quota_exceeded())

    with pytest.raises(TransientError, match="quota") as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert (caught.value.status, caught.value.code) == (403, "quotaExceeded")
    assert abs(caught.value.retry_after - seconds_until_quota_reset()) < 5
    assert "<a" not in caught.value.message


def test_quota_reset_is_midnight_pacific_across_a_dst_change():
    # 23:00 PST on 7 March 2026 -> one hour (plus the minute's margin)
    assert seconds_until_quota_reset(datetime(2026, 3, 8, 7, 0, tzinfo=UTC)) == 3600 + 60
    # 01:00 PST on 8 March 2026, the day clocks spring forward: 22 real hours to midnight PDT
    assert seconds_until_quota_reset(datetime(2026, 3, 8, 9, 0, tzinfo=UTC)) == 22 * 3600 + 60


@pytest.mark.parametrize("reason", ["rateLimitExceeded", "userRateLimitExceeded"])
def test_rate_limits_answered_as_403_are_transient(api, client, reason):
    api.fail_next("POST", UPLOAD, google_error(403, reason, "Rate limit exceeded.", "usageLimits"))

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert (caught.value.code, caught.value.retry_after) == (reason, 60.0)


def test_invalid_token_is_an_auth_error(api, client):
    with pytest.raises(AuthError, match="invalid authentication credentials") as caught:
        client.publish(video_post(api), Credentials(access_token="ya29.revoked", account_id=CHANNEL_ID))

    assert (caught.value.status, caught.value.code) == (401, "authError")


def test_server_error_when_opening_the_session_is_transient(api, client):
    api.fail_next("POST", UPLOAD, google_error(503, "backendError", "Backend Error", "global"))

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert caught.value.status == 503 and caught.value.resume == {}


def test_upload_limit_is_permanent_with_a_plain_explanation(api, client):
    api.state["upload_limit_reached"] = True

    with pytest.raises(PermanentError, match="limit on uploads") as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert not isinstance(caught.value, TransientError)
    assert caught.value.code == "uploadLimitExceeded"


def test_a_server_error_on_the_bytes_carries_the_upload_url(api, client):
    api.fail_next("PUT", UPLOAD, google_error(500, "backendError", "Backend Error", "global"))

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    (session_id,) = api.state["sessions"]
    assert caught.value.resume == {"upload_url": f"{api.url}{UPLOAD}?uploadType=resumable&upload_id={session_id}"}


def test_an_interrupted_upload_resumes_from_the_bytes_youtube_holds(api, client):
    api.state["interrupt_after"] = 1000

    with pytest.raises(TransientError, match="no answer came back") as caught:
        client.publish(video_post(api), CREDENTIALS)
    upload_url = caught.value.resume["upload_url"]
    before = len(api.requests)

    result = client.publish(video_post(api, **caught.value.resume), CREDENTIALS)

    assert calls(api)[before:] == [("GET", VIDEO_PATH), ("PUT", UPLOAD), ("PUT", UPLOAD)]
    status_query, rest = api.requests[before + 1 :]
    assert f"{api.url}{status_query.path}?uploadType=resumable&upload_id={status_query.query['upload_id'][0]}" == (
        upload_url
    )
    assert status_query.headers["content-range"] == f"bytes */{len(VIDEO_BYTES)}"
    assert status_query.headers["content-length"] == "0" and status_query.body == b""
    assert rest.headers["content-range"] == f"bytes 1000-{len(VIDEO_BYTES) - 1}/{len(VIDEO_BYTES)}"
    assert rest.body == VIDEO_BYTES[1000:]
    assert len(api.of("POST", UPLOAD)) == 1  # no second video
    assert api.state["contents"][result.external_id] == VIDEO_BYTES


def test_a_connection_dropped_before_any_byte_resends_the_whole_video(api, client):
    api.drop_next("PUT", UPLOAD)
    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    result = client.publish(video_post(api, **caught.value.resume), CREDENTIALS)

    query, whole = api.of("PUT", UPLOAD)[-2:]
    assert query.headers["content-range"] == f"bytes */{len(VIDEO_BYTES)}"
    assert whole.body == VIDEO_BYTES
    assert api.state["contents"][result.external_id] == VIDEO_BYTES
    assert len(api.of("POST", UPLOAD)) == 1


def test_resuming_an_upload_that_already_finished_returns_its_video(api, client):
    first = client.publish(video_post(api), CREDENTIALS)
    (session_id,) = api.state["sessions"]
    upload_url = f"{api.url}{UPLOAD}?uploadType=resumable&upload_id={session_id}"
    before = len(api.requests)

    again = client.publish(video_post(api, upload_url=upload_url), CREDENTIALS)

    assert again == first
    assert calls(api)[before:] == [("GET", VIDEO_PATH), ("PUT", UPLOAD)]  # only the status query
    assert len(api.state["videos"]) == 1


def test_resuming_an_expired_session_starts_a_new_upload(api, client):
    expired = f"{api.url}{UPLOAD}?uploadType=resumable&upload_id=gone"

    result = client.publish(video_post(api, upload_url=expired), CREDENTIALS)

    assert calls(api) == [("GET", VIDEO_PATH), ("PUT", UPLOAD), ("POST", UPLOAD), ("PUT", UPLOAD)]
    assert api.state["contents"][result.external_id] == VIDEO_BYTES


def test_received_bytes_reads_the_range_header():
    assert received_bytes("bytes=0-999") == 1000
    assert received_bytes(None) == 0
    assert received_bytes("nonsense") == 0


def test_check_returns_the_channel(api, client):
    assert client.check(CREDENTIALS) == AccountInfo(account_id=CHANNEL_ID, name="Kettle & Ember")

    (request,) = api.requests
    assert (request.method, request.path) == ("GET", "/youtube/v3/channels")
    assert request.query == {"part": ["snippet"], "mine": ["true"]}
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_check_with_an_invalid_token_is_an_auth_error(client):
    with pytest.raises(AuthError):
        client.check(Credentials(access_token="ya29.revoked", account_id=CHANNEL_ID))


def test_check_of_an_account_without_a_channel_is_permanent(api, client):
    api.fail_next("GET", "/youtube/v3/channels", Response(200, {"kind": "youtube#channelListResponse", "items": []}))

    with pytest.raises(PermanentError, match="no YouTube channel"):
        client.check(CREDENTIALS)


def test_refresh_posts_the_form_and_keeps_the_refresh_token(api, client):
    fresh = client.refresh(CREDENTIALS, APP)

    (request,) = api.requests
    assert (request.method, request.path) == ("POST", "/token")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "grant_type": "refresh_token",
    }
    assert fresh is not None
    assert fresh.access_token.startswith("ya29.refreshed-")
    assert fresh.refresh_token == REFRESH_TOKEN
    assert fresh.expires_at is not None
    assert fresh.scopes == tuple(SCOPE.split())
    assert client.check(fresh).account_id == CHANNEL_ID


def test_refresh_with_a_revoked_refresh_token_is_an_auth_error(client):
    revoked = Credentials(access_token=ACCESS_TOKEN, account_id=CHANNEL_ID, refresh_token="1//revoked")

    with pytest.raises(AuthError, match="reconnect YouTube"):
        client.refresh(revoked, APP)


def test_refresh_with_wrong_app_credentials_is_permanent_not_auth(client):
    with pytest.raises(PermanentError, match="client id or secret") as caught:
        client.refresh(CREDENTIALS, AppCredentials(client_id=CLIENT_ID, client_secret="wrong"))

    assert not isinstance(caught.value, AuthError)


def test_refresh_without_app_or_refresh_token_is_none(api, client):
    assert client.refresh(CREDENTIALS, None) is None
    assert client.refresh(Credentials(access_token=ACCESS_TOKEN, account_id=CHANNEL_ID), APP) is None
    assert api.requests == []
