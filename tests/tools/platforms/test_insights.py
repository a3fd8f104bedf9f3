"""What every platform's insights reading shares: the protocol, batching, lenient counts and totals."""

from __future__ import annotations

import httpx
import pytest

from tools.platforms.base import InsightsClient, PermanentError
from tools.platforms.facebook import FacebookClient
from tools.platforms.insights import batches, count, distinct, malformed, total, totals
from tools.platforms.instagram import InstagramClient
from tools.platforms.linkedin import LinkedInClient
from tools.platforms.tiktok import TikTokClient
from tools.platforms.x import XClient
from tools.platforms.youtube import YouTubeClient


@pytest.mark.parametrize(
    "client_class", [XClient, LinkedInClient, FacebookClient, InstagramClient, TikTokClient, YouTubeClient]
)
def test_every_platform_client_is_an_insights_client(client_class: type, http: httpx.Client) -> None:
    assert isinstance(client_class(http), InsightsClient)


def test_distinct_drops_blanks_and_repeats_keeping_first_order() -> None:
    assert distinct(["3", " 1", "3", "", "2", "1 "]) == ["3", "1", "2"]


def test_batches_split_ids_by_the_api_limit() -> None:
    ids = [str(i) for i in range(150)]
    assert [len(b) for b in batches(ids, 100)] == [100, 50]
    assert list(batches([], 100)) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12.0), (1.5, 1.5), ("1520", 1520.0), (" 7 ", 7.0), (True, None), (None, None), ("many", None), ({}, None)],
)
def test_count_reads_numbers_and_numeric_strings_only(value: object, expected: float | None) -> None:
    assert count(value) == expected


def test_total_sums_what_is_there_and_is_none_when_nothing_is() -> None:
    assert total(1.0, None, 2.0) == 3.0
    assert total(None, None) is None


def test_totals_keep_only_reported_metrics_and_refuse_unknown_names() -> None:
    assert totals(impressions=10.0, reach=None) == {"impressions": 10.0}
    with pytest.raises(ValueError, match="unknown metrics"):
        totals(likes=1.0)


def test_malformed_answer_is_a_permanent_error_with_its_own_code() -> None:
    error = malformed("x", "X", "no list of posts")
    assert isinstance(error, PermanentError)
    assert error.code == "malformed_answer"
    assert "no list of posts" in error.message
