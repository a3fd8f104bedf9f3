"""Messages for conversation threads, kept until the thread's surface delivers them (an outbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from memory.models import ThreadNotice, new_id, utcnow
from memory.repository import insert_ignore

CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Notice:
    """One message waiting for its thread."""

    id: str
    thread_key: str
    text: str


def add_notice(session: Session, *, thread_key: str, text: str, dedup_key: str) -> bool:
    """Queue a message for a thread; the same `dedup_key` queues nothing twice. Returns whether it was new."""
    values = {"id": new_id(), "thread_key": thread_key, "text": text, "dedup_key": dedup_key, "created_at": utcnow()}
    return insert_ignore(session, ThreadNotice, values, ["dedup_key"])


def claim_notices(session: Session, prefix: str, limit: int = 20) -> list[Notice]:
    """Undelivered messages for threads whose key starts with `prefix`, claimed for delivery by this caller."""
    now = utcnow()
    query = (
        select(ThreadNotice.id)
        .where(
            ThreadNotice.delivered_at.is_(None),
            ThreadNotice.error.is_(None),
            ThreadNotice.thread_key.startswith(prefix, autoescape=True),
            or_(ThreadNotice.claimed_at.is_(None), ThreadNotice.claimed_at < now - CLAIM_LEASE),
        )
        .order_by(ThreadNotice.created_at)
        .limit(limit)
    )
    ids = list(session.scalars(query))
    claimed = session.scalars(
        update(ThreadNotice)
        .where(
            ThreadNotice.id.in_(ids),
            or_(ThreadNotice.claimed_at.is_(None), ThreadNotice.claimed_at < now - CLAIM_LEASE),
        )
        .values(claimed_at=now)
        .returning(ThreadNotice.id)
        .execution_options(synchronize_session=False)
    ).all()
    rows = session.scalars(select(ThreadNotice).where(ThreadNotice.id.in_(claimed)).order_by(ThreadNotice.created_at))
    return [Notice(row.id, row.thread_key, row.text) for row in rows]


def finish_notice(session: Session, notice_id: str, *, error: str | None = None) -> None:
    """Mark a claimed message delivered, or record why its thread can't get it (it is then not retried)."""
    values = {"error": error} if error else {"delivered_at": utcnow()}
    session.execute(update(ThreadNotice).where(ThreadNotice.id == notice_id).values(**values))
