"""The SQL-backed approval ledger the graph writes decisions and scheduled posts through.

It runs on the hot path of every turn, so each call is one transaction of a few Core statements
(insert-or-ignore, conditional update with RETURNING) rather than ORM round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert as generic_insert
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from memory import repository as repo
from memory.models import Approval, AuditLog, ContentItem, ScheduledPost, new_id, utcnow


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
        """Store the draft's current text and a pending approval for it (idempotent)."""
        content_hash = repo.hash_content(draft["platform"], draft["text"])
        now = utcnow()
        with self.sessions.begin() as session:
            insert = _insert_for(session)
            item = insert(ContentItem).values(
                id=draft["id"],
                brand_id=draft["brand_id"],
                thread_key=self.thread_key,
                platform=draft["platform"],
                text=draft["text"],
                content_hash=content_hash,
                status="awaiting_approval",
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
            session.execute(
                item.on_conflict_do_update(
                    index_elements=["id"],
                    set_={
                        "text": draft["text"],
                        "content_hash": content_hash,
                        "status": "awaiting_approval",
                        "updated_at": now,
                    },
                )
            )
            approval = insert(Approval).values(
                id=approval_id,
                content_item_id=draft["id"],
                thread_key=self.thread_key,
                decision="pending",
                content_hash=content_hash,
                created_at=now,
            )
            session.execute(approval.on_conflict_do_nothing(index_elements=["id"]))

    def decide(
        self, *, draft: dict[str, Any], approval_id: str, decision: str, actor: str, reason: str | None
    ) -> dict[str, object] | None:
        """Record a decision and, when it approves, schedule the post, all in one transaction.

        Only the first decision on an approval counts; repeating it returns the same post.
        """
        content_hash = repo.hash_content(draft["platform"], draft["text"])
        now = utcnow()
        with self.sessions.begin() as session:
            decided = session.execute(
                update(Approval)
                .where(Approval.id == approval_id, Approval.decision == "pending")
                .values(decision=decision, decided_by=actor, decided_at=now, reason=reason)
                .returning(Approval.content_hash)
            ).first()
            if decided is not None:
                if decision in repo.APPROVING_DECISIONS and decided.content_hash != content_hash:
                    raise repo.StaleApprovalError(
                        f"the text changed after approval {approval_id} was requested; request a new approval"
                    )
                self._set_item_status(session, draft["id"], decision, now)
                detail = {"platform": draft["platform"], "reason": reason, "hash": decided.content_hash}
                self._audit(session, actor, f"approval.{decision}", ("approval", approval_id), detail)
            if decision not in repo.APPROVING_DECISIONS:
                return None
            existing = session.scalars(select(ScheduledPost).where(ScheduledPost.approval_id == approval_id)).first()
            if existing is not None or decided is None:
                if existing is None:
                    raise repo.NotApprovedError(f"approval {approval_id} was already decided without a post")
                return post_summary(existing)
            if draft.get("revision", 1) > 1:
                self._replace_earlier_versions(session, draft["id"], approval_id, actor, now)
            post_id = new_id()
            session.execute(
                generic_insert(ScheduledPost).values(
                    id=post_id,
                    content_item_id=draft["id"],
                    approval_id=approval_id,
                    brand_id=draft["brand_id"],
                    platform=draft["platform"],
                    text=draft["text"],
                    content_hash=content_hash,
                    scheduled_for=datetime.fromisoformat(draft["scheduled_for"]),
                    status="scheduled",
                    dry_run=not self.has_credentials(draft["platform"]),
                    created_at=now,
                    updated_at=now,
                )
            )
            self._set_item_status(session, draft["id"], "scheduled", now)
            post = session.get(ScheduledPost, post_id)
            detail = {"approval_id": approval_id, "scheduled_for": post.scheduled_for.isoformat()}
            self._audit(session, actor, "post.scheduled", ("scheduled_post", post_id), detail)
            return post_summary(post)

    def audit(self, *, actor: str, action: str, detail: dict[str, Any]) -> None:
        """Record something that happened in this thread, e.g. a refused approval click."""
        with self.sessions.begin() as session:
            self._audit(session, actor, action, (None, None), detail)

    def _replace_earlier_versions(
        self, session: Session, item_id: str, approval_id: str, actor: str, now: datetime
    ) -> None:
        """A newly approved revision cancels posts of earlier revisions that are still waiting."""
        cancelled = session.scalars(
            update(ScheduledPost)
            .where(
                ScheduledPost.content_item_id == item_id,
                ScheduledPost.status == "scheduled",
                ScheduledPost.approval_id != approval_id,
            )
            .values(status="cancelled", updated_at=now)
            .returning(ScheduledPost.id)
        ).all()
        for post_id in cancelled:
            self._audit(session, actor, "post.replaced", ("scheduled_post", post_id), {"by_approval": approval_id})

    @staticmethod
    def _set_item_status(session: Session, item_id: str, status: str, now: datetime) -> None:
        session.execute(update(ContentItem).where(ContentItem.id == item_id).values(status=status, updated_at=now))

    def _audit(
        self, session: Session, actor: str, action: str, subject: tuple[str | None, str | None], detail: dict[str, Any]
    ) -> None:
        session.execute(
            generic_insert(AuditLog).values(
                at=utcnow(),
                actor=actor,
                action=action,
                thread_key=self.thread_key,
                subject_type=subject[0],
                subject_id=subject[1],
                detail=detail,
            )
        )


def _insert_for(session: Session) -> Callable[..., Any]:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"unsupported database dialect {dialect!r}; use SQLite or Postgres")
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


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
