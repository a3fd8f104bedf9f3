"""Initial schema: brands, workspaces, content, approvals, scheduled posts, attempts, audit log.

Revision ID: 0001
Revises:
Create Date: 2025-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the first release."""
    op.create_table(
        "brands",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("pack_path", sa.String(1024), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_brands"),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_workspaces"),
        sa.UniqueConstraint("surface", "external_id", name="uq_workspaces_surface_external_id"),
        sa.CheckConstraint("surface IN ('slack', 'discord', 'cli')", name="ck_workspaces_surface"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name="fk_workspaces_brand_id_brands"),
    )
    op.create_index("ix_workspaces_brand_id", "workspaces", ["brand_id"])

    op.create_table(
        "content_items",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_content_items"),
    )
    op.create_index("ix_content_items_brand_id", "content_items", ["brand_id"])
    op.create_index("ix_content_items_thread_key", "content_items", ["thread_key"])

    op.create_table(
        "approvals",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("content_item_id", sa.String(36), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approvals"),
        sa.CheckConstraint(
            "decision IN ('pending', 'approved', 'edited', 'rejected', 'rescheduled')",
            name="ck_approvals_decision",
        ),
        sa.ForeignKeyConstraint(
            ["content_item_id"],
            ["content_items.id"],
            name="fk_approvals_content_item_id_content_items",
        ),
    )
    op.create_index("ix_approvals_content_item_id", "approvals", ["content_item_id"])
    op.create_index("ix_approvals_thread_key", "approvals", ["thread_key"])

    op.create_table(
        "scheduled_posts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("content_item_id", sa.String(36), nullable=False),
        sa.Column("approval_id", sa.String(128), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("scheduled_for", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scheduled_posts"),
        sa.UniqueConstraint("approval_id", name="uq_scheduled_posts_approval_id"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'publishing', 'published', 'dry_run_published', 'failed', 'cancelled')",
            name="ck_scheduled_posts_status",
        ),
        sa.ForeignKeyConstraint(
            ["content_item_id"],
            ["content_items.id"],
            name="fk_scheduled_posts_content_item_id_content_items",
        ),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approvals.id"],
            name="fk_scheduled_posts_approval_id_approvals",
        ),
    )
    op.create_index("ix_scheduled_posts_brand_id", "scheduled_posts", ["brand_id"])
    op.create_index("ix_scheduled_posts_content_item_id", "scheduled_posts", ["content_item_id"])
    op.create_index(
        "ix_scheduled_posts_status_scheduled_for",
        "scheduled_posts",
        ["status", "scheduled_for"],
    )

    op.create_table(
        "publish_attempts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("scheduled_post_id", sa.String(36), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_publish_attempts"),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('published', 'dry_run_published', 'failed')",
            name="ck_publish_attempts_outcome",
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_post_id"],
            ["scheduled_posts.id"],
            name="fk_publish_attempts_scheduled_post_id_scheduled_posts",
        ),
    )
    op.create_index(
        "ix_publish_attempts_scheduled_post_id",
        "publish_attempts",
        ["scheduled_post_id"],
    )

    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("thread_key", sa.String(255), nullable=True),
        sa.Column("subject_type", sa.String(64), nullable=True),
        sa.Column("subject_id", sa.String(255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_thread_key", "audit_log", ["thread_key"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject_type", "subject_id"])


def downgrade() -> None:
    """Drop every table of the first release."""
    for table in (
        "audit_log",
        "publish_attempts",
        "scheduled_posts",
        "approvals",
        "content_items",
        "workspaces",
        "brands",
    ):
        op.drop_table(table)
