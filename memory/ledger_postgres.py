"""The ledger's Postgres statements: each call is one statement (data-modifying CTEs), so one round trip."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, String, bindparam, text

from memory.models import UTCDateTime

OPEN_REQUEST = text(
    """
    WITH item AS (
        INSERT INTO content_items
            (id, brand_id, thread_key, platform, text, content_hash, status, created_by, created_at, updated_at)
        VALUES (:item_id, :brand_id, :thread, :platform, :text, :hash, 'awaiting_approval', :actor, :now, :now)
        ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text, content_hash = EXCLUDED.content_hash,
            status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
        RETURNING id
    )
    INSERT INTO approvals (id, content_item_id, thread_key, decision, content_hash, created_at)
    SELECT :approval_id, item.id, :thread, 'pending', :hash, :now FROM item
    ON CONFLICT (id) DO NOTHING
    """
).bindparams(bindparam("now", type_=UTCDateTime()))

# Decide a pending approval whose text is unchanged; when it approves, schedule the post, cancel the still
# scheduled posts of earlier revisions and audit all of it. Nothing happens unless the approval row matches.
DECIDE = text(
    """
    WITH decided AS (
        UPDATE approvals SET decision = :decision, decided_by = :actor, decided_at = :now, reason = :reason
        WHERE id = :approval_id AND decision = 'pending' AND (NOT :approving OR content_hash = :hash)
        RETURNING id, content_hash
    ), item AS (
        UPDATE content_items SET status = :item_status, updated_at = :now
        WHERE id = :item_id AND EXISTS (SELECT 1 FROM decided)
    ), cancelled AS (
        UPDATE scheduled_posts SET status = 'cancelled', updated_at = :now
        WHERE :approving AND :revised AND content_item_id = :item_id AND status = 'scheduled'
            AND approval_id <> :approval_id AND EXISTS (SELECT 1 FROM decided)
        RETURNING id
    ), post AS (
        INSERT INTO scheduled_posts (id, content_item_id, approval_id, brand_id, platform, text, content_hash,
            scheduled_for, status, dry_run, urgent, answers_mention_id, external_id, created_at, updated_at)
        SELECT :post_id, :item_id, :approval_id, :brand_id, :platform, :text, :hash, :scheduled_for,
            'scheduled', :dry_run, :urgent, :answers, NULL, :now, :now
        FROM decided WHERE :approving
        RETURNING id
    ), audit AS (
        INSERT INTO audit_log (at, actor, action, thread_key, subject_type, subject_id, detail)
        SELECT :now, :actor, :decision_action, :thread, 'approval', :approval_id,
            json_build_object('platform', CAST(:platform AS text), 'reason', CAST(:reason AS text),
                'hash', decided.content_hash) FROM decided
        UNION ALL
        SELECT :now, :actor, 'post.replaced', :thread, 'scheduled_post', cancelled.id, :replaced_detail FROM cancelled
        UNION ALL
        SELECT :now, :actor, 'post.scheduled', :thread, 'scheduled_post', post.id, :scheduled_detail FROM post
    )
    SELECT (SELECT count(*) FROM decided) AS decided
    """
).bindparams(
    bindparam("now", type_=UTCDateTime()),
    bindparam("scheduled_for", type_=UTCDateTime()),
    bindparam("approving", type_=Boolean()),
    bindparam("revised", type_=Boolean()),
    bindparam("dry_run", type_=Boolean()),
    bindparam("answers", type_=String()),
    bindparam("replaced_detail", type_=JSON()),
    bindparam("scheduled_detail", type_=JSON()),
)
