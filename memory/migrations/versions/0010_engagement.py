"""Engagement and competitors: mention author ids and subjects, and the mention a reply post answers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add mentions.author_id and mentions.subject, and scheduled_posts.answers_mention_id."""
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("author_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(64), nullable=True))
    op.create_index("ix_mentions_brand_id_subject_created_at", "mentions", ["brand_id", "subject", "created_at"])
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.add_column(sa.Column("answers_mention_id", sa.String(36), nullable=True))
    op.create_index("ix_scheduled_posts_answers_mention_id", "scheduled_posts", ["answers_mention_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    op.drop_index("ix_scheduled_posts_answers_mention_id", table_name="scheduled_posts")
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.drop_column("answers_mention_id")
    op.drop_index("ix_mentions_brand_id_subject_created_at", table_name="mentions")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("subject")
        batch.drop_column("author_id")
