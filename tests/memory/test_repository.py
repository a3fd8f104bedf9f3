"""Tests for the repository functions on SQLite and on a real Postgres server."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta

import pytest
from queue_rows import NOW, Factory, approved_item, schedule
from sqlalchemy import func, select

from memory.db import (
    create_db_engine,
    session_factory,
)
from memory.models import AuditLog, ContentItem, PublishAttempt
from memory.repository import (
    NotApprovedError,
    NotFoundError,
    PostStateError,
    StaleApprovalError,
    brand_for_workspace,
    cancel_post,
    claim_due_posts,
    create_content_item,
    finish_publish,
    hash_content,
    link_workspace,
    list_posts,
    record_approval_decision,
    record_audit,
    request_approval,
    reschedule_post,
    revise_content_item,
    schedule_post,
    upsert_brand,
)


def test_create_content_item_is_idempotent_on_its_id(factory: Factory) -> None:
    with factory.begin() as session:
        first = create_content_item(session, brand_id="b", platform="x", text="one", item_id="item-1")
        again = create_content_item(session, brand_id="b", platform="x", text="two", item_id="item-1")
        count = session.scalar(select(func.count()).select_from(ContentItem))
    assert first.id == again.id == "item-1"
    assert again.text == "one" and count == 1


def test_audit_entries_keep_their_json_detail(factory: Factory) -> None:
    with factory.begin() as session:
        record_audit(
            session,
            actor="slack:U1",
            action="approval.approved",
            thread_key="slack:T:C:1.2",
            subject_type="approval",
            subject_id="ap-1",
            detail={"platform": "x", "hash": "abc", "n": 2},
        )
    with factory() as session:
        entry = session.scalars(select(AuditLog)).one()
    assert entry.detail == {"platform": "x", "hash": "abc", "n": 2}
    assert entry.at.tzinfo == UTC and entry.id == 1


def test_workspaces_map_to_brands(factory: Factory) -> None:
    with factory.begin() as session:
        upsert_brand(
            session,
            brand_id="kettle-ember",
            name="Kettle & Ember",
            pack_path="/packs/ke",
        )
        upsert_brand(session, brand_id="other", name="Other")
        link_workspace(session, surface="slack", external_id="T1", brand_id="other")
        link_workspace(session, surface="slack", external_id="T1", brand_id="kettle-ember")
    with factory() as session:
        assert brand_for_workspace(session, "slack", "T1") == "kettle-ember"
        assert brand_for_workspace(session, "discord", "T1") is None


def test_first_decision_wins_and_later_clicks_are_not_recorded(
    factory: Factory,
) -> None:
    _, approval_id = approved_item(factory, "a")
    with factory.begin() as session:
        outcome = record_approval_decision(
            session,
            approval_id=approval_id,
            decision="rejected",
            decided_by="bob",
            reason="late",
        )
    assert outcome.recorded is False
    assert outcome.approval.decision == "approved" and outcome.approval.decided_by == "ana"


def test_reopening_a_decided_approval_keeps_its_outcome(factory: Factory) -> None:
    item_id, approval_id = approved_item(factory, "reopen")
    with factory.begin() as session:
        again = request_approval(session, approval_id=approval_id, content_item_id=item_id)
        item = session.get(ContentItem, item_id)
    assert again.decision == "approved"
    assert item is not None and item.status == "approved"


def test_concurrent_clicks_record_exactly_one_decision(factory: Factory) -> None:
    with factory.begin() as session:
        item = create_content_item(session, brand_id="b", platform="x", text="hi")
        request_approval(session, approval_id="ap-race", content_item_id=item.id)
    barrier, results = threading.Barrier(6), []

    def click(user: str) -> None:
        barrier.wait()
        with factory.begin() as session:
            outcome = record_approval_decision(session, approval_id="ap-race", decision="approved", decided_by=user)
            results.append((user, outcome.recorded))

    threads = [threading.Thread(target=click, args=(f"user{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [user for user, recorded in results if recorded]
    assert len(results) == 6 and len(winners) == 1
    with factory() as session:
        assert (
            record_approval_decision(
                session, approval_id="ap-race", decision="approved", decided_by="late"
            ).approval.decided_by
            == winners[0]
        )


def test_approving_text_that_changed_since_the_request_is_refused(
    factory: Factory,
) -> None:
    with factory.begin() as session:
        item = create_content_item(session, brand_id="b", platform="x", text="v1")
        request_approval(session, approval_id="ap-stale", content_item_id=item.id)
        revise_content_item(session, item.id, text="v2")
    with (
        factory.begin() as session,
        pytest.raises(StaleApprovalError, match="request a new approval"),
    ):
        record_approval_decision(session, approval_id="ap-stale", decision="approved", decided_by="ana")


def test_unknown_approval_is_reported_as_not_found(factory: Factory) -> None:
    with factory() as session, pytest.raises(NotFoundError, match="ap-missing"):
        record_approval_decision(session, approval_id="ap-missing", decision="approved", decided_by="a")


def test_scheduling_the_same_approval_twice_returns_the_same_post(
    factory: Factory,
) -> None:
    first = schedule(factory, "same")
    with factory.begin() as session:
        again = schedule_post(
            session,
            approval_id="ap-same",
            content_item_id="ignored",
            brand_id="kettle-ember",
            platform="x",
            text="Fresh roast Friday!",
            content_hash=hash_content("x", "Fresh roast Friday!"),
            scheduled_for=NOW + timedelta(days=1),
            dry_run=True,
        )
    assert again.id == first
    with factory() as session:
        assert [post.id for post in list_posts(session)] == [first]


def test_scheduling_needs_an_approval_of_exactly_this_text(factory: Factory) -> None:
    item_id, approval_id = approved_item(factory, "exact")
    with factory.begin() as session:
        pending = create_content_item(session, brand_id="b", platform="x", text="pending")
        request_approval(session, approval_id="ap-pending", content_item_id=pending.id)
    cases = [
        ("ap-pending", "pending", "is pending"),
        (approval_id, "Fresh roast Friday!!!", "not the text approved"),
    ]
    for approval, text, message in cases:
        with factory() as session, pytest.raises(NotApprovedError, match=message):
            schedule_post(
                session,
                approval_id=approval,
                content_item_id=item_id,
                brand_id="b",
                platform="x",
                text=text,
                content_hash=hash_content("x", text),
                scheduled_for=NOW,
                dry_run=True,
            )


def test_claim_takes_only_due_scheduled_posts(factory: Factory) -> None:
    due = schedule(factory, "due", at=NOW - timedelta(minutes=5))
    schedule(factory, "future", at=NOW + timedelta(hours=1))
    cancelled = schedule(factory, "cancelled", at=NOW - timedelta(hours=1))
    with factory.begin() as session:
        cancel_post(session, cancelled)
    with factory.begin() as session:
        claimed = claim_due_posts(session, NOW, limit=10)
    assert [post.id for post in claimed] == [due]
    assert claimed[0].status == "publishing"
    assert claimed[0].scheduled_for == NOW - timedelta(minutes=5)
    assert claimed[0].scheduled_for.tzinfo == UTC
    with factory.begin() as session:
        assert claim_due_posts(session, NOW, limit=10) == []


def test_finish_publish_records_the_attempt_and_final_status(factory: Factory) -> None:
    post_id = schedule(factory, "pub")
    with factory.begin() as session:
        claim_due_posts(session, NOW, limit=1)
    with factory.begin() as session:
        post = finish_publish(session, post_id, outcome="published", dry_run=True, external_id="dry-1")
    assert post.status == "dry_run_published" and post.external_id == "dry-1"
    with factory() as session:
        attempt = session.scalars(select(PublishAttempt)).one()
        item = session.get(ContentItem, post.content_item_id)
    assert attempt.outcome == "dry_run_published" and attempt.finished_at is not None
    assert item is not None and item.status == "dry_run_published"
    with (
        factory() as session,
        pytest.raises(PostStateError, match="it is dry_run_published"),
    ):
        finish_publish(session, post_id, outcome="published", dry_run=True)


def test_unclaimed_post_cannot_be_finished(factory: Factory) -> None:
    post_id = schedule(factory, "unclaimed")
    with factory() as session, pytest.raises(PostStateError, match="cannot finish"):
        finish_publish(session, post_id, outcome="failed", dry_run=True, detail="boom")


def test_failed_post_can_be_rescheduled_and_published_later(factory: Factory) -> None:
    post_id = schedule(factory, "retry", dry_run=False)
    with factory.begin() as session:
        claim_due_posts(session, NOW, limit=1)
        finish_publish(session, post_id, outcome="failed", dry_run=False, detail="HTTP 503")
    later = NOW + timedelta(hours=2)
    with factory.begin() as session:
        assert reschedule_post(session, post_id, scheduled_for=later).status == "scheduled"
    with factory.begin() as session:
        assert claim_due_posts(session, NOW, limit=5) == []
        assert [post.id for post in claim_due_posts(session, later, limit=5)] == [post_id]
        finish_publish(session, post_id, outcome="published", dry_run=False, external_id="x-42")
    with factory() as session:
        outcomes = session.scalars(select(PublishAttempt.outcome).order_by(PublishAttempt.started_at)).all()
        assert outcomes == ["failed", "published"]
        assert list_posts(session, statuses=("published",))[0].external_id == "x-42"


def test_list_posts_filters_by_brand(factory: Factory) -> None:
    schedule(factory, "one", brand="kettle-ember")
    other = schedule(factory, "two", brand="other")
    with factory() as session:
        assert [post.id for post in list_posts(session, "other")] == [other]
        assert len(list_posts(session)) == 2


def _claim_concurrently(factories: list[Factory], workers: int) -> list[str]:
    """Run `workers` claim loops at once, spread over the factories; return every claimed id."""
    barrier = threading.Barrier(workers)

    def work(factory: Factory) -> list[str]:
        barrier.wait()
        claimed: list[str] = []
        while True:
            with factory.begin() as session:
                ids = [post.id for post in claim_due_posts(session, NOW, limit=3)]
            if not ids:
                return claimed
            claimed.extend(ids)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work, factories[i % len(factories)]) for i in range(workers)]
        return [post_id for future in futures for post_id in future.result(timeout=120)]


def _schedule_many(factory: Factory, count: int) -> set[str]:
    return {schedule(factory, f"bulk{i}", at=NOW - timedelta(seconds=i)) for i in range(count)}


def test_concurrent_claimers_in_threads_never_share_a_post(factory: Factory) -> None:
    posts = _schedule_many(factory, 30)
    claimed = _claim_concurrently([factory], workers=6)
    assert Counter(claimed).most_common(1)[0][1] == 1
    assert set(claimed) == posts
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(PublishAttempt)) == 30


def test_concurrent_claimers_on_separate_engines_never_share_a_post(factory: Factory, database_url: str) -> None:
    posts = _schedule_many(factory, 30)
    engines = [create_db_engine(database_url) for _ in range(2)]
    claimed = _claim_concurrently([session_factory(engine) for engine in engines], workers=4)
    for engine in engines:
        engine.dispose()
    assert len(claimed) == len(set(claimed)) == 30
    assert set(claimed) == posts
