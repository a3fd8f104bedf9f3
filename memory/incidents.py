"""Crisis incidents: opened by the watch, escalated, closed when quiet, each step kept on the incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from memory.models_listening import Incident


@dataclass(frozen=True)
class IncidentView:
    """An incident as people see it."""

    id: str
    brand_id: str
    status: str
    severity: str
    crisis_type: str
    type_confidence: float
    peak_score: float
    signals: tuple[str, ...]
    mentions: int
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    paused_queue: bool
    alert_ids: tuple[str, ...]
    timeline: tuple[dict, ...]

    def line(self) -> str:
        """The incident in one line: severity, type, since when, how big, and whether posts are paused."""
        kind = self.crisis_type.replace("_", " ")
        paused = "; scheduled posts are paused" if self.paused_queue else ""
        return (
            f"{self.severity} {kind} for {self.brand_id} since {self.opened_at:%Y-%m-%d %H:%M} UTC "
            f"({self.mentions} mentions in its first hour{paused}), incident {self.id}"
        )

    @classmethod
    def of(cls, row: Incident) -> IncidentView:
        """Snapshot a stored incident."""
        return cls(
            row.id,
            row.brand_id,
            row.status,
            row.severity,
            row.crisis_type,
            row.type_confidence,
            row.peak_score,
            tuple(row.signals or ()),
            row.mentions,
            row.opened_at,
            row.updated_at,
            row.closed_at,
            row.paused_queue,
            tuple(row.alert_ids or ()),
            tuple(row.timeline or ()),
        )


def open_incident(
    session: Session,
    *,
    brand_id: str,
    severity: str,
    crisis_type: str,
    type_confidence: float,
    score: float,
    signals: list[str],
    mentions: int,
    at: datetime,
) -> Incident:
    """A new open incident, its opening the first entry of its timeline."""
    row = Incident(
        brand_id=brand_id,
        status="open",
        severity=severity,
        crisis_type=crisis_type,
        type_confidence=type_confidence,
        peak_score=score,
        signals=sorted(signals),
        mentions=mentions,
        opened_at=at,
        updated_at=at,
        alert_ids=[],
        timeline=[_entry(at, "opened", severity=severity, score=score, signals=sorted(signals))],
    )
    session.add(row)
    session.flush()
    return row


def update_incident(session: Session, incident_id: str, at: datetime, event: str, **changes: object) -> Incident:
    """Apply `changes` to the incident and add `event` with them to its timeline.

    `changes` are column values (severity, peak_score, signals, mentions, status, closed_at, paused_queue) and
    `alert_id`, which is added to the incident's alerts.
    """
    row = session.get(Incident, incident_id)
    if row is None:
        raise LookupError(f"no incident {incident_id}")
    alert_id = changes.pop("alert_id", None)
    for name, value in changes.items():
        setattr(row, name, value)
    if alert_id:
        row.alert_ids = [*row.alert_ids, alert_id]
    row.updated_at = at
    shown = {k: v for k, v in changes.items() if k in ("severity", "peak_score", "status", "paused_queue")}
    row.timeline = [*row.timeline, _entry(at, event, **shown)]
    session.flush()
    return row


def open_for(session: Session, brand_id: str) -> Incident | None:
    """The brand's open incident, if there is one."""
    query = select(Incident).where(Incident.brand_id == brand_id, Incident.status == "open")
    return session.scalars(query.order_by(Incident.opened_at.desc()).limit(1)).first()


def _entry(at: datetime, event: str, **details: object) -> dict:
    return {"at": at.isoformat(), "event": event, **details}


class IncidentStore:
    """Reads incidents for `/brandpilot crisis status` and reports."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def open_incidents(self, brand_id: str | None = None) -> list[IncidentView]:
        """Open incidents (of one brand, or all), the most severe first, then the newest."""
        query = select(Incident).where(Incident.status == "open")
        if brand_id is not None:
            query = query.where(Incident.brand_id == brand_id)
        with self._sessions() as session:
            rows = [IncidentView.of(row) for row in session.scalars(query.order_by(Incident.opened_at.desc()))]
        return sorted(rows, key=lambda view: view.severity)  # "SEV1" < "SEV2" < "SEV3"

    def get(self, incident_id: str) -> IncidentView:
        """One incident; LookupError when there is none with that id."""
        with self._sessions() as session:
            row = session.get(Incident, incident_id)
            if row is None:
                raise LookupError(f"There is no incident {incident_id!r}; `brandpilot crisis status` lists them.")
            return IncidentView.of(row)
