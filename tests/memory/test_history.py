"""Tests for the post history and its metrics, on SQLite and on a real Postgres server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from queue_rows import NOW, Factory, schedule
from sqlalchemy import func, select

from memory import queue
from memory.history import (
    DailyMetrics,
    HistoryStore,
    NewPost,
    add_post,
    media_kind,
    record_published,
    set_metrics,
    utm_campaign,
)
from memory.models import PostMetric, PublishedPost
from memory.repository import claim_due_posts, finish_publish


def test_a_post_with_a_known_platform_id_is_added_once(factory: Factory) -> None:
    post = NewPost("b", "instagram", NOW, text="Low Tide is back #LowTide #Candles", external_id="ig-1")
    with factory.begin() as session:
        first = add_post(session, post)
        again = add_post(session, post)
        rows = session.scalars(select(PublishedPost)).all()
    assert first == again and len(rows) == 1
    assert rows[0].hashtags == ["#LowTide", "#Candles"] and rows[0].source == "import"


def test_metrics_per_day_are_replaced_not_added_and_summed_over_days(factory: Factory) -> None:
    with factory.begin() as session:
        post_id = add_post(session, NewPost("b", "x", NOW, external_id="x-1"))
        set_metrics(session, post_id, [DailyMetrics(date(2025, 11, 27), impressions=100, engagements=5)])
        set_metrics(
            session,
            post_id,
            [
                DailyMetrics(date(2025, 11, 27), impressions=120, engagements=6, spend=2.5),  # a corrected day
                DailyMetrics(date(2025, 11, 28), impressions=30, engagements=1, clicks=4),
            ],
        )
        assert set_metrics(session, post_id, []) == 0
        days = session.scalar(select(func.count()).select_from(PostMetric))
    [outcome] = HistoryStore(factory).outcomes("b")
    assert days == 2
    assert outcome.total("impressions") == 150 and outcome.total("engagements") == 7 and outcome.total("clicks") == 4
    assert outcome.totals["spend"] == pytest.approx(2.5)
    assert outcome.record().impressions == 150 and outcome.record().platform == "x"


def test_outcomes_filter_by_platform_and_time_and_come_newest_first(factory: Factory) -> None:
    with factory.begin() as session:
        for n in range(4):
            platform = "x" if n % 2 else "linkedin"
            add_post(session, NewPost("b", platform, NOW - timedelta(days=n), external_id=f"p{n}"))
        add_post(session, NewPost("other-brand", "x", NOW, external_id="elsewhere"))
    store = HistoryStore(factory)
    assert [o.published_at for o in store.outcomes("b")] == [NOW - timedelta(days=n) for n in range(4)]
    assert {o.platform for o in store.outcomes("b", platform="x")} == {"x"}
    assert len(store.outcomes("b", since=NOW - timedelta(days=1))) == 2
    assert len(store.outcomes("b", limit=3)) == 3 and store.count("b") == 4


def test_hashtag_rows_use_reach_and_fall_back_to_impressions(factory: Factory) -> None:
    with factory.begin() as session:
        reached = add_post(session, NewPost("b", "instagram", NOW, text="#A #B", external_id="1"))
        shown = add_post(session, NewPost("b", "instagram", NOW, text="#C", external_id="2"))
        set_metrics(session, reached, [DailyMetrics(date(2025, 11, 27), impressions=900, reach=500, engagements=40)])
        set_metrics(session, shown, [DailyMetrics(date(2025, 11, 27), impressions=300, engagements=9)])
    rows = {o.id: o.hashtag_rows() for o in HistoryStore(factory).outcomes("b")}
    assert rows[reached] == [("#A", 500, 40), ("#B", 500, 40)]
    assert rows[shown] == [("#C", 300, 9)]


def test_a_live_publish_enters_the_history_once_and_a_dry_run_never(factory: Factory) -> None:
    text = "Pour day! [image: https://cdn.example/a.jpg] https://shop.example/p?utm_campaign=winter-pour&utm_source=x"
    live = schedule(factory, "live", dry_run=False, text=text)
    dry = schedule(factory, "dry", dry_run=True)
    with factory.begin() as session:
        claim_due_posts(session, now=NOW + timedelta(minutes=1))
        for post_id, dry_run in ((live, False), (dry, True)):
            post = finish_publish(
                session, post_id, outcome="published", dry_run=dry_run, external_id=f"ext-{post_id}", url="https://x"
            )
            record_published(session, post)
            record_published(session, post)  # a repeated call adds nothing
    [outcome] = HistoryStore(factory).outcomes("kettle-ember")
    assert outcome.media_kind == "image" and outcome.campaign == "winter-pour" and outcome.text == text


def test_confirming_an_uncertain_post_records_it(factory: Factory) -> None:
    post_id = schedule(factory, "unsure", dry_run=False)
    with factory.begin() as session:
        claim_due_posts(session, now=NOW + timedelta(minutes=1))
        queue.settle(session, post_id, "uncertain", error="no answer", resume={})
        queue.confirm_live(session, post_id, external_id="x-99", url="https://x.example/99")
    [outcome] = HistoryStore(factory).outcomes("kettle-ember")
    assert outcome.platform == "x"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("plain words", "text"),
        ("[image: https://a/1.jpg] [alt: a mug]", "image"),
        ("[video: https://a/1.mp4]", "video"),
        ("[image: https://a/1.jpg] [image: https://a/2.jpg]", "carousel"),
    ],
)
def test_media_kind_from_the_draft_markers(text: str, kind: str) -> None:
    assert media_kind(text) == kind


def test_utm_campaign_is_read_from_the_first_tagged_link() -> None:
    assert utm_campaign("see https://a.example/x and https://b.example/?utm_campaign=spring") == "spring"
    assert utm_campaign("no links here") is None
    assert utm_campaign("broken https://[x?utm_campaign=a then https://b.example/?utm_campaign=b") == "b"


def test_a_published_post_already_imported_is_linked_not_added_twice(factory: Factory) -> None:
    post_id = schedule(factory, "imported-first", dry_run=False)
    with factory.begin() as session:
        imported = add_post(session, NewPost("kettle-ember", "x", NOW, text="Fresh roast Friday!", external_id="x-5"))
        claim_due_posts(session, now=NOW + timedelta(minutes=1))
        queue.settle(session, post_id, "uncertain", error="no answer", resume={})
        queue.confirm_live(session, post_id, external_id="x-5", url="https://x.example/5")
        rows = session.scalars(select(PublishedPost)).all()
    assert [(row.id, row.scheduled_post_id) for row in rows] == [(imported, post_id)]


def test_reach_is_a_posts_best_day_not_the_sum_of_its_days(factory: Factory) -> None:
    with factory.begin() as session:
        post_id = add_post(session, NewPost("b", "x", NOW, external_id="x-1"))
        days = [DailyMetrics(date(2025, 11, 27 + n), impressions=100, reach=80 - n * 10) for n in range(3)]
        set_metrics(session, post_id, days)
    [outcome] = HistoryStore(factory).outcomes("b")
    assert outcome.total("reach") == 80 and outcome.total("impressions") == 300
