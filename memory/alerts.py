"""Alert rows: raised once per dedup key, posted once per channel, moved between states by one click only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from memory.models import Alert, AlertPost, new_id, utcnow
from memory.repository import get_row, insert_ignore, record_audit

# action: (the statuses it may start from, the status it leaves)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("open",), "acknowledged"),
    "escalate": (("open", "acknowledged"), "escalated"),
    "resolve": (("open", "acknowledged", "escalated"), "resolved"),
}


def raise_alert(
    session: Session,
    *,
    brand_id: str,
    kind: str,
    severity: str,
    summary: str,
    evidence: list[str],
    dedup_key: str | None = None,
) -> tuple[Alert, bool]:
    """Store a new alert; with a `dedup_key` already raised, return that alert instead (False: not new)."""
    values: dict[str, Any] = {
        "id": new_id(),
        "brand_id": brand_id,
        "kind": kind,
        "severity": severity,
        "summary": summary,
        "evidence": evidence,
        "dedup_key": dedup_key,
        "status": "open",
        "created_at": utcnow(),
    }
    if dedup_key is None:
        session.add(Alert(**values))
        session.flush()
        return get_row(session, Alert, values["id"]), True
    created = insert_ignore(session, Alert, values, ["dedup_key"])
    alert = session.scalars(select(Alert).where(Alert.dedup_key == dedup_key)).one()
    return alert, created


def add_post(session: Session, alert_id: str, *, surface: str, channel: str, workspace: str | None) -> AlertPost:
    """The alert's card in a channel, created pending unless it already exists."""
    values = {"id": new_id(), "alert_id": alert_id, "surface": surface, "channel": channel, "workspace": workspace}
    values |= {"status": "pending", "created_at": utcnow()}
    insert_ignore(session, AlertPost, values, ["alert_id", "surface", "channel"])
    query = select(AlertPost).where(
        AlertPost.alert_id == alert_id, AlertPost.surface == surface, AlertPost.channel == channel
    )
    return session.scalars(query.execution_options(populate_existing=True)).one()


def claim_post(session: Session, post_id: str, *, stale_after: timedelta = timedelta(minutes=5)) -> bool:
    """Take the card's posting for this process; False if it is posted or another process is posting it."""
    now = utcnow()
    changed = session.execute(
        update(AlertPost)
        .where(
            AlertPost.id == post_id,
            or_(
                AlertPost.status.in_(("pending", "failed")),
                and_(AlertPost.status == "posting", AlertPost.attempted_at < now - stale_after),
            ),
        )
        .values(status="posting", attempted_at=now)
        .returning(AlertPost.id)
        .execution_options(synchronize_session=False)
    ).first()
    return changed is not None


def finish_post(session: Session, post_id: str, *, message_ref: str | None, error: str | None = None) -> AlertPost:
    """Record where the card landed, or why it could not be posted."""
    post = get_row(session, AlertPost, post_id, refresh=True)
    if error is None:
        post.status, post.message_ref, post.posted_at, post.error = "posted", message_ref, utcnow(), None
    else:
        post.status, post.error = "failed", error[:2000]
    session.flush()
    return post


def posts_of(session: Session, alert_id: str) -> list[AlertPost]:
    """Every channel post of an alert."""
    query = select(AlertPost).where(AlertPost.alert_id == alert_id).order_by(AlertPost.created_at)
    return list(session.scalars(query.execution_options(populate_existing=True)).all())


def post_at(session: Session, surface: str, channel: str, message_ref: str) -> AlertPost | None:
    """The alert post behind a message, if it is one."""
    query = select(AlertPost).where(
        AlertPost.surface == surface, AlertPost.channel == channel, AlertPost.message_ref == message_ref
    )
    return session.scalars(query).first()


def get_alert(session: Session, alert_id: str) -> Alert:
    """One alert, freshly read."""
    return get_row(session, Alert, alert_id, refresh=True)


def list_alerts(session: Session, *, statuses: tuple[str, ...] = (), limit: int = 20) -> list[Alert]:
    """The newest alerts, optionally only in some statuses."""
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id).limit(limit)
    if statuses:
        query = query.where(Alert.status.in_(statuses))
    return list(session.scalars(query).all())


def move_alert(session: Session, alert_id: str, action: str, *, actor: str, at: datetime | None = None) -> bool:
    """Apply `action` if the alert is still in a state it starts from; False if someone else got there first."""
    allowed_from, to = TRANSITIONS[action]
    changed = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.status.in_(allowed_from))
        .values(status=to, status_by=actor, status_at=at or utcnow())
        .returning(Alert.id)
        .execution_options(synchronize_session=False)
    ).first()
    if changed is not None:
        record_audit(session, actor=actor, action=f"alert.{action}", subject_type="alert", subject_id=alert_id)
    return changed is not None


def claim_response(session: Session, alert_id: str, *, thread_key: str, actor: str) -> bool:
    """Mark that a response is being drafted in `thread_key`; False if one already is, or the alert is resolved."""
    changed = session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.response_thread.is_(None), Alert.status != "resolved")
        .values(response_thread=thread_key)
        .returning(Alert.id)
        .execution_options(synchronize_session=False)
    ).first()
    if changed is not None:
        record_audit(
            session,
            actor=actor,
            action="alert.draft_response",
            thread_key=thread_key,
            subject_type="alert",
            subject_id=alert_id,
        )
    return changed is not None


def unposted(session: Session, *, surface: str, channel: str, since: datetime, limit: int = 20) -> list[Alert]:
    """Unresolved alerts since `since` that have no card in `channel` yet (raised by a worker, say)."""
    has_card = select(AlertPost.alert_id).where(AlertPost.surface == surface, AlertPost.channel == channel)
    query = (
        select(Alert)
        .where(Alert.status != "resolved", Alert.created_at >= since, Alert.id.not_in(has_card))
        .order_by(Alert.created_at)
        .limit(limit)
    )
    return list(session.scalars(query))
