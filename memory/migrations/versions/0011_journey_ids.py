"""Imported customer journeys: conversion_paths.external_id, unique per brand, so importing again replaces them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add conversion_paths.external_id (NULL for the demo's journeys) and its unique index with brand_id."""
    with op.batch_alter_table("conversion_paths") as batch:
        batch.add_column(sa.Column("external_id", sa.String(255), nullable=True))
    op.create_index(
        "ix_conversion_paths_brand_id_external_id", "conversion_paths", ["brand_id", "external_id"], unique=True
    )


def downgrade() -> None:
    """Drop the index and the column (imported journeys stay, without their ids)."""
    op.drop_index("ix_conversion_paths_brand_id_external_id", table_name="conversion_paths")
    with op.batch_alter_table("conversion_paths") as batch:
        batch.drop_column("external_id")
