"""Durable publishing: retries and idempotency on scheduled posts, platform credentials, queue pauses, notices.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
OLD_POST = "'scheduled', 'publishing', 'published', 'dry_run_published', 'failed', 'cancelled'"
NEW_POST = OLD_POST + ", 'uncertain'"
OLD_ATTEMPT = "'published', 'dry_run_published', 'failed'"
NEW_ATTEMPT = OLD_ATTEMPT + ", 'retry', 'uncertain'"


def upgrade() -> None:
    """Add the publishing columns and the credentials, pauses and notices tables."""
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.add_column(sa.Column("url", sa.String(1024), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("sending_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("published_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("resume", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("options", sa.JSON(), nullable=False, server_default="{}"))
        batch.drop_constraint(op.f("ck_scheduled_posts_ck_scheduled_posts_status"), type_="check")  # 0001 named it so
        batch.create_check_constraint("status", f"status IN ({NEW_POST})")
    with op.batch_alter_table("publish_attempts") as batch:
        batch.drop_constraint(op.f("ck_publish_attempts_ck_publish_attempts_outcome"), type_="check")
        batch.create_check_constraint("outcome", f"outcome IS NULL OR outcome IN ({NEW_ATTEMPT})")
    op.create_table(
        "platform_credentials",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(255), nullable=False),
        sa.Column("account_name", sa.String(255), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=True),
        sa.Column("connected_by", sa.String(255), nullable=False),
        sa.Column("connected_at", TIMESTAMP, nullable=False),
        sa.Column("refreshed_at", TIMESTAMP, nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_platform_credentials"),
        sa.UniqueConstraint("brand_id", "platform", name="uq_platform_credentials_brand_id_platform"),
    )
    op.create_table(
        "queue_pauses",
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("paused_by", sa.String(255), nullable=False),
        sa.Column("paused_at", TIMESTAMP, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("brand_id", name="pk_queue_pauses"),
    )
    op.create_table(
        "thread_notices",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("dedup_key", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("delivered_at", TIMESTAMP, nullable=True),
        sa.Column("claimed_at", TIMESTAMP, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_thread_notices"),
        sa.UniqueConstraint("dedup_key", name="uq_thread_notices_dedup_key"),
    )
    op.create_index("ix_thread_notices_thread_key", "thread_notices", ["thread_key"])
    op.create_index("ix_thread_notices_created_at", "thread_notices", ["created_at"])


def downgrade() -> None:
    """Drop what `upgrade` added (posts left `uncertain` become `failed`)."""
    op.drop_index("ix_thread_notices_created_at", table_name="thread_notices")
    op.drop_index("ix_thread_notices_thread_key", table_name="thread_notices")
    op.drop_table("thread_notices")
    op.drop_table("queue_pauses")
    op.drop_table("platform_credentials")
    op.execute("UPDATE scheduled_posts SET status = 'failed' WHERE status = 'uncertain'")
    op.execute("UPDATE publish_attempts SET outcome = 'failed' WHERE outcome IN ('retry', 'uncertain')")
    with op.batch_alter_table("publish_attempts") as batch:
        batch.drop_constraint(op.f("ck_publish_attempts_outcome"), type_="check")
        batch.create_check_constraint(
            op.f("ck_publish_attempts_ck_publish_attempts_outcome"), f"outcome IS NULL OR outcome IN ({OLD_ATTEMPT})"
        )
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.drop_constraint(op.f("ck_scheduled_posts_status"), type_="check")
        batch.create_check_constraint(op.f("ck_scheduled_posts_ck_scheduled_posts_status"), f"status IN ({OLD_POST})")
        for column in ("options", "resume", "last_error", "published_at", "sending_at", "next_attempt_at"):
            batch.drop_column(column)
        batch.drop_column("attempts")
        batch.drop_column("url")
