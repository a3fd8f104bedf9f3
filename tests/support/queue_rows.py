"""Approved, scheduled posts in a test database, made through the repository functions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from memory.repository import (
    create_content_item,
    hash_content,
    record_approval_decision,
    request_approval,
    schedule_post,
)

NOW = datetime(2025, 11, 27, 9, 0, tzinfo=UTC)
Factory = sessionmaker[Session]


def approved_item(
    factory: Factory, name: str, *, text: str = "Fresh roast Friday!", platform: str = "x"
) -> tuple[str, str]:
    """Create a content item with an approved approval; return (item id, approval id)."""
    with factory.begin() as session:
        item = create_content_item(session, brand_id="kettle-ember", platform=platform, text=text)
        request_approval(
            session,
            approval_id=f"ap-{name}",
            content_item_id=item.id,
            thread_key="cli:t",
        )
        record_approval_decision(session, approval_id=f"ap-{name}", decision="approved", decided_by="ana")
        return item.id, f"ap-{name}"


def schedule(
    factory: Factory,
    name: str,
    *,
    at: datetime = NOW,
    brand: str = "kettle-ember",
    dry_run: bool = True,
    platform: str = "x",
    text: str = "Fresh roast Friday!",
) -> str:
    """Approve and schedule one post; return its id."""
    item_id, approval_id = approved_item(factory, name, text=text, platform=platform)
    with factory.begin() as session:
        post = schedule_post(
            session,
            approval_id=approval_id,
            content_item_id=item_id,
            brand_id=brand,
            platform=platform,
            text=text,
            content_hash=hash_content(platform, text),
            scheduled_for=at,
            dry_run=dry_run,
        )
        return post.id
