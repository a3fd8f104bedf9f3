"""The publishing queue's state changes: sending marks, retries, stale claims, pauses, lateness and stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from memory.history import record_published
from memory.models import ContentItem, PublishAttempt, QueuePause, ScheduledPost, utcnow
from memory.repository import get_row, insert_ignore, record_audit, transition_post

IN_FLIGHT = ("publishing", "uncertain")  # a worker's own answer also settles a post recovery called uncertain


def mark_sending(session: Session, post_id: str, *, claimed_at: datetime) -> str:
    """Record that the request is about to leave; from here on a crash leaves the post `uncertain`.

    The claim's time is its token: a claim that was recovered (and maybe taken by another worker) since, or a
    brand paused in the meantime, changes nothing. Returns "sending", "paused" or "lost".
    """
    paused = select(QueuePause.brand_id)
    marked = session.execute(
        update(ScheduledPost)
        .where(
            ScheduledPost.id == post_id,
            ScheduledPost.status == "publishing",
            ScheduledPost.sending_at.is_(None),
            ScheduledPost.updated_at == claimed_at,
            or_(ScheduledPost.urgent.is_(True), ScheduledPost.brand_id.not_in(paused)),
        )
        .values(sending_at=utcnow())
        .returning(ScheduledPost.id)
        .execution_options(synchronize_session=False)
    ).first()
    if marked is not None:
        return "sending"
    post = session.get(ScheduledPost, post_id, populate_existing=True)
    held = post is not None and post.status == "publishing" and post.updated_at == claimed_at
    return "paused" if held else "lost"


def retry_later(
    session: Session, post_id: str, *, at: datetime, error: str, resume: dict[str, Any], count: bool = True
) -> ScheduledPost:
    """Put a claimed post back in the queue until `at`, keeping what the next attempt must reuse.

    `count=False` for waits that are not failures (a rate-limit budget used up on our side).
    """
    post = get_row(session, ScheduledPost, post_id, refresh=True)
    values: dict[str, Any] = {
        "next_attempt_at": at,
        "sending_at": None,
        "last_error": error if count else post.last_error,
        "resume": {**(post.resume or {}), **resume},
        "attempts": post.attempts + (1 if count else 0),
    }
    post = transition_post(session, post_id, IN_FLIGHT, status="scheduled", action="retry", **values)
    _close_attempt(session, post_id, "retry", error, post.dry_run)
    return post


def settle(
    session: Session, post_id: str, status: Literal["failed", "uncertain"], *, error: str, resume: dict[str, Any]
) -> ScheduledPost:
    """A claimed post a person must look at: `failed`, or `uncertain` (it may have reached the platform).

    An uncertain post is never resent without a person, and keeps its sending mark and content item status
    (the send may have happened); a failed one forgets the mark and marks its content item failed.
    """
    post = get_row(session, ScheduledPost, post_id, refresh=True)
    extra: dict[str, Any] = {"sending_at": None} if status == "failed" else {}
    post = transition_post(
        session,
        post_id,
        IN_FLIGHT,
        status=status,
        action="fail" if status == "failed" else "uncertain",
        last_error=error,
        resume={**(post.resume or {}), **resume},
        attempts=post.attempts + 1,
        **extra,
    )
    _close_attempt(session, post_id, status, error, post.dry_run)
    if status == "failed":
        _item_status(session, post.content_item_id, "failed")
    return post


def recover_stale(session: Session, now: datetime, lease: timedelta) -> tuple[list[ScheduledPost], list[ScheduledPost]]:
    """Claims older than `lease` whose worker is gone: (back in the queue, now `uncertain`).

    A claim that never started sending is safe to retry; one that did may be live on the platform, so it is
    never resent automatically.
    """
    stale = (ScheduledPost.status == "publishing", ScheduledPost.updated_at < now - lease)
    message = "the worker stopped after sending and before the platform's answer was recorded"
    requeued_ids = _recover(
        session, (*stale, ScheduledPost.sending_at.is_(None)), status="scheduled", next_attempt_at=now
    )
    uncertain_ids = _recover(
        session, (*stale, ScheduledPost.sending_at.is_not(None)), status="uncertain", last_error=message
    )
    for post_id in requeued_ids:
        _close_attempt(session, post_id, "retry", "the worker stopped before sending", False)
    for post_id in uncertain_ids:
        _close_attempt(session, post_id, "uncertain", message, False)
    session.flush()
    rows = [get_row(session, ScheduledPost, post_id, refresh=True) for post_id in (*requeued_ids, *uncertain_ids)]
    return rows[: len(requeued_ids)], rows[len(requeued_ids) :]


def _recover(session: Session, conditions: tuple[Any, ...], **values: Any) -> list[str]:
    """One conditional update, so a claim that starts sending meanwhile is never requeued under it."""
    changed = session.execute(
        update(ScheduledPost)
        .where(*conditions)
        .values(updated_at=utcnow(), **values)
        .returning(ScheduledPost.id)
        .execution_options(synchronize_session=False)
    )
    return [row[0] for row in changed]


def confirm_live(session: Session, post_id: str, *, external_id: str | None, url: str | None) -> ScheduledPost:
    """A person checked an `uncertain` post and found it live."""
    post = transition_post(
        session,
        post_id,
        ("uncertain",),
        status="published",
        action="confirm",
        external_id=external_id,
        url=url,
        published_at=utcnow(),
    )
    _item_status(session, post.content_item_id, "published")
    record_published(session, post)
    return post


def pause(session: Session, brand_id: str, *, actor: str, reason: str) -> bool:
    """Hold the brand's queue; returns False when it was already paused."""
    return insert_ignore(
        session,
        QueuePause,
        {"brand_id": brand_id, "paused_by": actor, "paused_at": utcnow(), "reason": reason},
        ["brand_id"],
    )


def resume(session: Session, brand_id: str) -> bool:
    """Let the brand's queue run again; returns False when it was not paused."""
    return bool(session.execute(delete(QueuePause).where(QueuePause.brand_id == brand_id)).rowcount)


def resume_posts(sessions: sessionmaker[Session], brand_id: str, *, actor: str, surface: str) -> bool:
    """Resume the brand's paused posts, audited as `queue.resumed`; False when they were not paused."""
    with sessions.begin() as session:
        was_paused = resume(session, brand_id)
        if was_paused:
            detail = {"brand": brand_id, "surface": surface}
            record_audit(session, actor=actor, action="queue.resumed", detail=detail)
        return was_paused


def pauses(session: Session) -> dict[str, QueuePause]:
    """Paused brands and who paused them."""
    return {row.brand_id: row for row in session.scalars(select(QueuePause))}


def late_posts(session: Session, now: datetime, late_after: timedelta) -> list[ScheduledPost]:
    """Posts still waiting (or stuck) more than `late_after` after their time."""
    waiting = ("scheduled", "publishing")
    query = select(ScheduledPost).where(
        ScheduledPost.status.in_(waiting), ScheduledPost.scheduled_for < now - late_after
    )
    return list(session.scalars(query.order_by(ScheduledPost.scheduled_for)))


def attempt_count(session: Session, post_id: str) -> int:
    """How many attempts the post has had in all (never reset, unlike `attempts`): numbers each report once."""
    query = select(func.count()).where(PublishAttempt.scheduled_post_id == post_id)
    return session.scalar(query) or 0


def waiting_threads(session: Session, brand_id: str, platform: str) -> list[str]:
    """The threads where the brand's posts still waiting to go out on the platform were approved."""
    query = (
        select(ContentItem.thread_key)
        .join(ScheduledPost, ScheduledPost.content_item_id == ContentItem.id)
        .where(
            ScheduledPost.brand_id == brand_id,
            ScheduledPost.platform == platform,
            ScheduledPost.status.in_(("scheduled", "publishing")),
        )
        .distinct()
    )
    return sorted(key for key in session.scalars(query) if key)


def thread_of(session: Session, post: ScheduledPost) -> str | None:
    """The conversation thread the post was approved in."""
    return session.scalar(select(ContentItem.thread_key).where(ContentItem.id == post.content_item_id))


@dataclass(frozen=True)
class QueueStats:
    """One brand's queue at a glance."""

    waiting: int
    next_at: datetime | None
    failed: int
    uncertain: int
    last_published: ScheduledPost | None
    last_failed: ScheduledPost | None


def stats(session: Session, brand_id: str) -> QueueStats:
    """Queue depth, the next post's time, failures and the latest success and failure of a brand."""
    of_brand = ScheduledPost.brand_id == brand_id

    def count(status: str) -> int:
        return session.scalar(select(func.count()).where(of_brand, ScheduledPost.status == status)) or 0

    def latest(status: str) -> ScheduledPost | None:
        query = select(ScheduledPost).where(of_brand, ScheduledPost.status == status)
        return session.scalars(query.order_by(ScheduledPost.updated_at.desc()).limit(1)).first()

    next_at = session.scalar(
        select(func.min(ScheduledPost.scheduled_for)).where(of_brand, ScheduledPost.status == "scheduled")
    )
    return QueueStats(
        waiting=count("scheduled"),
        next_at=next_at,
        failed=count("failed"),
        uncertain=count("uncertain"),
        last_published=latest("published") or latest("dry_run_published"),
        last_failed=latest("failed"),
    )


def _close_attempt(session: Session, post_id: str, outcome: str, detail: str, dry_run: bool) -> None:
    attempt = session.scalars(
        select(PublishAttempt)
        .where(PublishAttempt.scheduled_post_id == post_id, PublishAttempt.outcome.is_(None))
        .order_by(PublishAttempt.started_at.desc())
    ).first()
    if attempt is None:
        attempt = PublishAttempt(scheduled_post_id=post_id, dry_run=dry_run)
        session.add(attempt)
    attempt.finished_at, attempt.outcome, attempt.detail = utcnow(), outcome, detail


def _item_status(session: Session, item_id: str, status: str) -> None:
    session.execute(
        update(ContentItem)
        .where(ContentItem.id == item_id)
        .values(status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
