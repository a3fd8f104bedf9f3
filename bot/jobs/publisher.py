"""Publishes due scheduled posts exactly once; without platform credentials it records a dry run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from memory import repository as repo
from memory.ledger import post_summary
from memory.models import Approval, ScheduledPost

log = logging.getLogger(__name__)
Publish = Callable[[str, str], str]  # (platform, text) -> external id


def publish_due(
    sessions: sessionmaker[Session],
    *,
    now: datetime | None = None,
    clients: dict[str, Publish] | None = None,
    limit: int = 20,
) -> list[dict[str, object]]:
    """Claim due posts and publish each one once; returns what happened to each."""
    now = now or datetime.now(UTC)
    clients = clients or {}
    with sessions.begin() as session:
        claimed = [
            (p.id, p.platform, p.text, p.dry_run, _approved_unchanged(session, p))
            for p in repo.claim_due_posts(session, now, limit)
        ]
    results = []
    for post_id, platform, text, dry_run, unchanged in claimed:
        client = clients.get(platform)
        results.append(_publish_one(sessions, post_id, platform, text, dry_run, client, unchanged))
    return results


def _approved_unchanged(session: Session, post: ScheduledPost) -> bool:
    approval = session.get(Approval, post.approval_id)
    current = repo.hash_content(post.platform, post.text)
    return approval is not None and current == post.content_hash == approval.content_hash


def _publish_one(
    sessions: sessionmaker[Session],
    post_id: str,
    platform: str,
    text: str,
    dry_run: bool,
    client: Publish | None,
    unchanged: bool,
) -> dict[str, object]:
    external_id, outcome, detail = None, "published", None
    if not unchanged:
        outcome, detail = "failed", "the text changed after it was approved; it needs approval again"
    elif dry_run or client is None:
        dry_run, detail = True, f"dry run: no {platform} credentials configured; nothing was sent"
    else:
        try:
            external_id = client(platform, text)
        except Exception as exc:  # a platform failure must be recorded, never lost
            log.exception("publishing post %s to %s failed", post_id, platform)
            outcome, detail = "failed", f"{type(exc).__name__}: {exc}"
    with sessions.begin() as session:
        post = repo.finish_publish(
            session, post_id, outcome=outcome, dry_run=dry_run, external_id=external_id, detail=detail
        )
        repo.record_audit(
            session,
            actor="publisher",
            action=f"post.{post.status}",
            subject_type="scheduled_post",
            subject_id=post_id,
            detail={"platform": platform, "detail": detail},
        )
        return post_summary(post)
