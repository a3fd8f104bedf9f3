"""The SQL-backed approval ledger the graph writes decisions and scheduled posts through.

It runs on the hot path of every turn, so each call is one transaction of a few statements (insert-or-ignore,
conditional update with RETURNING) on SQLite, and one autocommitted statement (data-modifying CTEs,
`memory/ledger_postgres.py`) on Postgres, where every round trip counts. The statements of that path are
`Precompiled`: compiled once, they skip SQLAlchemy's per-execution work, which costs more than SQLite's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from memory import ledger_postgres as pg
from memory import repository as repo
from memory.db import run_once
from memory.models import Approval, AuditLog, ContentItem, ScheduledPost, new_id, utcnow
from memory.precompiled import Precompiled

_ITEMS, _APPROVALS, _POSTS, _AUDIT = (m.__table__ for m in (ContentItem, Approval, ScheduledPost, AuditLog))
_DECIDE = (
    update(_APPROVALS)
    .where(_APPROVALS.c.id == bindparam("b_id"), _APPROVALS.c.decision == "pending")
    .values(
        decision=bindparam("b_decision"),
        decided_by=bindparam("b_actor"),
        decided_at=bindparam("b_now"),
        reason=bindparam("b_reason"),
    )
    .returning(_APPROVALS.c.content_hash)
)
_ITEM_STATUS = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), updated_at=bindparam("b_now"))
)
# The columns the hot path's INSERTs write; the values given must cover every one
_ITEM_COLUMNS = (
    *("id", "brand_id", "thread_key", "platform", "text", "content_hash", "status", "created_by"),
    *("created_at", "updated_at"),
)
_APPROVAL_COLUMNS = (
    *("id", "content_item_id", "thread_key", "decision", "decided_by", "decided_at", "content_hash"),
    *("reason", "created_at"),
)
_POST_COLUMNS = (
    *("id", "content_item_id", "approval_id", "brand_id", "platform", "text", "content_hash", "scheduled_for"),
    *("status", "dry_run", "urgent", "answers_mention_id", "external_id", "created_at", "updated_at"),
)
_AUDIT_COLUMNS = ("at", "actor", "action", "thread_key", "subject_type", "subject_id", "detail")
_DECIDE_ONCE = Precompiled(_DECIDE)
_SET_ITEM_STATUS = Precompiled(_ITEM_STATUS)
_INSERT_POST = Precompiled(insert(_POSTS), column_keys=_POST_COLUMNS)
_INSERT_AUDIT = Precompiled(insert(_AUDIT), column_keys=_AUDIT_COLUMNS)
_PG_OPEN_REQUEST = Precompiled(pg.OPEN_REQUEST)
_PG_DECIDE = Precompiled(pg.DECIDE)
_POST_BY_APPROVAL = select(_POSTS).where(_POSTS.c.approval_id == bindparam("b_approval"))
_APPROVAL_STATE = select(_APPROVALS.c.decision).where(_APPROVALS.c.id == bindparam("b_id"))
_CANCEL_EARLIER = (
    update(_POSTS)
    .where(
        _POSTS.c.content_item_id == bindparam("b_item"),
        _POSTS.c.status == "scheduled",
        _POSTS.c.approval_id != bindparam("b_approval"),
    )
    .values(status="cancelled", updated_at=bindparam("b_now"))
    .returning(_POSTS.c.id)
)


@lru_cache(maxsize=4)
def _upserts(dialect: str) -> tuple[Precompiled, Precompiled]:
    """Dialect-specific statements: upsert a content item, insert-or-ignore an approval."""
    upsert = repo.upsert_insert(dialect)
    item = upsert(_ITEMS)
    upsert_item = item.on_conflict_do_update(
        index_elements=["id"],
        set_={
            "text": item.excluded.text,
            "content_hash": item.excluded.content_hash,
            "status": item.excluded.status,
            "updated_at": item.excluded.updated_at,
        },
    )
    insert_approval = upsert(_APPROVALS).on_conflict_do_nothing(index_elements=["id"])
    return (
        Precompiled(upsert_item, column_keys=_ITEM_COLUMNS),
        Precompiled(insert_approval, column_keys=_APPROVAL_COLUMNS),
    )


class SqlApprovalLedger:
    """Writes content items, approvals, scheduled posts and audit entries in one transaction each."""

    def __init__(
        self,
        engine: Engine,
        *,
        thread_key: str,
        has_credentials: Callable[[str], bool] = lambda platform: False,
    ) -> None:
        """`has_credentials(platform)` decides whether a post is a real publish or a dry run."""
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.thread_key = thread_key
        self.has_credentials = has_credentials

    def open_request(self, *, draft: dict[str, Any], approval_id: str, actor: str) -> None:
        """Store the draft's current text and a pending approval for it (idempotent)."""
        content_hash = repo.hash_content(draft["platform"], draft["text"])
        now = utcnow()
        if self.postgres:
            params = {"item_id": draft["id"], "approval_id": approval_id, "brand_id": draft["brand_id"]}
            params |= {"thread": self.thread_key, "platform": draft["platform"], "text": draft["text"]}
            params |= {"hash": content_hash, "actor": actor, "now": now}
            run_once(self.engine, lambda connection: _PG_OPEN_REQUEST.run(connection, params))
            return
        upsert_item, insert_approval = _upserts(self.engine.dialect.name)
        item = {
            "id": draft["id"],
            "brand_id": draft["brand_id"],
            "thread_key": self.thread_key,
            "platform": draft["platform"],
            "text": draft["text"],
            "content_hash": content_hash,
            "status": "awaiting_approval",
            "created_by": actor,
            "created_at": now,
            "updated_at": now,
        }
        approval = {
            "id": approval_id,
            "content_item_id": draft["id"],
            "thread_key": self.thread_key,
            "decision": "pending",
            "decided_by": None,
            "decided_at": None,
            "content_hash": content_hash,
            "reason": None,
            "created_at": now,
        }
        with self.engine.begin() as connection:
            upsert_item.run(connection, item)
            insert_approval.run(connection, approval)

    def decide(
        self, *, draft: dict[str, Any], approval_id: str, decision: str, actor: str, reason: str | None
    ) -> dict[str, object] | None:
        """Record a decision and, when it approves, schedule the post, all in one transaction.

        Only the first decision on an approval counts; repeating it returns the same post.
        """
        content_hash = repo.hash_content(draft["platform"], draft["text"])
        approving = decision in repo.APPROVING_DECISIONS
        now = utcnow()
        if self.postgres:
            return run_once(
                self.engine, lambda c: self._decide_in_one(c, draft, approval_id, decision, actor, reason, now)
            )
        with self.engine.begin() as connection:
            params = {"b_id": approval_id, "b_decision": decision, "b_actor": actor, "b_now": now, "b_reason": reason}
            decided = _DECIDE_ONCE.first(connection, params)  # (content_hash,) of the request, if still pending
            if decided is None:  # decided before: only an approval that scheduled a post can be repeated
                return self._earlier_post(connection, approval_id) if approving else None
            (requested_hash,) = decided
            if approving and requested_hash != content_hash:
                raise repo.StaleApprovalError(
                    f"the text changed after approval {approval_id} was requested; request a new approval"
                )
            detail = {"platform": draft["platform"], "reason": reason, "hash": requested_hash}
            audits = [self._entry(actor, f"approval.{decision}", ("approval", approval_id), detail, now)]
            if not approving:
                _SET_ITEM_STATUS.run(connection, {"b_id": draft["id"], "b_status": decision, "b_now": now})
                _INSERT_AUDIT.run_many(connection, audits)
                return None
            if draft.get("revision", 1) > 1:
                audits += self._replace_earlier_versions(connection, draft["id"], approval_id, actor, now)
            post = {
                "id": new_id(),
                "content_item_id": draft["id"],
                "approval_id": approval_id,
                "brand_id": draft["brand_id"],
                "platform": draft["platform"],
                "text": draft["text"],
                "content_hash": content_hash,
                "scheduled_for": datetime.fromisoformat(draft["scheduled_for"]),
                "status": "scheduled",
                "dry_run": not self.has_credentials(draft["platform"]),
                "urgent": bool(draft.get("urgent")),
                "answers_mention_id": draft.get("answers"),
                "external_id": None,
                "created_at": now,
                "updated_at": now,
            }
            _INSERT_POST.run(connection, post)
            _SET_ITEM_STATUS.run(connection, {"b_id": draft["id"], "b_status": "scheduled", "b_now": now})
            when = post["scheduled_for"].astimezone(UTC)
            detail = {"approval_id": approval_id, "scheduled_for": when.isoformat()}
            audits.append(self._entry(actor, "post.scheduled", ("scheduled_post", post["id"]), detail, now))
            _INSERT_AUDIT.run_many(connection, audits)
            return post_summary(SimpleNamespace(**{**post, "scheduled_for": when}))

    def _decide_in_one(
        self,
        connection: Connection,
        draft: dict[str, Any],
        approval_id: str,
        decision: str,
        actor: str,
        reason: str | None,
        now: datetime,
    ) -> dict[str, object] | None:
        """Postgres: the whole decision in one statement; a second query only explains why nothing changed."""
        content_hash = repo.hash_content(draft["platform"], draft["text"])
        approving = decision in repo.APPROVING_DECISIONS
        when = datetime.fromisoformat(draft["scheduled_for"])
        if when.utcoffset() is None:
            raise ValueError(f"naive scheduled_for {draft['scheduled_for']!r}: drafts carry a time zone")
        when = when.astimezone(UTC)
        post_id, dry_run = new_id(), not self.has_credentials(draft["platform"])
        params = {
            "approval_id": approval_id,
            "item_id": draft["id"],
            "brand_id": draft["brand_id"],
            "platform": draft["platform"],
            "text": draft["text"],
            "hash": content_hash,
            "thread": self.thread_key,
            "actor": actor,
            "reason": reason,
            "now": now,
            "decision": decision,
            "approving": approving,
            "revised": draft.get("revision", 1) > 1,
            "item_status": "scheduled" if approving else decision,
            "post_id": post_id,
            "scheduled_for": when,
            "dry_run": dry_run,
            "urgent": bool(draft.get("urgent")),
            "answers": draft.get("answers"),
            "decision_action": f"approval.{decision}",
            "replaced_detail": {"by_approval": approval_id},
            "scheduled_detail": {"approval_id": approval_id, "scheduled_for": when.isoformat()},
        }
        counted = _PG_DECIDE.first(connection, params)
        assert counted is not None, "the statement always returns how many approvals it decided"
        if counted[0]:
            if not approving:
                return None
            post = {**params, "id": post_id, "status": "scheduled", "external_id": None}
            return post_summary(SimpleNamespace(**post))
        current = connection.execute(_APPROVAL_STATE, {"b_id": approval_id}).first()
        if approving and current is not None and current.decision == "pending":
            raise repo.StaleApprovalError(
                f"the text changed after approval {approval_id} was requested; request a new approval"
            )
        return self._earlier_post(connection, approval_id) if approving else None

    def audit(self, *, actor: str, action: str, detail: dict[str, Any]) -> None:
        """Record something that happened in this thread, e.g. a refused approval click."""
        entry = self._entry(actor, action, (None, None), detail, utcnow())
        if self.postgres:  # rarely a duplicate row after a dropped connection, never a lost one
            run_once(self.engine, lambda connection: connection.execute(insert(_AUDIT), entry))
            return
        with self.engine.begin() as connection:
            connection.execute(insert(_AUDIT), entry)

    @staticmethod
    def _earlier_post(connection: Connection, approval_id: str) -> dict[str, object]:
        existing = connection.execute(_POST_BY_APPROVAL, {"b_approval": approval_id}).first()
        if existing is None:
            raise repo.NotApprovedError(f"approval {approval_id} was already decided without a post")
        return post_summary(existing)

    def _replace_earlier_versions(
        self, connection: Connection, item_id: str, approval_id: str, actor: str, now: datetime
    ) -> list[dict[str, Any]]:
        """A newly approved revision cancels posts of earlier revisions that are still waiting."""
        params = {"b_item": item_id, "b_approval": approval_id, "b_now": now}
        replaced = connection.execute(_CANCEL_EARLIER, params).all()
        detail = {"by_approval": approval_id}
        return [self._entry(actor, "post.replaced", ("scheduled_post", pid), detail, now) for (pid,) in replaced]

    def _entry(
        self, actor: str, action: str, subject: tuple[str | None, str | None], detail: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        """An audit-log row for this thread."""
        return {
            "at": at,
            "actor": actor,
            "action": action,
            "thread_key": self.thread_key,
            "subject_type": subject[0],
            "subject_id": subject[1],
            "detail": detail,
        }


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
        "url": getattr(post, "url", None),
        "attempts": getattr(post, "attempts", 0) or 0,
        "last_error": getattr(post, "last_error", None),
    }
