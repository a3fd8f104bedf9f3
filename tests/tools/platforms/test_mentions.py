"""What every platform's mention polling shares: the protocol, timestamps, cursors and malformed answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tools.monitor.mentions import Mention, follower_count, language_of
from tools.platforms.base import MentionPage, MentionsClient, PermanentError
from tools.platforms.facebook import FacebookClient
from tools.platforms.instagram import InstagramClient
from tools.platforms.linkedin import LinkedInClient
from tools.platforms.mentions import (
    SkippedItem,
    cursor_time,
    epoch_millis,
    malformed,
    newest_page,
    parse_time,
    timestamp_cursor,
)
from tools.platforms.tiktok import TikTokClient
from tools.platforms.x import XClient
from tools.platforms.youtube import YouTubeClient

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def mention(number: int, seconds: float) -> Mention:
    return Mention(
        platform="x", external_id=str(number), author="fan", created_at=T0 + timedelta(seconds=seconds), text="hi"
    )


@pytest.mark.parametrize("client_class", [XClient, LinkedInClient, FacebookClient, InstagramClient, YouTubeClient])
def test_platform_clients_with_a_read_api_are_mentions_clients(client_class: type, http: httpx.Client) -> None:
    assert isinstance(client_class(http), MentionsClient)


def test_tiktok_has_no_mentions_reader(http: httpx.Client) -> None:
    # TikTok's Display and Content Posting APIs have no comment or mention read; it is not invented here.
    assert not isinstance(TikTokClient(http), MentionsClient)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2025-06-01T12:00:00Z", T0),
        ("2025-06-01T12:00:00.000Z", T0),
        ("2025-06-01T14:00:00+0200", T0),
        ("2025-06-01T12:00:00.1234567Z", T0 + timedelta(microseconds=123456)),
    ],
)
def test_timestamps_in_each_platforms_form_become_utc(stamp: str, expected: datetime) -> None:
    assert parse_time(stamp) == expected
    assert parse_time(stamp).tzinfo == UTC


@pytest.mark.parametrize("stamp", [None, "", "yesterday", "2025-06-01T12:00:00"])
def test_a_missing_or_zoneless_timestamp_skips_the_item(stamp: object) -> None:
    with pytest.raises(SkippedItem):
        parse_time(stamp)


def test_linkedin_milliseconds_and_follower_counts_are_read_strictly() -> None:
    assert epoch_millis(1_748_779_200_000) == T0
    with pytest.raises(SkippedItem):
        epoch_millis("1748779200000")
    assert [follower_count(v) for v in (12, -1, True, "12", None)] == [12, 0, 0, 0, 0]


def test_the_platforms_language_tag_wins_when_it_is_a_code() -> None:
    assert language_of("whatever text", "fr") == "fr"
    assert language_of("ok", "und") == "und"


def test_newest_page_keeps_only_newer_items_oldest_first_up_to_the_limit() -> None:
    found = [mention(3, 30), mention(1, 10), mention(2, 20.5), mention(0, 0)]

    page = newest_page(found, since=T0, limit=2)

    assert [m.external_id for m in page.mentions] == ["2", "3"]
    assert page.cursor == "2025-06-01T12:00:30Z"
    assert cursor_time(page.cursor, "x") == T0 + timedelta(seconds=30)


def test_fractional_seconds_survive_the_cursor_so_nothing_is_read_twice() -> None:
    page = newest_page([mention(1, 20.5)], since=None, limit=10)

    assert page.cursor == "2025-06-01T12:00:20.500000Z"
    assert newest_page([mention(1, 20.5)], since=cursor_time(page.cursor, "x"), limit=10) == MentionPage([], None)


def test_no_mentions_means_no_new_cursor() -> None:
    assert timestamp_cursor([]) is None


def test_a_cursor_that_is_not_a_timestamp_is_a_permanent_error() -> None:
    with pytest.raises(PermanentError) as caught:
        cursor_time("abc", "youtube")
    assert caught.value.code == "bad_cursor"


def test_malformed_answer_is_a_permanent_error_with_its_own_code() -> None:
    error = malformed("x", "X", "no list of posts")
    assert isinstance(error, PermanentError)
    assert error.code == "malformed_answer"
    assert "no list of posts" in error.message
