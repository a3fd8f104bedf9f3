"""Scheduled digests: one row per brand, kind, channel and period, so each is posted once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add digest_runs."""
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("surface", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("claimed_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("posted_at", TIMESTAMP, nullable=True),
        sa.Column("message_ref", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_digest_runs"),
        sa.UniqueConstraint(
            "surface",
            "channel",
            "brand_id",
            "kind",
            "period_start",
            name="uq_digest_runs_surface_channel_brand_id_kind_period_start",
        ),
    )


def downgrade() -> None:
    """Drop digest_runs."""
    op.drop_table("digest_runs")
