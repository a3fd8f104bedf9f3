"""SQLAlchemy models of social listening: mentions, incidents and the webhook deliveries already seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from memory.models import Base, _one_of, new_id, utcnow

SENTIMENTS = ("negative", "neutral", "positive")
MENTION_KINDS = ("mention", "comment", "reply", "dm", "post")
MENTION_SOURCES = ("webhook", "poll", "import")
INCIDENT_STATUSES = ("open", "closed", "resolved")


class StoredMention(Base):
    """One thing someone said about (or to) the brand, with its sentiment; its text is data, never instructions."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("brand_id", "platform", "external_id"),
        Index("ix_mentions_brand_id_created_at", "brand_id", "created_at"),
        Index("ix_mentions_brand_id_fingerprint", "brand_id", "fingerprint"),
        Index("ix_mentions_brand_id_subject_created_at", "brand_id", "subject", "created_at"),
        _one_of("sentiment", SENTIMENTS),
        _one_of("kind", MENTION_KINDS),
        _one_of("source", MENTION_SOURCES),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(255))
    author_name: Mapped[str | None] = mapped_column(String(255))
    author_id: Mapped[str | None] = mapped_column(String(128))  # the platform's user id: where a DM reply goes
    followers: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    url: Mapped[str | None] = mapped_column(Text)
    in_reply_to: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    sentiment: Mapped[str] = mapped_column(String(16))
    negative_score: Mapped[float] = mapped_column(Float, default=0.0)  # the model's P(negative), for soft counts
    sentiment_scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    emotions: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str | None] = mapped_column(String(64))  # a competitor's id; None: the brand itself


class Incident(Base):
    """A crisis signal that opened, may have escalated, and closed or was resolved; one alert per severity."""

    __tablename__ = "incidents"
    __table_args__ = (
        _one_of("status", INCIDENT_STATUSES),
        Index("ix_incidents_brand_id_status", "brand_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    brand_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[str] = mapped_column(String(16))
    crisis_type: Mapped[str] = mapped_column(String(32))
    type_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    peak_score: Mapped[float] = mapped_column(Float, default=0.0)
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    mentions: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    paused_queue: Mapped[bool] = mapped_column(default=False)
    alert_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ListeningCursor(Base):
    """Where the last poll of one brand's account (or a competitor search, "x/<id>") stopped."""

    __tablename__ = "listening_cursors"

    brand_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(80), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(255))
    polled_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


class WebhookDelivery(Base):
    """A webhook body already processed (by its key), so a replayed delivery is not processed twice."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("platform", "delivery_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    platform: Mapped[str] = mapped_column(String(16))
    delivery_key: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
