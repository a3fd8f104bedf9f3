"""LinkedInClient.insights against the fake LinkedIn's organizationalEntityShareStatistics finder."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fake_platforms.linkedin_api import linkedin_api
from fake_platforms.server import FakeApi, Response

from tools.platforms.base import (
    AuthError,
    Credentials,
    DeprecatedVersionError,
    OutgoingPost,
    PermanentError,
    PostInsights,
    TransientError,
)
from tools.platforms.linkedin import LinkedInClient
from tools.platforms.linkedin_insights import statistics_query

ORG_URN = "urn:li:organization:2414183"
ORG = Credentials(access_token="li-token", account_id=ORG_URN)
MEMBER = Credentials(access_token="li-token", account_id="urn:li:person:782bbtaQ")
PATH = "/rest/organizationalEntityShareStatistics"


@pytest.fixture
def api(serve_fake: Callable[[FakeApi], FakeApi]) -> FakeApi:
    return serve_fake(linkedin_api())


@pytest.fixture
def client(api: FakeApi, http: httpx.Client) -> LinkedInClient:
    return LinkedInClient(http, base_url=api.url, oauth_url=api.url)


def seed(api: FakeApi, n: int, kind: str = "share", author: str = ORG_URN) -> list[str]:
    urns = [f"urn:li:{kind}:{7_200_000_000_000_000_000 + len(api.state['posts']) + i}" for i in range(n)]
    for urn in urns:
        api.state["posts"][urn] = {"author": author, "commentary": urn, "rendered": urn}
    return urns


def test_numbers_of_a_published_organization_post_are_mapped(api: FakeApi, client: LinkedInClient) -> None:
    urn = client.publish(OutgoingPost(post_id="sp-1", platform="linkedin", parts=("Hello",)), ORG).external_id

    assert client.insights([urn], ORG) == [
        PostInsights(
            external_id=urn,
            totals={"impressions": 1012.0, "reach": 640.0, "clicks": 21.0, "engagements": 19.0},  # 12+4+3
        )
    ]
    [request] = api.of("GET", PATH)
    encoded = urn.replace(":", "%3A")
    assert request.raw_query == (
        f"q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414183&shares=List({encoded})"
    )
    assert request.headers["linkedin-version"] == "202511"
    assert request.headers["x-restli-protocol-version"] == "2.0.0"
    assert request.headers["authorization"] == "Bearer li-token"


def test_shares_and_ugc_posts_go_in_their_own_lists(api: FakeApi, client: LinkedInClient) -> None:
    share, ugc = seed(api, 1)[0], seed(api, 1, "ugcPost")[0]
    api.state["statistics"][ugc] = {"impressionCount": 50, "likeCount": 5}

    found = client.insights([ugc, share], ORG)

    assert [f.external_id for f in found] == [ugc, share]
    assert found[0].totals == {"impressions": 50.0, "engagements": 5.0}
    [request] = api.of("GET", PATH)
    assert request.query["shares"] == [f"List({share})"]
    assert request.query["ugcPosts"] == [f"List({ugc})"]


def test_25_posts_take_three_requests_of_at_most_ten(api: FakeApi, client: LinkedInClient) -> None:
    urns = seed(api, 25)

    assert [f.external_id for f in client.insights(urns, ORG)] == urns
    assert [len(r.query["shares"][0].split(",")) for r in api.of("GET", PATH)] == [10, 10, 5]


def test_deleted_posts_and_ids_that_are_not_post_urns_are_left_out(api: FakeApi, client: LinkedInClient) -> None:
    [kept] = seed(api, 1)
    gone = "urn:li:share:7199999999999999999"

    found = client.insights([gone, "12345", "urn:li:activity:1", kept], ORG)

    assert [f.external_id for f in found] == [kept]
    [request] = api.of("GET", PATH)
    assert request.query["shares"] == [f"List({gone},{kept})"]


def test_another_organizations_posts_are_left_out(api: FakeApi, client: LinkedInClient) -> None:
    [theirs] = seed(api, 1, author="urn:li:organization:999")
    assert client.insights([theirs], ORG) == []


def test_member_author_is_refused_before_any_call(api: FakeApi, client: LinkedInClient) -> None:
    with pytest.raises(PermanentError) as caught:
        client.insights(["urn:li:share:1"], MEMBER)
    assert caught.value.code == "member_author"
    assert "organization" in caught.value.message
    assert api.requests == []


def test_refused_token_is_an_auth_error(api: FakeApi, client: LinkedInClient) -> None:
    with pytest.raises(AuthError):
        client.insights(seed(api, 1), Credentials(access_token="expired", account_id=ORG_URN))


def test_throttling_is_transient_with_retry_after(api: FakeApi, client: LinkedInClient) -> None:
    throttled = Response(
        429, {"status": 429, "message": "Resource level throttle limit"}, headers={"retry-after": "30"}
    )
    api.fail_next("GET", PATH, throttled)

    with pytest.raises(TransientError) as caught:
        client.insights(seed(api, 1), ORG)

    assert caught.value.retry_after == 30


def test_retired_version_is_a_deprecated_version_error(api: FakeApi, client: LinkedInClient) -> None:
    api.state["active_versions"] = {"202601"}
    with pytest.raises(DeprecatedVersionError):
        client.insights(seed(api, 1), ORG)


def test_organization_the_token_does_not_administer_is_permanent(api: FakeApi, client: LinkedInClient) -> None:
    api.state["authors"].discard(ORG_URN)
    with pytest.raises(PermanentError) as caught:
        client.insights(seed(api, 1), ORG)
    assert caught.value.status == 403


@pytest.mark.parametrize(
    "answer",
    [Response(200, {"paging": {"count": 10}}), Response(200, raw=b"oops", headers={"content-type": "text/plain"})],
)
def test_malformed_answer_is_a_platform_error(api: FakeApi, client: LinkedInClient, answer: Response) -> None:
    api.fail_next("GET", PATH, answer)
    with pytest.raises(PermanentError) as caught:
        client.insights(seed(api, 1), ORG)
    assert caught.value.code == "malformed_answer"


def test_statistics_query_percent_encodes_urns_inside_literal_lists() -> None:
    query = statistics_query(ORG_URN, ["urn:li:share:1", "urn:li:ugcPost:2", "urn:li:share:3"])
    assert query == (
        "q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414183"
        "&shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A3)&ugcPosts=List(urn%3Ali%3AugcPost%3A2)"
    )


def test_fake_refuses_unencoded_urns_and_a_wrong_finder(api: FakeApi, http: httpx.Client) -> None:
    headers = {"authorization": "Bearer li-token", "linkedin-version": "202511"}
    org = "urn%3Ali%3Aorganization%3A2414183"
    unencoded = http.get(
        f"{api.url}{PATH}?q=organizationalEntity&organizationalEntity={org}&shares=List(urn:li:share:1)",
        headers=headers,
    )
    wrong_finder = http.get(f"{api.url}{PATH}?q=shares&organizationalEntity={org}", headers=headers)

    assert unencoded.status_code == 400
    assert "Malformed parameter 'shares'" in unencoded.json()["message"]
    assert wrong_finder.status_code == 400
