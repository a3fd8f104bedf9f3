"""Measured past posts in a test database, for the strategy and hashtag tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from memory.db import write_transaction
from memory.history import DailyMetrics, NewPost, add_post, set_metrics

ZONE = ZoneInfo("America/New_York")


def add_history(
    sessions, platform, *, weekday, hour, posts, rate, spread=0.0, text="Pour day at the net loft #PourDay"
):
    """`posts` measured posts on `platform` at a local weekday and hour in the weeks before FIXED_NOW.

    Their engagement rates alternate between `rate + spread` and `rate - spread`.
    """
    with write_transaction(sessions) as session:
        for week in range(1, posts + 1):
            day = date(2026, 11, 23) + timedelta(days=weekday) - timedelta(weeks=week)
            at = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
            post_id = add_post(
                session,
                NewPost("harbor-pine", platform, at, text=text, external_id=f"{platform}-{weekday}-{hour}-{week}"),
            )
            set_metrics(
                session,
                post_id,
                [
                    DailyMetrics(
                        day, impressions=1000, reach=800, engagements=round((rate + spread * (-1) ** week) * 1000)
                    )
                ],
            )
