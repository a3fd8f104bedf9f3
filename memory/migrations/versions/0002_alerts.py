"""Alerts and the channel posts of their cards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create `alerts` and `alert_posts`."""
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("dedup_key", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_by", sa.String(255), nullable=True),
        sa.Column("status_at", TIMESTAMP, nullable=True),
        sa.Column("response_thread", sa.String(255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("dedup_key", name="uq_alerts_dedup_key"),
        sa.CheckConstraint("severity IN ('info', 'warning', 'high', 'critical')", name="ck_alerts_severity"),
        sa.CheckConstraint("status IN ('open', 'acknowledged', 'escalated', 'resolved')", name="ck_alerts_status"),
    )
    op.create_index("ix_alerts_brand_id", "alerts", ["brand_id"])
    op.create_index("ix_alerts_created_at", "alerts", ["created_at"])
    op.create_table(
        "alert_posts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("alert_id", sa.String(36), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(255), nullable=False),
        sa.Column("workspace", sa.String(255), nullable=True),
        sa.Column("message_ref", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("attempted_at", TIMESTAMP, nullable=True),
        sa.Column("posted_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_posts"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name="fk_alert_posts_alert_id_alerts"),
        sa.UniqueConstraint("alert_id", "surface", "channel", name="uq_alert_posts_alert_id_surface_channel"),
        sa.CheckConstraint("surface IN ('slack', 'discord', 'cli')", name="ck_alert_posts_surface"),
        sa.CheckConstraint("status IN ('pending', 'posting', 'posted', 'failed')", name="ck_alert_posts_status"),
    )
    op.create_index("ix_alert_posts_alert_id", "alert_posts", ["alert_id"])


def downgrade() -> None:
    """Drop `alert_posts` and `alerts`."""
    op.drop_table("alert_posts")
    op.drop_table("alerts")
