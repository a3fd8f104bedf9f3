"""Tests for the approval ledger the graph writes through, on SQLite and on a real Postgres server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from memory.db import create_db_engine, normalize_database_url, session_factory, upgrade_database
from memory.ledger import SqlApprovalLedger
from memory.models import Approval, AuditLog, ContentItem, ScheduledPost
from memory.repository import NotApprovedError, StaleApprovalError, upsert_brand


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of each kind with one brand."""
    if request.param == "sqlite":
        url = normalize_database_url(None, tmp_path / "home")
    else:
        url = normalize_database_url(request.getfixturevalue("postgres_db_url"), tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url, pre_ping=False)  # as the app builds the ledger's engine
    with session_factory(engine).begin() as session:
        upsert_brand(session, brand_id="kettle-ember", name="Kettle & Ember")
    yield engine
    engine.dispose()


def draft(item_id: str, text: str = "Fresh roast Friday!", revision: int = 1) -> dict:
    """A draft as the graph stores it."""
    return {
        "id": item_id,
        "brand_id": "kettle-ember",
        "platform": "x",
        "text": text,
        "revision": revision,
        "scheduled_for": "2026-12-01T10:00:00+00:00",
    }


def audit_actions(engine: Engine) -> list[str]:
    """Audit actions in the order they were written."""
    with Session(engine) as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def test_open_request_is_idempotent_and_pending(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    for _ in range(2):
        ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    with Session(engine) as session:
        approval = session.get(Approval, "ap-1")
        item = session.get(ContentItem, "item-1")
    assert approval is not None and approval.decision == "pending" and approval.thread_key == "cli:t"
    assert item is not None and item.status == "awaiting_approval"


def test_approving_schedules_one_post_and_repeats_return_it(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    first = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="ana", reason=None)
    again = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="bo", reason=None)
    assert first is not None and again == first
    assert first["status"] == "scheduled" and first["dry_run"] is True
    assert first["scheduled_for"] == "2026-12-01T10:00:00+00:00"
    with Session(engine) as session:
        assert session.get(Approval, "ap-1").decided_by == "ana"
        assert session.get(ContentItem, "item-1").status == "scheduled"
        assert len(session.scalars(select(ScheduledPost)).all()) == 1
    assert audit_actions(engine) == ["approval.approved", "post.scheduled"]


def test_rejecting_schedules_nothing_and_a_later_approval_is_refused(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    rejected = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="rejected", actor="ana", reason="off")
    assert rejected is None
    with pytest.raises(NotApprovedError):
        ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="bo", reason=None)
    with Session(engine) as session:
        approval = session.get(Approval, "ap-1")
        assert (approval.decision, approval.reason) == ("rejected", "off")
        assert session.get(ContentItem, "item-1").status == "rejected"
        assert session.scalars(select(ScheduledPost)).all() == []
    assert audit_actions(engine) == ["approval.rejected"]


def test_text_changed_after_the_request_is_refused_and_nothing_is_written(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    changed = draft("item-1", text="Fresh roast Saturday!")
    with pytest.raises(StaleApprovalError, match="request a new approval"):
        ledger.decide(draft=changed, approval_id="ap-1", decision="approved", actor="ana", reason=None)
    with Session(engine) as session:
        assert session.get(Approval, "ap-1").decision == "pending"
        assert session.scalars(select(ScheduledPost)).all() == []
    assert audit_actions(engine) == []


def test_an_approved_revision_cancels_the_earlier_scheduled_version(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    first = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="ana", reason=None)
    second_draft = draft("item-1", text="Fresh roast, every Friday.", revision=2)
    ledger.open_request(draft=second_draft, approval_id="ap-2", actor="ana")
    second = ledger.decide(draft=second_draft, approval_id="ap-2", decision="rescheduled", actor="ana", reason=None)
    with Session(engine) as session:
        statuses = {p.id: p.status for p in session.scalars(select(ScheduledPost))}
    assert statuses == {first["id"]: "cancelled", second["id"]: "scheduled"}
    assert audit_actions(engine)[-3:] == ["approval.rescheduled", "post.replaced", "post.scheduled"]


def test_credentials_decide_between_a_real_post_and_a_dry_run(engine: Engine) -> None:
    ledger = SqlApprovalLedger(engine, thread_key="cli:t", has_credentials=lambda platform: platform == "x")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")
    post = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="ana", reason=None)
    assert post is not None and post["dry_run"] is False


@pytest.mark.postgres
def test_a_connection_the_server_dropped_is_retried_once(postgres_db_url: str, tmp_path: Path) -> None:
    url = normalize_database_url(postgres_db_url, tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url, pre_ping=False)
    ledger = SqlApprovalLedger(engine, thread_key="cli:t")
    ledger.open_request(draft=draft("item-1"), approval_id="ap-1", actor="ana")  # leaves a pooled connection
    with engine.connect() as pooled:
        victim = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    killer = create_db_engine(url)
    with killer.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT pg_terminate_backend({victim})").scalar_one()
    killer.dispose()
    post = ledger.decide(draft=draft("item-1"), approval_id="ap-1", decision="approved", actor="ana", reason=None)
    assert post is not None and post["status"] == "scheduled"
    with engine.connect() as pooled:
        victim = pooled.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    killer = create_db_engine(url)
    with killer.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({victim})")
    killer.dispose()
    ledger.audit(actor="bob", action="approval.refused", detail={"surface": "slack"})
    assert audit_actions(engine) == ["approval.approved", "post.scheduled", "approval.refused"]
    engine.dispose()
