"""The SQL-backed approval ledger the graph writes decisions and scheduled posts through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from memory import repository as repo
from memory.models import ScheduledPost


class SqlApprovalLedger:
    """Writes content items, approvals, scheduled posts and audit entries in one transaction each."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        thread_key: str,
        has_credentials: Callable[[str], bool] = lambda platform: False,
    ) -> None:
        """`has_credentials(platform)` decides whether a post is a real publish or a dry run."""
        self.sessions = sessions
        self.thread_key = thread_key
        self.has_credentials = has_credentials

    def open_request(self, *, draft: dict[str, Any], approval_id: str, actor: str) -> None:
        """Store the draft's current text and a pending approval (idempotent)."""
        with self.sessions.begin() as session:
            self._pending(session, draft, approval_id, actor)

    def decide(
        self, *, draft: dict[str, Any], approval_id: str, decision: str, actor: str, reason: str | None
    ) -> dict[str, object] | None:
        """Record a decision and, when it approves, schedule the post, all in one transaction."""
        with self.sessions.begin() as session:
            outcome = repo.record_approval_decision(
                session, approval_id=approval_id, decision=decision, decided_by=actor, reason=reason
            )
            if outcome.recorded:
                detail = {"platform": draft["platform"], "reason": reason, "hash": outcome.approval.content_hash}
                self._audit(session, actor, f"approval.{decision}", ("approval", approval_id), detail)
            if decision not in repo.APPROVING_DECISIONS:
                return None
            if draft.get("revision", 1) > 1:
                self._replace_earlier_versions(session, draft["id"], approval_id, actor)
            post = repo.schedule_post(
                session,
                approval_id=approval_id,
                content_item_id=draft["id"],
                brand_id=draft["brand_id"],
                platform=draft["platform"],
                text=draft["text"],
                content_hash=repo.hash_content(draft["platform"], draft["text"]),
                scheduled_for=datetime.fromisoformat(draft["scheduled_for"]),
                dry_run=not self.has_credentials(draft["platform"]),
            )
            if outcome.recorded:
                detail = {"approval_id": approval_id, "scheduled_for": post.scheduled_for.isoformat()}
                self._audit(session, actor, "post.scheduled", ("scheduled_post", post.id), detail)
            return post_summary(post)

    def _replace_earlier_versions(self, session: Session, item_id: str, approval_id: str, actor: str) -> None:
        """A newly approved revision cancels posts of earlier revisions that are still waiting."""
        earlier = select(ScheduledPost.id).where(
            ScheduledPost.content_item_id == item_id,
            ScheduledPost.status == "scheduled",
            ScheduledPost.approval_id != approval_id,
        )
        for post_id in session.scalars(earlier).all():
            repo.cancel_post(session, post_id)
            self._audit(session, actor, "post.replaced", ("scheduled_post", post_id), {"by_approval": approval_id})

    def audit(self, *, actor: str, action: str, detail: dict[str, Any]) -> None:
        """Record something that happened in this thread, e.g. a refused approval click."""
        with self.sessions.begin() as session:
            self._audit(session, actor, action, (None, None), detail)

    def _audit(
        self, session: Session, actor: str, action: str, subject: tuple[str | None, str | None], detail: dict[str, Any]
    ) -> None:
        repo.record_audit(
            session,
            actor=actor,
            action=action,
            thread_key=self.thread_key,
            subject_type=subject[0],
            subject_id=subject[1],
            detail=detail,
        )

    def _pending(self, session: Session, draft: dict[str, Any], approval_id: str, actor: str) -> None:
        item = repo.create_content_item(
            session,
            brand_id=draft["brand_id"],
            platform=draft["platform"],
            text=draft["text"],
            thread_key=self.thread_key,
            created_by=actor,
            item_id=draft["id"],
        )
        if item.content_hash != repo.hash_content(draft["platform"], draft["text"]):
            repo.revise_content_item(session, item.id, text=draft["text"])
        repo.request_approval(
            session,
            approval_id=approval_id,
            content_item_id=item.id,
            thread_key=self.thread_key,
        )


def post_summary(post: Any) -> dict[str, object]:
    """A scheduled post as plain data for replies and `--json` output."""
    return {
        "id": post.id,
        "brand_id": post.brand_id,
        "platform": post.platform,
        "status": post.status,
        "scheduled_for": post.scheduled_for.isoformat(),
        "dry_run": post.dry_run,
        "text": post.text,
        "external_id": post.external_id,
    }
