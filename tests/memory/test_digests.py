"""Scheduled digests: due on the configured day and hour, skipped when stale, claimed once, retried, then given up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from config.settings import DigestEntry
from memory.db import write_transaction
from memory.digests import LATE_LIMIT, MAX_ATTEMPTS, RETRY_AFTER, claim_digest, due_digests, finish_digest

NY = ZoneInfo("America/New_York")
WEEKLY = DigestEntry(brand="harbor-pine", channel="C0DIGEST", kind="weekly", weekday="tuesday", hour=9)
MONTHLY = DigestEntry(brand="harbor-pine", channel="C0DIGEST", kind="monthly", day=3, hour=8)


def test_a_weekly_digest_is_due_on_its_weekday_and_hour_in_local_time():
    tuesday_nine = datetime(2026, 12, 1, 9, tzinfo=NY)  # 14:00 UTC
    assert due_digests([WEEKLY], tuesday_nine - timedelta(minutes=1), NY) == []
    [due] = due_digests([WEEKLY], tuesday_nine, NY)
    assert (due.period.start, due.period.end) == (date(2026, 11, 23), date(2026, 11, 30))
    assert due.due_at == tuesday_nine
    assert due_digests([WEEKLY], tuesday_nine.astimezone(UTC) + timedelta(hours=3), NY)[0].period == due.period


def test_a_digest_more_than_the_late_limit_overdue_is_skipped():
    due = datetime(2026, 12, 1, 9, tzinfo=NY)
    assert due_digests([WEEKLY], due + LATE_LIMIT - timedelta(minutes=1), NY)
    assert due_digests([WEEKLY], due + LATE_LIMIT, NY) == []


def test_a_monthly_digest_reports_the_last_month_on_its_day():
    [due] = due_digests([MONTHLY], datetime(2026, 12, 3, 8, 30, tzinfo=NY), NY)
    assert (due.period.start, due.period.end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert due.period.label == "November 2026"
    assert due_digests([MONTHLY], datetime(2026, 12, 2, 23, tzinfo=NY), NY) == []


def test_each_digest_is_claimed_once_retried_after_a_failure_and_given_up_after_the_last_attempt(factory):
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    [due] = due_digests([WEEKLY], now, NY)
    with write_transaction(factory) as session:
        first = claim_digest(session, "slack", due, now)
        assert first is not None
        assert claim_digest(session, "slack", due, now) is None  # someone is posting it
        assert claim_digest(session, "discord", due, now) is not None  # another surface has its own
        assert finish_digest(session, first, error="Slack could not be reached") == 1
    for attempt in range(2, MAX_ATTEMPTS + 1):
        now += RETRY_AFTER
        with write_transaction(factory) as session:
            assert claim_digest(session, "slack", due, now - timedelta(seconds=1)) is None  # too soon
            again = claim_digest(session, "slack", due, now)
            assert again == first
            assert finish_digest(session, first, error="still down") == attempt
    with write_transaction(factory) as session:
        assert claim_digest(session, "slack", due, now + RETRY_AFTER) is None  # given up


@pytest.mark.parametrize("outcome", ["posted", "refused"])
def test_a_posted_or_finally_refused_digest_is_never_claimed_again(factory, outcome):
    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    [due] = due_digests([WEEKLY], now, NY)
    with write_transaction(factory) as session:
        run = claim_digest(session, "slack", due, now)
        if outcome == "posted":
            finish_digest(session, run, message_ref="1700000000.000100")
        else:
            assert finish_digest(session, run, error="channel_not_found", final=True) == MAX_ATTEMPTS
    with write_transaction(factory) as session:
        assert claim_digest(session, "slack", due, now + timedelta(days=1)) is None
