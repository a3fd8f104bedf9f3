"""`/brandpilot calendar [dates]` and `brandpilot calendar`: the stored calendar without a conversation turn."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from agents.specialists.calendar_view import read_calendar, render_items
from config.settings import Settings
from memory.calendar import CalendarItem, CalendarStore


class HasDatabase(Protocol):
    """The running app or an operator's deployment: settings and the database."""

    settings: Settings
    sessions: sessionmaker[Session]


def calendar_items(where: HasDatabase, brand_id: str, words: str) -> tuple[str, list[CalendarItem]]:
    """The period's label and its items; PeriodError says what was wrong with the dates."""
    timezone = where.settings.agents.timezone
    return read_calendar(CalendarStore(where.sessions), brand_id, timezone, datetime.now(UTC), words, strict=True)


def calendar_text(where: HasDatabase, brand_id: str, words: str) -> str:
    """The calendar as chat text."""
    period_label, items = calendar_items(where, brand_id, words)
    return render_items(where.settings.agents.timezone, period_label, items)


def item_json(item: CalendarItem) -> dict[str, object]:
    """One calendar item for `--json`."""
    return {
        "id": item.id,
        "kind": item.kind,
        "platform": item.platform,
        "at": item.at.isoformat(),
        "status": item.status,
        "pillar": item.pillar,
        "format": item.format,
        "campaign": item.campaign,
        "idea": item.idea,
        "why": item.why,
        "text": item.text,
        "filled_by": item.filled_by,
    }
