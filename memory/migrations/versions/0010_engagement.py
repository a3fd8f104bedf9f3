"""Engagement and competitors: mention author ids and subjects, the mention a reply answers, longer cursor keys.

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
    """Add mentions.author_id and .subject and scheduled_posts.answers_mention_id; cursor keys up to 80 chars."""
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("author_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(64), nullable=True))
    op.create_index("ix_mentions_brand_id_subject_created_at", "mentions", ["brand_id", "subject", "created_at"])
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.add_column(sa.Column("answers_mention_id", sa.String(36), nullable=True))
    op.create_index("ix_scheduled_posts_answers_mention_id", "scheduled_posts", ["answers_mention_id"])
    with op.batch_alter_table("listening_cursors") as batch:  # "x/<competitor id>" keys a competitor's search
        batch.alter_column("platform", type_=sa.String(80), existing_type=sa.String(16), existing_nullable=False)


def downgrade() -> None:
    """Drop what upgrade added (competitor search cursors go with the longer keys)."""
    op.execute("DELETE FROM listening_cursors WHERE length(platform) > 16")
    with op.batch_alter_table("listening_cursors") as batch:
        batch.alter_column("platform", type_=sa.String(16), existing_type=sa.String(80), existing_nullable=False)
    op.drop_index("ix_scheduled_posts_answers_mention_id", table_name="scheduled_posts")
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.drop_column("answers_mention_id")
    op.drop_index("ix_mentions_brand_id_subject_created_at", table_name="mentions")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("subject")
        batch.drop_column("author_id")
