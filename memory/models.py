"""SQLAlchemy models for BrandPilot's domain data, identical on SQLite and Postgres."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SURFACES = ("slack", "discord", "cli")
DECISIONS = ("pending", "approved", "edited", "rejected", "rescheduled")
POST_STATUSES = (
    "scheduled",
    "publishing",
    "published",
    "dry_run_published",
    "failed",
    "cancelled",
    "uncertain",  # a worker stopped after sending: it may be live; a person checks before anything is resent
)
ATTEMPT_OUTCOMES = ("published", "dry_run_published", "failed", "retry", "uncertain")
HISTORY_SOURCES = ("published", "import", "sync", "demo")
CALENDAR_STATUSES = ("planned", "drafted", "scheduled", "done", "skipped")
CAMPAIGN_STATUSES = ("planning", "active", "paused", "completed")
CAMPAIGN_OBJECTIVES = ("awareness", "engagement", "traffic", "leads", "sales")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def new_id() -> str:
    """Return a new random identifier (a UUID4 string)."""
    return str(uuid.uuid4())


def _one_of(column: str, values: tuple[str, ...], *, nullable: bool = False) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    condition = f"{column} IN ({allowed})"
    return CheckConstraint(f"{column} IS NULL OR {condition}" if nullable else condition, name=column)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always loads as a timezone-aware datetime.

    SQLite has no time zones, so values are stored there as naive UTC; Postgres keeps
    `timestamp with time zone`. Naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC before it is stored."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware one, e.g. datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return stored values as aware UTC datetimes."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names (needed by Alembic batch mode)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class Brand(Base):
    """A brand the deployment serves, with the folder of its brand pack."""

    __tablename__ = "brands"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    pack_path: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Workspace(Base):
    """A Slack team, Discord guild or terminal user, mapped to the brand it works for."""

    __tablename__ = "workspaces"
    __table_args__ = (
        UniqueConstraint("surface", "external_id"),
        _one_of("surface", SURFACES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    surface: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(255))
    brand_id: Mapped[str] = mapped_column(ForeignKey("brands.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentItem(Base):
    """A draft or post text for one platform, as written in a conversation thread."""

    __tablename__ = "content_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64), index=True)
    thread_key: Mapped[str | None] = mapped_column(String(255), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32), default="draft")
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Approval(Base):
    """A request for a human decision on one exact version (hash) of a content item."""

    __tablename__ = "approvals"
    __table_args__ = (_one_of("decision", DECISIONS),)

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_item_id: Mapped[str] = mapped_column(ForeignKey("content_items.id"), index=True)
    thread_key: Mapped[str | None] = mapped_column(String(255), index=True)
    decision: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduledPost(Base):
    """An approved post waiting for (or done with) publishing; one per approval at most."""

    __tablename__ = "scheduled_posts"
    __table_args__ = (
        _one_of("status", POST_STATUSES),
        Index("ix_scheduled_posts_status_scheduled_for", "status", "scheduled_for"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    content_item_id: Mapped[str] = mapped_column(ForeignKey("content_items.id"), index=True)
    approval_id: Mapped[str] = mapped_column(ForeignKey("approvals.id"), unique=True)
    brand_id: Mapped[str] = mapped_column(String(64), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    scheduled_for: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(32), default="scheduled")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    url: Mapped[str | None] = mapped_column(String(1024))  # the live post, from the platform's answer
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column()  # a retry waits until then
    sending_at: Mapped[datetime | None] = mapped_column()  # set just before the request leaves: see `uncertain`
    published_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    resume: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what a retry reuses (thread ids, uploads)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # media, title and per-platform options
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # a crisis statement:
    # goes out as soon as it is approved, even while the brand's queue is paused
    answers_mention_id: Mapped[str | None] = mapped_column(String(36), index=True)  # a reply or DM: the mention


class PublishAttempt(Base):
    """One try at publishing a scheduled post; `outcome` stays empty while it runs."""

    __tablename__ = "publish_attempts"
    __table_args__ = (_one_of("outcome", ATTEMPT_OUTCOMES, nullable=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scheduled_post_id: Mapped[str] = mapped_column(ForeignKey("scheduled_posts.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(32))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    """An append-only record of who did what (approvals, publishes, configuration changes)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    thread_key: Mapped[str | None] = mapped_column(String(255), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


ALERT_SEVERITIES = ("info", "warning", "high", "critical")
ALERT_STATUSES = ("open", "acknowledged", "escalated", "resolved")
ALERT_POST_STATUSES = ("pending", "posting", "posted", "failed")


class Alert(Base):
    """Something a person should look at now: a crisis signal, a failed publish, an expiring token."""

    __tablename__ = "alerts"
    __table_args__ = (_one_of("severity", ALERT_SEVERITIES), _one_of("status", ALERT_STATUSES))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    dedup_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    status_by: Mapped[str | None] = mapped_column(String(255))
    status_at: Mapped[datetime | None] = mapped_column()
    response_thread: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AlertPost(Base):
    """An alert card in one channel: pending, being posted (claimed by one process), posted, or failed."""

    __tablename__ = "alert_posts"
    __table_args__ = (
        UniqueConstraint("alert_id", "surface", "channel"),
        _one_of("surface", SURFACES),
        _one_of("status", ALERT_POST_STATUSES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    surface: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(255))
    workspace: Mapped[str | None] = mapped_column(String(255))
    message_ref: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column()
    posted_at: Mapped[datetime | None] = mapped_column()


class SlackBot(Base):
    """The bot token of one Slack workspace (or Enterprise Grid org) that installed the app; tokens encrypted.

    Key columns hold "" rather than NULL for "no enterprise" and "org-wide" (a primary key can't be NULL).
    """

    __tablename__ = "slack_bots"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    app_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_name: Mapped[str | None] = mapped_column(String(255))
    team_name: Mapped[str | None] = mapped_column(String(255))
    bot_token: Mapped[str] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(String(32))
    bot_user_id: Mapped[str | None] = mapped_column(String(32))
    bot_scopes: Mapped[str] = mapped_column(Text, default="")
    bot_refresh_token: Mapped[str | None] = mapped_column(Text)
    bot_token_expires_at: Mapped[datetime | None] = mapped_column()
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlackInstallation(Base):
    """Who installed the app in a Slack workspace or org and what they granted; user tokens encrypted.

    The bot token lives in `slack_bots` only, so revoking it there leaves no stale copy here.
    """

    __tablename__ = "slack_installations"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    app_id: Mapped[str | None] = mapped_column(String(32))
    enterprise_name: Mapped[str | None] = mapped_column(String(255))
    enterprise_url: Mapped[str | None] = mapped_column(String(1024))
    team_name: Mapped[str | None] = mapped_column(String(255))
    user_token: Mapped[str | None] = mapped_column(Text)
    user_scopes: Mapped[str] = mapped_column(Text, default="")
    user_refresh_token: Mapped[str | None] = mapped_column(Text)
    user_token_expires_at: Mapped[datetime | None] = mapped_column()
    incoming_webhook_url: Mapped[str | None] = mapped_column(Text)
    incoming_webhook_channel: Mapped[str | None] = mapped_column(String(255))
    incoming_webhook_channel_id: Mapped[str | None] = mapped_column(String(32))
    incoming_webhook_configuration_url: Mapped[str | None] = mapped_column(String(1024))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    token_type: Mapped[str | None] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlatformCredential(Base):
    """A brand's account on one platform: tokens encrypted at rest, their expiry, and the last check."""

    __tablename__ = "platform_credentials"
    __table_args__ = (UniqueConstraint("brand_id", "platform"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(255))
    account_name: Mapped[str] = mapped_column(String(255), default="")
    secret: Mapped[str] = mapped_column(Text)  # encrypted JSON: access and refresh tokens
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime | None] = mapped_column()
    connected_by: Mapped[str] = mapped_column(String(255))
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    refreshed_at: Mapped[datetime | None] = mapped_column()
    checked_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class QueuePause(Base):
    """A brand whose scheduled posts wait (a crisis, a launch hold) until someone resumes the queue."""

    __tablename__ = "queue_pauses"

    brand_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    paused_by: Mapped[str] = mapped_column(String(255))
    paused_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class ThreadNotice(Base):
    """A message for a conversation thread (a publish failed, a post went live), delivered by its surface."""

    __tablename__ = "thread_notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    thread_key: Mapped[str] = mapped_column(String(255), index=True)
    text: Mapped[str] = mapped_column(Text)
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


class PublishedPost(Base):
    """A post that went live on a platform (published here, imported or synced), the history strategy learns from."""

    __tablename__ = "post_history"
    __table_args__ = (
        _one_of("source", HISTORY_SOURCES),
        UniqueConstraint("platform", "external_id"),
        Index("ix_post_history_brand_id_platform_published_at", "brand_id", "platform", "published_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(String(1024))
    published_at: Mapped[datetime] = mapped_column()
    text: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    media_kind: Mapped[str | None] = mapped_column(String(32))  # text, image, video, carousel, document
    campaign: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16))
    scheduled_post_id: Mapped[str | None] = mapped_column(ForeignKey("scheduled_posts.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostMetric(Base):
    """One post's numbers for one day (the platform's insights, or an imported row)."""

    __tablename__ = "post_metrics"

    post_id: Mapped[str] = mapped_column(ForeignKey("post_history.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    engagements: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    video_views: Mapped[int] = mapped_column(BigInteger, default=0)
    conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    spend: Mapped[float] = mapped_column(Float, default=0.0)
    revenue: Mapped[float] = mapped_column(Float, default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CalendarEntry(Base):
    """A planned slot on a brand's content calendar: platform, time, pillar, and the post it became."""

    __tablename__ = "calendar_entries"
    __table_args__ = (
        _one_of("status", CALENDAR_STATUSES),
        Index("ix_calendar_entries_brand_id_slot_at", "brand_id", "slot_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    slot_at: Mapped[datetime] = mapped_column()
    pillar: Mapped[str] = mapped_column(String(128))
    format: Mapped[str | None] = mapped_column(String(64))
    campaign: Mapped[str | None] = mapped_column(String(128))
    idea: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    scheduled_post_id: Mapped[str | None] = mapped_column(ForeignKey("scheduled_posts.id"))
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Campaign(Base):
    """A brand's campaign: objective and KPI targets, budget and dates, and where it is in its lifecycle."""

    __tablename__ = "campaigns"
    __table_args__ = (
        _one_of("status", CAMPAIGN_STATUSES),
        _one_of("objective", CAMPAIGN_OBJECTIVES),
        UniqueConstraint("brand_id", "name"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    objective: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="planning")
    budget: Mapped[float] = mapped_column(Float, default=0.0)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    kpis: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"metric": ..., "target": ...}]
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ConversionPath(Base):
    """One customer journey: the channels it touched in order, and whether (and for how much) it converted."""

    __tablename__ = "conversion_paths"
    __table_args__ = (
        Index("ix_conversion_paths_brand_id_ended_at", "brand_id", "ended_at"),
        Index("ix_conversion_paths_brand_id_external_id", "brand_id", "external_id", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(255))  # the journey id of an import; None for the demo's
    campaign: Mapped[str | None] = mapped_column(String(128))
    touches: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"channel": ..., "at": ISO}]
    converted: Mapped[bool] = mapped_column(Boolean, default=False)
    value: Mapped[float] = mapped_column(Float, default=0.0)
    ended_at: Mapped[datetime] = mapped_column()
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class AbTestPlan(Base):
    """A planned A/B test: its fixed horizon (visitors per arm) and, once called at the horizon, the verdict."""

    __tablename__ = "ab_tests"
    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    baseline_rate: Mapped[float] = mapped_column(Float)
    mde: Mapped[float] = mapped_column(Float)  # absolute
    alpha: Mapped[float] = mapped_column(Float)
    power: Mapped[float] = mapped_column(Float)
    n_per_arm: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    verdict: Mapped[str | None] = mapped_column(Text)  # the summary given at the horizon, kept as the decision


class DigestRun(Base):
    """One scheduled digest (a brand's report for one period into one channel): claimed, then posted or failed."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("surface", "channel", "brand_id", "kind", "period_start"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    surface: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(64))
    brand_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    posted_at: Mapped[datetime | None] = mapped_column()
    message_ref: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


from memory import models_listening  # noqa: E402,F401  (its tables join Base.metadata)
