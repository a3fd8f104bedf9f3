"""TikTokClient against a loopback fake of the Content Posting API."""

from __future__ import annotations

import httpx
import pytest
from fake_platforms.server import FakeApi, Response
from fake_platforms.tiktok_api import (
    ACCESS_TOKEN,
    CLIENT_KEY,
    CLIENT_SECRET,
    OPEN_ID,
    REFRESH_TOKEN,
    VIDEO_PATH,
    tiktok_api,
    tiktok_error,
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
from tools.platforms.tiktok import TikTokClient, choose_privacy

CAPTION = "Winter blend is back. Cedar, clove and a little smoke. #candles"
CREDENTIALS = Credentials(access_token=ACCESS_TOKEN, account_id=OPEN_ID, refresh_token=REFRESH_TOKEN)
APP = AppCredentials(client_id=CLIENT_KEY, client_secret=CLIENT_SECRET)


@pytest.fixture
def api(serve_fake) -> FakeApi:
    return serve_fake(tiktok_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client, sleeps: list[float]) -> TikTokClient:
    return TikTokClient(http, base_url=api.url, poll_interval=2.0, max_wait=10.0, sleep=sleeps.append)


def video_post(api: FakeApi, **options: object) -> OutgoingPost:
    return OutgoingPost(
        post_id="sp-1",
        platform="tiktok",
        parts=(CAPTION,),
        media=(Media("video", f"{api.url}{VIDEO_PATH}"),),
        options=options,
    )


def calls(api: FakeApi) -> list[str]:
    return [r.path for r in api.requests]


def test_publish_queries_creator_info_then_inits_a_direct_post_from_the_url(api, client):
    result = client.publish(video_post(api), CREDENTIALS)

    assert calls(api) == [
        "/v2/post/publish/creator_info/query/",
        "/v2/post/publish/video/init/",
        "/v2/post/publish/status/fetch/",
        "/v2/post/publish/status/fetch/",
        "/v2/post/publish/status/fetch/",
    ]
    query, init = api.requests[0], api.requests[1]
    assert query.method == init.method == "POST"
    for request in (query, init):
        assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert request.headers["content-type"] == "application/json; charset=UTF-8"
    assert init.json() == {
        "post_info": {
            "title": CAPTION,
            "privacy_level": "PUBLIC_TO_EVERYONE",
            "disable_comment": False,
            "disable_duet": False,
            "disable_stitch": False,
            "brand_content_toggle": False,
            "brand_organic_toggle": False,
        },
        "source_info": {"source": "PULL_FROM_URL", "video_url": f"{api.url}{VIDEO_PATH}"},
    }
    (publish_id,) = api.state["publishes"]
    assert all(r.json() == {"publish_id": publish_id} for r in api.of("POST", "/v2/post/publish/status/fetch/"))
    post_id = str(api.state["publishes"][publish_id]["post_id"])
    assert result == Published(external_id=post_id, url=f"https://www.tiktok.com/@kettleember/video/{post_id}")


def test_polling_sleeps_the_poll_interval_between_status_checks(api, client, sleeps):
    client.publish(video_post(api), CREDENTIALS)

    assert sleeps == [2.0, 2.0]  # three polls: PROCESSING_DOWNLOAD, PROCESSING_UPLOAD, PUBLISH_COMPLETE


def test_privacy_falls_back_to_the_first_level_the_creator_offers(api, client):
    api.state["creator"]["privacy_level_options"] = ["FOLLOWER_OF_CREATOR", "SELF_ONLY"]

    result = client.publish(video_post(api), CREDENTIALS)

    assert (
        api.of("POST", "/v2/post/publish/video/init/")[0].json()["post_info"]["privacy_level"] == "FOLLOWER_OF_CREATOR"
    )
    (publish_id,) = api.state["publishes"]
    assert result == Published(external_id=publish_id)  # not public: TikTok gives no post id


def test_privacy_level_from_the_options_is_used_when_the_creator_allows_it(api, client):
    client.publish(video_post(api, privacy_level="SELF_ONLY"), CREDENTIALS)

    assert api.of("POST", "/v2/post/publish/video/init/")[0].json()["post_info"]["privacy_level"] == "SELF_ONLY"


def test_privacy_level_the_creator_does_not_offer_is_refused_before_init(api, client):
    api.state["creator"]["privacy_level_options"] = ["SELF_ONLY"]

    with pytest.raises(PermanentError, match="PUBLIC_TO_EVERYONE is not offered"):
        client.publish(video_post(api, privacy_level="PUBLIC_TO_EVERYONE"), CREDENTIALS)

    assert api.of("POST", "/v2/post/publish/video/init/") == []


def test_choose_privacy_prefers_public_then_the_first_option():
    assert choose_privacy(["SELF_ONLY", "PUBLIC_TO_EVERYONE"]) == "PUBLIC_TO_EVERYONE"
    assert choose_privacy(["MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]) == "MUTUAL_FOLLOW_FRIENDS"
    with pytest.raises(PermanentError):
        choose_privacy([])


def test_creator_settings_that_disable_interactions_are_respected(api, client):
    api.state["creator"].update(comment_disabled=True, stitch_disabled=True)

    client.publish(video_post(api), CREDENTIALS)

    info = api.of("POST", "/v2/post/publish/video/init/")[0].json()["post_info"]
    assert (info["disable_comment"], info["disable_duet"], info["disable_stitch"]) == (True, False, True)


def test_video_longer_than_the_creator_may_post_is_refused_before_init(api, client):
    api.state["creator"]["max_video_post_duration_sec"] = 60

    with pytest.raises(PermanentError, match="at most 60 s"):
        client.publish(video_post(api, duration_sec=75), CREDENTIALS)

    assert calls(api) == ["/v2/post/publish/creator_info/query/"]


def test_failed_status_is_a_permanent_error_with_the_fail_reason(api, client):
    api.state["steps"] = ["PROCESSING_DOWNLOAD", "FAILED"]
    api.state["fail_reason"] = "duration_check_failed"

    with pytest.raises(PermanentError, match="too long or too short") as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert caught.value.code == "duration_check_failed"


def test_video_tiktok_cannot_pull_fails_with_video_pull_failed(api, client):
    post = OutgoingPost(
        post_id="sp-1", platform="tiktok", parts=(CAPTION,), media=(Media("video", f"{api.url}/media/missing.mp4"),)
    )

    with pytest.raises(PermanentError, match="could not download the video") as caught:
        client.publish(post, CREDENTIALS)

    assert caught.value.code == "video_pull_failed"


def test_polling_timeout_is_transient_and_carries_the_publish_id(api, client, sleeps):
    api.state["steps"] = ["PROCESSING_DOWNLOAD", "PROCESSING_UPLOAD"]

    with pytest.raises(TransientError, match="still processing") as caught:
        client.publish(video_post(api), CREDENTIALS)

    (publish_id,) = api.state["publishes"]
    assert caught.value.resume == {"publish_id": publish_id}
    assert caught.value.retry_after
    assert sum(sleeps) == 10.0  # max_wait
    assert len(api.of("POST", "/v2/post/publish/status/fetch/")) == 6


def test_resumed_publish_polls_the_same_post_without_a_second_init(api, client):
    api.state["steps"] = ["PROCESSING_UPLOAD"]
    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)
    api.state["steps"] = ["PUBLISH_COMPLETE"]
    before = len(api.requests)

    result = client.publish(video_post(api, **caught.value.resume), CREDENTIALS)

    assert calls(api)[before:] == ["/v2/post/publish/status/fetch/"]
    assert len(api.of("POST", "/v2/post/publish/video/init/")) == 1
    (publish,) = api.state["publishes"].values()
    assert result.external_id == str(publish["post_id"])


def test_a_status_check_that_fails_after_init_carries_the_publish_id(api, client):
    api.fail_next("POST", "/v2/post/publish/status/fetch/", tiktok_error(500, "internal_error", "Something broke."))

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    (publish_id,) = api.state["publishes"]
    assert caught.value.resume == {"publish_id": publish_id}


def test_post_without_a_video_is_refused_without_any_request(api, client):
    post = OutgoingPost(
        post_id="sp-1", platform="tiktok", parts=(CAPTION,), media=(Media("image", f"{api.url}/media/a.jpg"),)
    )

    with pytest.raises(PermanentError, match="needs a video"):
        client.publish(post, CREDENTIALS)

    assert api.requests == []


def test_rate_limit_is_transient_with_a_minute_to_wait(api, client):
    api.fail_next(
        "POST", "/v2/post/publish/video/init/", tiktok_error(429, "rate_limit_exceeded", "Rate limit exceeded.")
    )

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert (caught.value.status, caught.value.code, caught.value.retry_after) == (429, "rate_limit_exceeded", 60.0)
    assert caught.value.resume == {}  # nothing was posted: a retry starts over


def test_rate_limit_honours_retry_after_when_given(api, client):
    limited = tiktok_error(429, "rate_limit_exceeded", "Rate limit exceeded.")
    limited.headers["Retry-After"] = "17"
    api.fail_next("POST", "/v2/post/publish/creator_info/query/", limited)

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert caught.value.retry_after == 17.0


def test_server_error_is_transient(api, client):
    api.fail_next("POST", "/v2/post/publish/video/init/", Response(503, raw=b"<html>upstream</html>"))

    with pytest.raises(TransientError) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert caught.value.status == 503


def test_dropped_connection_is_transient(api, client):
    api.drop_next("POST", "/v2/post/publish/creator_info/query/")

    with pytest.raises(TransientError, match="no answer came back"):
        client.publish(video_post(api), CREDENTIALS)


def test_invalid_token_is_an_auth_error(api, client):
    with pytest.raises(AuthError, match="invalid or not found") as caught:
        client.publish(video_post(api), Credentials(access_token="act.revoked", account_id=OPEN_ID))

    assert (caught.value.status, caught.value.code) == (401, "access_token_invalid")


@pytest.mark.parametrize(
    ("code", "explanation"),
    [
        ("spam_risk_too_many_posts", "daily cap"),
        ("unaudited_client_can_only_post_to_private_accounts", "not yet audited"),
        ("privacy_level_option_mismatch", "privacy level"),
        ("url_ownership_unverified", "verify the media host"),
    ],
)
def test_refusals_are_permanent_with_a_plain_explanation(api, client, code, explanation):
    api.fail_next("POST", "/v2/post/publish/video/init/", tiktok_error(403, code, "Refused."))

    with pytest.raises(PermanentError, match=explanation) as caught:
        client.publish(video_post(api), CREDENTIALS)

    assert not isinstance(caught.value, AuthError)
    assert caught.value.code == code


def test_video_url_on_an_unverified_domain_is_refused(api, client):
    post = OutgoingPost(
        post_id="sp-1", platform="tiktok", parts=(CAPTION,), media=(Media("video", "https://cdn.example/launch.mp4"),)
    )

    with pytest.raises(PermanentError, match="verified in the TikTok developer portal") as caught:
        client.publish(post, CREDENTIALS)

    assert caught.value.code == "url_ownership_unverified"


def test_unaudited_client_posting_publicly_is_refused(api, client):
    api.state["unaudited"] = True

    with pytest.raises(PermanentError, match="set the TikTok account to private"):
        client.publish(video_post(api), CREDENTIALS)


def test_check_returns_the_open_id_and_display_name(api, client):
    assert client.check(CREDENTIALS) == AccountInfo(account_id=OPEN_ID, name="Kettle & Ember")

    (request,) = api.requests
    assert (request.method, request.path, request.query) == (
        "GET",
        "/v2/user/info/",
        {"fields": ["open_id,display_name"]},
    )
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_check_with_an_invalid_token_is_an_auth_error(client):
    with pytest.raises(AuthError):
        client.check(Credentials(access_token="act.revoked", account_id=OPEN_ID))


def test_refresh_posts_the_form_and_stores_the_rotated_refresh_token(api, client):
    fresh = client.refresh(CREDENTIALS, APP)

    (request,) = api.requests
    assert (request.method, request.path) == ("POST", "/v2/oauth/token/")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "client_key": CLIENT_KEY,
        "client_secret": CLIENT_SECRET,
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
    }
    assert fresh is not None
    assert fresh.access_token.startswith("act.refreshed.")
    assert fresh.refresh_token.startswith("rft.refreshed.")
    assert fresh.expires_at is not None
    assert fresh.scopes == ("user.info.basic", "video.publish")
    assert client.check(fresh).account_id == OPEN_ID


def test_refresh_with_a_spent_refresh_token_is_an_auth_error(client):
    client.refresh(CREDENTIALS, APP)  # rotates REFRESH_TOKEN away

    with pytest.raises(AuthError, match="reconnect TikTok"):
        client.refresh(CREDENTIALS, APP)


def test_refresh_with_wrong_app_credentials_is_permanent_not_auth(client):
    with pytest.raises(PermanentError, match="client key or secret") as caught:
        client.refresh(CREDENTIALS, AppCredentials(client_id=CLIENT_KEY, client_secret="wrong"))

    assert not isinstance(caught.value, AuthError)


def test_refresh_without_app_or_refresh_token_is_none(api, client):
    assert client.refresh(CREDENTIALS, None) is None
    assert client.refresh(Credentials(access_token=ACCESS_TOKEN, account_id=OPEN_ID), APP) is None
    assert api.requests == []
