"""Slack installations for multi-workspace installs: bot tokens per workspace and who installed the app.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create `slack_bots` and `slack_installations`."""
    op.create_table(
        "slack_bots",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=True),
        sa.Column("enterprise_name", sa.String(255), nullable=True),
        sa.Column("team_name", sa.String(255), nullable=True),
        sa.Column("bot_token", sa.Text(), nullable=False),
        sa.Column("bot_id", sa.String(32), nullable=True),
        sa.Column("bot_user_id", sa.String(32), nullable=True),
        sa.Column("bot_scopes", sa.Text(), nullable=False),
        sa.Column("bot_refresh_token", sa.Text(), nullable=True),
        sa.Column("bot_token_expires_at", TIMESTAMP, nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "enterprise_id", "team_id", name="pk_slack_bots"),
    )
    op.create_table(
        "slack_installations",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("enterprise_id", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("app_id", sa.String(32), nullable=True),
        sa.Column("enterprise_name", sa.String(255), nullable=True),
        sa.Column("enterprise_url", sa.String(1024), nullable=True),
        sa.Column("team_name", sa.String(255), nullable=True),
        sa.Column("user_token", sa.Text(), nullable=True),
        sa.Column("user_scopes", sa.Text(), nullable=False),
        sa.Column("user_refresh_token", sa.Text(), nullable=True),
        sa.Column("user_token_expires_at", TIMESTAMP, nullable=True),
        sa.Column("incoming_webhook_url", sa.Text(), nullable=True),
        sa.Column("incoming_webhook_channel", sa.String(255), nullable=True),
        sa.Column("incoming_webhook_channel_id", sa.String(32), nullable=True),
        sa.Column("incoming_webhook_configuration_url", sa.String(1024), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(32), nullable=True),
        sa.Column("installed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("client_id", "enterprise_id", "team_id", "user_id", name="pk_slack_installations"),
    )


def downgrade() -> None:
    """Drop `slack_installations` and `slack_bots`."""
    op.drop_table("slack_installations")
    op.drop_table("slack_bots")
