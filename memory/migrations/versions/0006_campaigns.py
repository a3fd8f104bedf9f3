"""Campaigns with their lifecycle and KPIs, and customer conversion paths for attribution.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
STATUSES = "'planning', 'active', 'paused', 'completed'"
OBJECTIVES = "'awareness', 'engagement', 'traffic', 'leads', 'sales'"


def upgrade() -> None:
    """Add campaigns and conversion_paths."""
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("objective", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("budget", sa.Float(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_campaigns_status")),
        sa.CheckConstraint(f"objective IN ({OBJECTIVES})", name=op.f("ck_campaigns_objective")),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.UniqueConstraint("brand_id", "name", name="uq_campaigns_brand_id_name"),
    )
    op.create_table(
        "conversion_paths",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("campaign", sa.String(128), nullable=True),
        sa.Column("touches", sa.JSON(), nullable=False),
        sa.Column("converted", sa.Boolean(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversion_paths"),
    )
    op.create_index("ix_conversion_paths_brand_id_ended_at", "conversion_paths", ["brand_id", "ended_at"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_index("ix_conversion_paths_brand_id_ended_at", table_name="conversion_paths")
    op.drop_table("conversion_paths")
    op.drop_table("campaigns")
