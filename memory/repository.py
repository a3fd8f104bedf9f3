"""Small typed functions over a Session; the caller owns the transaction (`with factory.begin()`)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeVar

from sqlalchemy import Select, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from memory.models import (
    DECISIONS,
    Approval,
    AuditLog,
    Base,
    Brand,
    ContentItem,
    PublishAttempt,
    QueuePause,
    ScheduledPost,
    Workspace,
    utcnow,
)

Surface = Literal["slack", "discord", "cli"]
Decision = Literal["approved", "edited", "rejected", "rescheduled"]
PostStatus = Literal["scheduled", "publishing", "published", "dry_run_published", "failed", "cancelled", "uncertain"]
APPROVING_DECISIONS = ("approved", "rescheduled")
_CHANGEABLE = ("scheduled", "failed", "uncertain")

T = TypeVar("T")
M = TypeVar("M", bound=Base)


class RepositoryError(Exception):
    """Base class for errors the persistence layer reports to callers."""


class NotFoundError(RepositoryError, LookupError):
    """The row the caller named does not exist."""


class NotApprovedError(RepositoryError):
    """Publishing was requested for content that lacks a matching approval."""


class StaleApprovalError(RepositoryError):
    """The content changed after the approval was requested; it needs a new approval."""


class PostStateError(RepositoryError):
    """A scheduled post is not in a state that allows the requested change."""


class DecisionOutcome(NamedTuple):
    """The approval after a decision, and whether this call was the one that decided it."""

    approval: Approval
    recorded: bool


def hash_content(platform: str, text: str) -> str:
    """Return the hash that ties an approval to one exact text on one platform."""
    return hashlib.sha256(f"{platform}\n{text}".encode()).hexdigest()


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    thread_key: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one entry to the audit log."""
    entry = AuditLog(
        actor=actor,
        action=action,
        thread_key=thread_key,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail or {},
    )
    session.add(entry)
    session.flush()
    return entry


def upsert_brand(session: Session, *, brand_id: str, name: str, pack_path: str | None = None) -> Brand:
    """Create the brand or update its name and pack path."""
    insert_ignore(session, Brand, {"id": brand_id, "name": name, "pack_path": pack_path}, ["id"])
    brand = _one(session, select(Brand).where(Brand.id == brand_id))
    brand.name, brand.pack_path = name, pack_path
    session.flush()
    return brand


def link_workspace(session: Session, *, surface: Surface, external_id: str, brand_id: str) -> Workspace:
    """Map a Slack team, Discord guild or terminal user to a brand (replacing an older mapping)."""
    values = {"surface": surface, "external_id": external_id, "brand_id": brand_id}
    insert_ignore(session, Workspace, values, ["surface", "external_id"])
    workspace = _one(
        session,
        select(Workspace).where(Workspace.surface == surface, Workspace.external_id == external_id),
    )
    workspace.brand_id = brand_id
    session.flush()
    return workspace


def brand_for_workspace(session: Session, surface: Surface, external_id: str) -> str | None:
    """Return the brand id a workspace is mapped to, or None."""
    query = select(Workspace.brand_id).where(Workspace.surface == surface, Workspace.external_id == external_id)
    return session.scalars(query).first()


def create_content_item(
    session: Session,
    *,
    brand_id: str,
    platform: str,
    text: str,
    thread_key: str | None = None,
    created_by: str | None = None,
    item_id: str | None = None,
) -> ContentItem:
    """Store a draft; with `item_id`, calling again returns the existing item unchanged."""
    if item_id is None:
        item = ContentItem(
            brand_id=brand_id,
            thread_key=thread_key,
            platform=platform,
            text=text,
            content_hash=hash_content(platform, text),
            created_by=created_by,
        )
        session.add(item)
        session.flush()
        return item
    values = {
        "id": item_id,
        "brand_id": brand_id,
        "thread_key": thread_key,
        "platform": platform,
        "text": text,
        "content_hash": hash_content(platform, text),
        "status": "draft",
        "created_by": created_by,
    }
    insert_ignore(session, ContentItem, values, ["id"])
    return _one(session, select(ContentItem).where(ContentItem.id == item_id))


def revise_content_item(session: Session, item_id: str, *, text: str) -> ContentItem:
    """Replace a draft's text; approvals given for the old text no longer count."""
    item = get_row(session, ContentItem, item_id)
    item.text = text
    item.content_hash = hash_content(item.platform, text)
    item.status = "draft"
    session.flush()
    return item


def request_approval(
    session: Session,
    *,
    approval_id: str,
    content_item_id: str,
    thread_key: str | None = None,
) -> Approval:
    """Open a pending approval for the item's current text; idempotent on `approval_id`."""
    item = get_row(session, ContentItem, content_item_id)
    values = {
        "id": approval_id,
        "content_item_id": item.id,
        "thread_key": thread_key or item.thread_key,
        "decision": "pending",
        "content_hash": item.content_hash,
    }
    if insert_ignore(session, Approval, values, ["id"]):
        item.status = "awaiting_approval"
        session.flush()
    return _one(session, select(Approval).where(Approval.id == approval_id))


def record_approval_decision(
    session: Session,
    *,
    approval_id: str,
    decision: Decision,
    decided_by: str,
    reason: str | None = None,
) -> DecisionOutcome:
    """Record the first decision on a pending approval; later or concurrent ones are not recorded."""
    if decision not in DECISIONS or decision == "pending":
        choices = ", ".join(d for d in DECISIONS if d != "pending")
        raise ValueError(f"unknown decision {decision!r}; use one of: {choices}")
    approval = get_row(session, Approval, approval_id, refresh=True)
    if approval.decision != "pending":
        return DecisionOutcome(approval, recorded=False)
    item = get_row(session, ContentItem, approval.content_item_id)
    if decision in APPROVING_DECISIONS and item.content_hash != approval.content_hash:
        raise StaleApprovalError(
            f"the text of {item.id} changed after approval {approval_id} was requested; "
            "request a new approval for the current text"
        )
    decided = session.execute(
        update(Approval)
        .where(Approval.id == approval_id, Approval.decision == "pending")
        .values(decision=decision, decided_by=decided_by, decided_at=utcnow(), reason=reason)
        .returning(Approval.id)
        .execution_options(synchronize_session=False)
    ).first()
    if decided is not None:
        item.status = decision
    session.flush()
    return DecisionOutcome(get_row(session, Approval, approval_id, refresh=True), decided is not None)


def schedule_post(
    session: Session,
    *,
    approval_id: str,
    content_item_id: str,
    brand_id: str,
    platform: str,
    text: str,
    content_hash: str,
    scheduled_for: datetime,
    dry_run: bool,
) -> ScheduledPost:
    """Schedule approved content; idempotent on `approval_id` (one approval, one post)."""
    by_approval = select(ScheduledPost).where(ScheduledPost.approval_id == approval_id)
    existing = session.scalars(by_approval).first()
    if existing is not None:
        return existing
    approval = session.get(Approval, approval_id, populate_existing=True)
    if approval is None or approval.decision not in APPROVING_DECISIONS:
        state = "missing" if approval is None else approval.decision
        raise NotApprovedError(f"approval {approval_id} is {state}; only approved content can be scheduled")
    if hash_content(platform, text) != content_hash or content_hash != approval.content_hash:
        raise NotApprovedError(
            f"the text to schedule is not the text approved in {approval_id}; ask for approval again"
        )
    values = {
        "content_item_id": content_item_id,
        "approval_id": approval_id,
        "brand_id": brand_id,
        "platform": platform,
        "text": text,
        "content_hash": content_hash,
        "scheduled_for": scheduled_for,
        "status": "scheduled",
        "dry_run": dry_run,
    }
    if insert_ignore(session, ScheduledPost, values, ["approval_id"]):
        session.execute(
            update(ContentItem)
            .where(ContentItem.id == content_item_id)
            .values(status="scheduled", updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return _one(session, by_approval)


def claim_due_posts(session: Session, now: datetime, limit: int = 10) -> list[ScheduledPost]:
    """Move due 'scheduled' posts to 'publishing' and return them; no post is claimed twice.

    One UPDATE statement does the claim: on Postgres its subquery locks rows with
    `FOR UPDATE SKIP LOCKED`, on SQLite the statement takes the database write lock. The
    `status = 'scheduled'` guard makes a concurrent claimer skip rows already taken.
    Commit promptly so other workers can move on.
    """
    paused = select(QueuePause.brand_id)
    due = (
        select(ScheduledPost.id)
        .where(
            ScheduledPost.status == "scheduled",
            ScheduledPost.scheduled_for <= now,
            or_(ScheduledPost.next_attempt_at.is_(None), ScheduledPost.next_attempt_at <= now),
            or_(ScheduledPost.urgent.is_(True), ScheduledPost.brand_id.not_in(paused)),
        )
        .order_by(ScheduledPost.scheduled_for)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed_at = utcnow()
    ids = session.scalars(
        update(ScheduledPost)
        .where(
            ScheduledPost.id.in_(due.scalar_subquery()),
            ScheduledPost.status == "scheduled",
        )
        .values(status="publishing", updated_at=claimed_at)
        .returning(ScheduledPost.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    posts = session.scalars(
        select(ScheduledPost)
        .where(ScheduledPost.id.in_(ids))
        .order_by(ScheduledPost.scheduled_for)
        .execution_options(populate_existing=True)
    ).all()
    session.add_all(
        PublishAttempt(scheduled_post_id=post.id, started_at=claimed_at, dry_run=post.dry_run) for post in posts
    )
    session.flush()
    return list(posts)


def finish_publish(
    session: Session,
    post_id: str,
    *,
    outcome: Literal["published", "failed"],
    dry_run: bool,
    external_id: str | None = None,
    detail: str | None = None,
    url: str | None = None,
) -> ScheduledPost:
    """Close the open publish attempt of a claimed post and set the post's final status."""
    status: str = outcome
    if outcome == "published" and dry_run:
        status = "dry_run_published"
    done = {"published_at": utcnow(), "url": url} if outcome == "published" else {"last_error": detail}
    post = transition_post(
        session,
        post_id,
        ("publishing", "uncertain"),  # a send that outlived its claim's lease still records its real outcome
        status=status,
        external_id=external_id,
        action="finish",
        **done,
    )
    attempt = session.scalars(
        select(PublishAttempt)
        .where(
            PublishAttempt.scheduled_post_id == post_id,
            PublishAttempt.outcome.is_(None),
        )
        .order_by(PublishAttempt.started_at.desc())
    ).first()
    if attempt is None:
        attempt = PublishAttempt(scheduled_post_id=post_id, dry_run=dry_run)
        session.add(attempt)
    attempt.finished_at = utcnow()
    attempt.outcome = status
    attempt.dry_run = dry_run
    attempt.detail = detail
    session.execute(
        update(ContentItem)
        .where(ContentItem.id == post.content_item_id)
        .values(status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return post


def reschedule_post(session: Session, post_id: str, *, scheduled_for: datetime) -> ScheduledPost:
    """Move a scheduled or failed post to a new time (same approved text)."""
    return transition_post(
        session,
        post_id,
        _CHANGEABLE,
        status="scheduled",
        scheduled_for=scheduled_for,
        action="reschedule",
    )


def cancel_post(session: Session, post_id: str) -> ScheduledPost:
    """Cancel a post that has not been published."""
    return transition_post(session, post_id, _CHANGEABLE, status="cancelled", action="cancel")


def list_posts(
    session: Session,
    brand_id: str | None = None,
    *,
    statuses: tuple[PostStatus, ...] | None = None,
) -> list[ScheduledPost]:
    """Return posts ordered by scheduled time, optionally for one brand and some statuses."""
    query = select(ScheduledPost).order_by(ScheduledPost.scheduled_for, ScheduledPost.id)
    if brand_id is not None:
        query = query.where(ScheduledPost.brand_id == brand_id)
    if statuses:
        query = query.where(ScheduledPost.status.in_(statuses))
    return list(session.scalars(query).all())


def transition_post(
    session: Session,
    post_id: str,
    allowed_from: tuple[str, ...],
    *,
    action: str,
    **values: Any,
) -> ScheduledPost:
    """Move a post to new values if it is in one of `allowed_from`; PostStateError says why not otherwise."""
    changed = session.execute(
        update(ScheduledPost)
        .where(ScheduledPost.id == post_id, ScheduledPost.status.in_(allowed_from))
        .values(updated_at=utcnow(), **values)
        .returning(ScheduledPost.id)
        .execution_options(synchronize_session=False)
    ).first()
    post = get_row(session, ScheduledPost, post_id, refresh=True)
    if changed is None:
        raise PostStateError(
            f"cannot {action} post {post_id}: it is {post.status}, and {action} needs one of {', '.join(allowed_from)}"
        )
    return post


def upsert_insert(dialect: str) -> Any:
    """The dialect's `insert` construct, which has `on_conflict_do_nothing` / `on_conflict_do_update`."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise ValueError(f"unsupported database {dialect!r}: BrandPilot runs on SQLite or PostgreSQL (DATABASE_URL)")
    return insert


def insert_ignore(session: Session, model: type[Base], values: dict[str, Any], keys: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; return whether a row was inserted."""
    insert = upsert_insert(session.get_bind().dialect.name)
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=keys).returning(getattr(model, keys[0]))
    )
    return session.execute(statement).first() is not None


def _one(session: Session, query: Select[tuple[T]]) -> T:
    return session.scalars(query.execution_options(populate_existing=True)).one()


def get_row(session: Session, model: type[M], key: str, *, refresh: bool = False) -> M:
    """The row of `model` with primary key `key`; NotFoundError if there is none."""
    row = session.get(model, key, populate_existing=refresh)
    if row is None:
        raise NotFoundError(f"no {model.__tablename__} row with id {key!r}")
    return row
