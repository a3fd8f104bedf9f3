"""Post history with daily metrics, and the content calendar.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
SOURCES = "'published', 'import', 'sync', 'demo'"
_COUNTS = ("impressions", "reach", "engagements", "clicks", "video_views", "conversions")
CALENDAR = "'planned', 'drafted', 'scheduled', 'done', 'skipped'"


def upgrade() -> None:
    """Add post_history, post_metrics and calendar_entries."""
    op.create_table(
        "post_history",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("url", sa.String(1024), nullable=True),
        sa.Column("published_at", TIMESTAMP, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("media_kind", sa.String(32), nullable=True),
        sa.Column("campaign", sa.String(128), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("scheduled_post_id", sa.String(36), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"source IN ({SOURCES})", name=op.f("ck_post_history_source")),
        sa.ForeignKeyConstraint(
            ["scheduled_post_id"], ["scheduled_posts.id"], name="fk_post_history_scheduled_post_id_scheduled_posts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_post_history"),
        sa.UniqueConstraint("platform", "external_id", name="uq_post_history_platform_external_id"),
        sa.UniqueConstraint("scheduled_post_id", name="uq_post_history_scheduled_post_id"),
    )
    op.create_index(
        "ix_post_history_brand_id_platform_published_at", "post_history", ["brand_id", "platform", "published_at"]
    )
    op.create_table(
        "post_metrics",
        sa.Column("post_id", sa.String(36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _COUNTS),
        sa.Column("spend", sa.Float(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post_history.id"], name="fk_post_metrics_post_id_post_history"),
        sa.PrimaryKeyConstraint("post_id", "day", name="pk_post_metrics"),
    )
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("slot_at", TIMESTAMP, nullable=False),
        sa.Column("pillar", sa.String(128), nullable=False),
        sa.Column("format", sa.String(64), nullable=True),
        sa.Column("campaign", sa.String(128), nullable=True),
        sa.Column("idea", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scheduled_post_id", sa.String(36), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"status IN ({CALENDAR})", name=op.f("ck_calendar_entries_status")),
        sa.ForeignKeyConstraint(
            ["scheduled_post_id"], ["scheduled_posts.id"], name="fk_calendar_entries_scheduled_post_id_scheduled_posts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_entries"),
    )
    op.create_index("ix_calendar_entries_brand_id_slot_at", "calendar_entries", ["brand_id", "slot_at"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_calendar_entries_brand_id_slot_at", table_name="calendar_entries")
    op.drop_table("calendar_entries")
    op.drop_table("post_metrics")
    op.drop_index("ix_post_history_brand_id_platform_published_at", table_name="post_history")
    op.drop_table("post_history")
