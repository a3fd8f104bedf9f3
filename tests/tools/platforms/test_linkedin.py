from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from fake_platforms.linkedin_api import linkedin_api, render_little
from fake_platforms.server import FakeApi, Response, file_host

from tools.platforms.base import (
    AppCredentials,
    AuthError,
    Credentials,
    DeprecatedVersionError,
    Media,
    OutgoingPost,
    PermanentError,
    TransientError,
)
from tools.platforms.linkedin import LinkedInClient, escape_commentary

ORG = Credentials(access_token="li-token", account_id="urn:li:organization:2414183", refresh_token="li-refresh")
MEMBER = Credentials(access_token="li-token", account_id="urn:li:person:782bbtaQ")
JPEG = b"\xff\xd8\xff\xe0 fake jpeg"


@dataclass
class Setup:
    api: FakeApi
    http: httpx.Client
    client: LinkedInClient


@pytest.fixture
def li(serve_fake: Callable[[FakeApi], FakeApi], http: httpx.Client) -> Setup:
    api = serve_fake(linkedin_api())
    return Setup(api, http, LinkedInClient(http, base_url=api.url, oauth_url=api.url))


@pytest.fixture
def cdn(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(file_host(JPEG, "image/jpeg"))


def post(text: str, media: tuple[Media, ...] = ()) -> OutgoingPost:
    return OutgoingPost(post_id="sp-7", platform="linkedin", parts=(text,), media=media)


def test_publish_sends_exact_versioned_request(li: Setup) -> None:
    published = li.client.publish(post("Hello LinkedIn"), ORG)

    [request] = li.api.requests
    assert (request.method, request.path) == ("POST", "/rest/posts")
    assert request.headers["authorization"] == "Bearer li-token"
    assert request.headers["linkedin-version"] == "202511"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "author": "urn:li:organization:2414183",
        "commentary": "Hello LinkedIn",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    [urn] = li.api.state["posts"]
    assert urn.startswith("urn:li:share:")
    assert published.external_id == urn
    assert published.url == f"https://www.linkedin.com/feed/update/{urn}/"


def test_ugc_post_urn_from_header_is_used_as_is(li: Setup) -> None:
    li.api.fail_next("POST", "/rest/posts", Response(201, raw=b"", headers={"x-restli-id": "urn:li:ugcPost:42"}))

    published = li.client.publish(post("Hi"), MEMBER)

    assert published.external_id == "urn:li:ugcPost:42"
    assert published.url == "https://www.linkedin.com/feed/update/urn:li:ugcPost:42/"


def test_missing_x_restli_id_is_an_error(li: Setup) -> None:
    li.api.fail_next("POST", "/rest/posts", Response(201, raw=b""))

    with pytest.raises(PermanentError, match="x-restli-id"):
        li.client.publish(post("Hi"), MEMBER)


def test_special_characters_survive_to_the_rendered_post(li: Setup) -> None:
    text = "Launch (beta) [v2] {now} <3 @team a|b ~ok~ *bold* snake_case back\\slash C# #1\n\n#AI #BrandPilot"

    li.client.publish(post(text), ORG)

    [stored] = li.api.state["posts"].values()
    assert stored["rendered"] == text
    assert "{hashtag|\\#|AI} {hashtag|\\#|BrandPilot}" in stored["commentary"]


def test_unescaped_text_is_cut_like_linkedin_does() -> None:
    assert render_little("Launch (beta) today") == "Launch "


def test_escape_commentary_escapes_reserved_characters() -> None:
    assert escape_commentary("a (b) [c] {d} <e> @f g|h ~i~ *j* k_l m\\n") == (
        r"a \(b\) \[c\] \{d\} \<e\> \@f g\|h \~i\~ \*j\* k\_l m\\n"
    )


def test_escape_commentary_turns_hashtags_into_templates() -> None:
    assert escape_commentary("#AI and #SiberGüvenlik, #2024Goals!") == (
        r"{hashtag|\#|AI} and {hashtag|\#|SiberGüvenlik}, {hashtag|\#|2024Goals}!"
    )


def test_escape_commentary_keeps_non_hashtag_hashes_plain() -> None:
    assert escape_commentary("C# is #1 ## https://x.io/a_b#top") == r"C\# is \#1 \#\# https://x.io/a\_b\#top"


def test_images_are_uploaded_then_attached_with_alt_text(li: Setup, cdn: FakeApi) -> None:
    media = (Media("image", f"{cdn.url}/team.jpg", alt="The team at the launch"),)

    li.client.publish(post("Our team", media=media), ORG)

    init, upload, create = li.api.requests
    assert (init.method, init.path, init.query) == ("POST", "/rest/images", {"action": ["initializeUpload"]})
    assert init.headers["linkedin-version"] == "202511"
    assert init.json() == {"initializeUploadRequest": {"owner": "urn:li:organization:2414183"}}
    assert (upload.method, upload.body, upload.headers["authorization"]) == ("PUT", JPEG, "Bearer li-token")
    assert upload.headers["content-type"] == "image/jpeg"
    [image] = li.api.state["images"]
    assert li.api.state["images"][image] == JPEG
    assert create.json()["content"] == {"media": {"id": image, "altText": "The team at the launch"}}
    assert "authorization" not in cdn.requests[0].headers


def test_several_images_make_a_multi_image_post(li: Setup, cdn: FakeApi) -> None:
    media = (Media("image", f"{cdn.url}/1.jpg", alt="one"), Media("image", f"{cdn.url}/2.jpg", alt="two"))

    li.client.publish(post("Two pictures", media=media), ORG)

    first, second = li.api.state["images"]
    [create] = li.api.of("POST", "/rest/posts")
    assert create.json()["content"] == {
        "multiImage": {"images": [{"id": first, "altText": "one"}, {"id": second, "altText": "two"}]}
    }


PDF = b"%PDF-1.7 fake deck"


def test_document_is_uploaded_then_posted_with_its_title(li: Setup, serve_fake: Callable[[FakeApi], FakeApi]) -> None:
    files = serve_fake(file_host(PDF, "application/octet-stream"))
    document = OutgoingPost(
        post_id="sp-8",
        platform="linkedin",
        parts=("Five lessons from our first year",),
        media=(Media("document", f"{files.url}/lessons.pdf"),),
        title="Five lessons from year one",
    )

    published = li.client.publish(document, ORG)

    init, upload, create = li.api.requests
    assert (init.method, init.path, init.query) == ("POST", "/rest/documents", {"action": ["initializeUpload"]})
    assert init.headers["linkedin-version"] == "202511"
    assert init.json() == {"initializeUploadRequest": {"owner": "urn:li:organization:2414183"}}
    assert (upload.method, upload.body, upload.headers["content-type"]) == ("PUT", PDF, "application/pdf")
    [urn] = li.api.state["documents"]
    assert urn.startswith("urn:li:document:") and li.api.state["documents"][urn] == PDF
    assert create.json()["content"] == {"media": {"title": "Five lessons from year one", "id": urn}}
    assert published.external_id in li.api.state["posts"]


@pytest.mark.parametrize(
    ("media", "title", "message"),
    [
        ((Media("document", "https://cdn.example/deck.pdf"),), None, "needs a title"),
        ((Media("document", "https://cdn.example/deck.pdf"),), "  ", "needs a title"),
        ((Media("document", "https://cdn.example/deck.key"),), "Deck", "PDF, PPT, PPTX, DOC, DOCX"),
        ((Media("document", "https://cdn.example/a.pdf"), Media("image", "https://cdn.example/b.jpg")), "T", "one"),
    ],
)
def test_bad_document_posts_are_refused_before_any_call(
    li: Setup, media: tuple[Media, ...], title: str | None, message: str
) -> None:
    outgoing = OutgoingPost(post_id="sp-9", platform="linkedin", parts=("Deck",), media=media, title=title)

    with pytest.raises(PermanentError, match=message):
        li.client.publish(outgoing, ORG)
    assert li.api.requests == []


def test_video_is_refused_before_any_call(li: Setup) -> None:
    with pytest.raises(PermanentError, match="only images"):
        li.client.publish(post("clip", media=(Media("video", "https://cdn.example/v.mp4"),)), ORG)
    assert li.api.requests == []


def test_retired_version_raises_deprecated_version_with_advice(li: Setup) -> None:
    client = LinkedInClient(li.http, base_url=li.api.url, version="202301")

    with pytest.raises(DeprecatedVersionError) as caught:
        client.publish(post("Hello"), ORG)

    error = caught.value
    assert error.status == 426 and error.code == "NONEXISTENT_VERSION" and not error.retryable
    assert "Requested version 20230101 is not active" in error.message
    assert "LINKEDIN_API_VERSION" in error.message and "YYYYMM" in error.message
    assert li.api.state["posts"] == {}


def test_missing_version_header_is_the_real_version_error(li: Setup) -> None:
    response = li.http.post(f"{li.api.url}/rest/posts", json={}, headers={"Authorization": "Bearer li-token"})

    assert response.status_code == 400 and response.json()["code"] == "VERSION_MISSING"


def test_malformed_version_is_refused_at_construction(li: Setup) -> None:
    with pytest.raises(ValueError, match="LINKEDIN_API_VERSION"):
        LinkedInClient(li.http, version="2025-11")


def test_refused_token_is_auth_error(li: Setup) -> None:
    with pytest.raises(AuthError) as caught:
        li.client.publish(post("Hello"), Credentials(access_token="stale", account_id=ORG.account_id))

    assert caught.value.status == 401 and caught.value.message == "Invalid access token"
    assert caught.value.code == "INVALID_ACCESS_TOKEN"


def test_author_without_permission_is_permanent(li: Setup) -> None:
    with pytest.raises(PermanentError) as caught:
        li.client.publish(post("Hello"), Credentials(access_token="li-token", account_id="urn:li:organization:9"))

    assert caught.value.status == 403 and "Not enough permissions" in caught.value.message
    assert not isinstance(caught.value, AuthError)


def test_duplicate_post_is_permanent_with_duplicate_code(li: Setup) -> None:
    li.client.publish(post("Same words"), ORG)

    with pytest.raises(PermanentError) as caught:
        li.client.publish(post("Same words"), ORG)

    assert caught.value.code == "duplicate" and not caught.value.retryable


def test_throttling_and_server_errors_are_transient(li: Setup) -> None:
    throttled = {"status": 429, "message": "Resource level throttle APPLICATION DAY limit for calls is reached."}
    li.api.fail_next("POST", "/rest/posts", Response(429, throttled, {"Retry-After": "30"}))
    with pytest.raises(TransientError) as caught:
        li.client.publish(post("Hello"), ORG)
    assert caught.value.retry_after == 30 and caught.value.message.startswith("Resource level throttle")

    li.api.fail_next("POST", "/rest/posts", Response(500, {"status": 500, "message": "Internal Server Error"}))
    with pytest.raises(TransientError):
        li.client.publish(post("Hello"), ORG)

    li.api.drop_next("POST", "/rest/posts")
    with pytest.raises(TransientError, match="no answer came back"):
        li.client.publish(post("Hello"), ORG)
    assert li.api.state["posts"] == {}


def test_check_organization_reads_localized_name(li: Setup) -> None:
    info = li.client.check(ORG)

    assert (info.account_id, info.name) == ("urn:li:organization:2414183", "Acme Corp")
    [request] = li.api.requests
    assert (request.method, request.path) == ("GET", "/rest/organizations/2414183")
    assert request.headers["linkedin-version"] == "202511"


def test_check_member_reads_userinfo(li: Setup) -> None:
    info = li.client.check(MEMBER)

    assert (info.account_id, info.name) == ("urn:li:person:782bbtaQ", "Dana Reyes")
    [request] = li.api.requests
    assert (request.method, request.path, request.headers["authorization"]) == (
        "GET",
        "/v2/userinfo",
        "Bearer li-token",
    )


def test_refresh_posts_client_credentials_and_returns_new_token(li: Setup) -> None:
    fresh = li.client.refresh(ORG, AppCredentials(client_id="li-client", client_secret="li-secret"))

    [request] = li.api.requests
    assert (request.method, request.path) == ("POST", "/oauth/v2/accessToken")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {
        "grant_type": "refresh_token",
        "refresh_token": "li-refresh",
        "client_id": "li-client",
        "client_secret": "li-secret",
    }
    assert fresh is not None and fresh.access_token != "li-token" and fresh.refresh_token == "li-refresh"
    assert fresh.expires_at is not None
    assert li.client.check(fresh).name == "Acme Corp"


def test_refresh_with_wrong_secret_or_revoked_token_needs_reconnect(li: Setup) -> None:
    with pytest.raises(AuthError, match="reconnect"):
        li.client.refresh(ORG, AppCredentials(client_id="li-client", client_secret="wrong"))
    revoked = Credentials(access_token="li-token", account_id=ORG.account_id, refresh_token="revoked")
    with pytest.raises(AuthError, match="invalid, expired or revoked"):
        li.client.refresh(revoked, AppCredentials(client_id="li-client", client_secret="li-secret"))


def test_refresh_needs_refresh_token_and_app(li: Setup) -> None:
    assert li.client.refresh(MEMBER, AppCredentials(client_id="li-client", client_secret="li-secret")) is None
    assert li.client.refresh(ORG, None) is None
    assert li.api.requests == []
