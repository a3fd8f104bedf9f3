"""Webhook deliveries already processed, kept three days (the longest platform retry window) to refuse replays."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from memory.models import new_id, utcnow
from memory.models_listening import WebhookDelivery
from memory.repository import insert_ignore

KEEP = timedelta(hours=72)


def delivery_seen(session: Session, platform: str, key: str) -> bool:
    """Whether this delivery was processed before."""
    query = select(WebhookDelivery.id).where(WebhookDelivery.platform == platform, WebhookDelivery.delivery_key == key)
    return session.scalar(query) is not None


def record_delivery(session: Session, platform: str, key: str, now: datetime | None = None) -> bool:
    """Remember a processed delivery (and forget those older than `KEEP`); False when it was already recorded."""
    now = now or utcnow()
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.received_at < now - KEEP))
    values = {"id": new_id(), "platform": platform, "delivery_key": key, "received_at": now}
    return insert_ignore(session, WebhookDelivery, values, ["platform", "delivery_key"])
