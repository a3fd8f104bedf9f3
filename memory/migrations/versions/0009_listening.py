"""Social listening: mentions with sentiment, crisis incidents, poll cursors, webhook deliveries; urgent posts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def _in(values: str) -> str:
    return ", ".join(f"'{v}'" for v in values.split())


def upgrade() -> None:
    """Add mentions, incidents and webhook_deliveries."""
    op.create_table(
        "mentions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("author_name", sa.String(255), nullable=True),
        sa.Column("followers", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("in_reply_to", sa.String(128), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("sentiment", sa.String(16), nullable=False),
        sa.Column("negative_score", sa.Float(), nullable=False),
        sa.Column("sentiment_scores", sa.JSON(), nullable=False),
        sa.Column("emotions", sa.JSON(), nullable=False),
        sa.Column("ingested_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(f"sentiment IN ({_in('negative neutral positive')})", name=op.f("ck_mentions_sentiment")),
        sa.CheckConstraint(f"kind IN ({_in('mention comment reply dm post')})", name=op.f("ck_mentions_kind")),
        sa.CheckConstraint(f"source IN ({_in('webhook poll import')})", name=op.f("ck_mentions_source")),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.UniqueConstraint("brand_id", "platform", "external_id", name="uq_mentions_brand_id_platform_external_id"),
    )
    op.create_index("ix_mentions_brand_id_created_at", "mentions", ["brand_id", "created_at"])
    op.create_index("ix_mentions_brand_id_fingerprint", "mentions", ["brand_id", "fingerprint"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("crisis_type", sa.String(32), nullable=False),
        sa.Column("type_confidence", sa.Float(), nullable=False),
        sa.Column("peak_score", sa.Float(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=True),
        sa.Column("paused_queue", sa.Boolean(), nullable=False),
        sa.Column("alert_ids", sa.JSON(), nullable=False),
        sa.Column("timeline", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"status IN ({_in('open closed resolved')})", name=op.f("ck_incidents_status")),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_brand_id_status", "incidents", ["brand_id", "status"])
    op.create_table(
        "listening_cursors",
        sa.Column("brand_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("cursor", sa.String(255), nullable=True),
        sa.Column("polled_at", TIMESTAMP, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("brand_id", "platform", name="pk_listening_cursors"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("delivery_key", sa.String(128), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.UniqueConstraint("platform", "delivery_key", name="uq_webhook_deliveries_platform_delivery_key"),
    )
    op.create_index("ix_webhook_deliveries_received_at", "webhook_deliveries", ["received_at"])
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Drop the listening tables and the urgent flag of scheduled posts."""
    with op.batch_alter_table("scheduled_posts") as batch:
        batch.drop_column("urgent")
    op.drop_table("webhook_deliveries")
    op.drop_table("listening_cursors")
    op.drop_table("incidents")
    op.drop_table("mentions")
