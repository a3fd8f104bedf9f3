"""After a crisis: resolving its incident, and the post-crisis report (timeline, volumes, recovery, response times)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from memory.db import write_transaction
from memory.incidents import IncidentView, update_incident
from memory.mentions import MentionStore
from memory.models import AuditLog, utcnow
from memory.models_listening import Incident

RESPONSES = ("alert.acknowledge", "alert.draft_response", "alert.escalate", "alert.resolve")


def incident_of_alert(session: Session, brand_id: str, alert_id: str) -> Incident | None:
    """The incident an alert was raised for (its newest, when several were)."""
    rows = session.scalars(select(Incident).where(Incident.brand_id == brand_id).order_by(Incident.opened_at.desc()))
    return next((row for row in rows if alert_id in (row.alert_ids or [])), None)


def resolve_incident(
    sessions: sessionmaker[Session], incident_id: str, *, actor: str, now: datetime | None = None
) -> IncidentView:
    """Mark an incident resolved (once; resolving again changes nothing). LookupError for an unknown id."""
    now = now or utcnow()
    with write_transaction(sessions) as session:
        row = session.get(Incident, incident_id)
        if row is None:
            raise LookupError(f"There is no incident {incident_id!r}; `brandpilot crisis status` lists the open ones.")
        if row.status != "resolved":
            closed = row.closed_at or now
            update_incident(session, row.id, now, f"resolved by {actor}", status="resolved", closed_at=closed)
        return IncidentView.of(row)


def crisis_aftermath(sessions: sessionmaker[Session], brand_id: str, alert_id: str, *, actor: str) -> str | None:
    """When a crisis alert is resolved: resolve its incident and return the post-crisis report (None: no incident)."""
    with sessions() as session:
        row = incident_of_alert(session, brand_id, alert_id)
        incident_id = row.id if row is not None else None
    if incident_id is None:
        return None
    return post_crisis_report(sessions, resolve_incident(sessions, incident_id, actor=actor))


def post_crisis_report(sessions: sessionmaker[Session], incident: IncidentView, now: datetime | None = None) -> str:
    """The report: what happened when, how loud it got, whether sentiment recovered, how fast people responded."""
    now = now or utcnow()
    mentions = MentionStore(sessions)
    start, end = incident.opened_at - timedelta(hours=1), incident.closed_at or now
    during = mentions.summary(incident.brand_id, start, end)
    before = mentions.summary(incident.brand_id, start - timedelta(days=7), start)
    after = mentions.summary(incident.brand_id, end, min(now, end + timedelta(days=1)))
    hours = max((end - start) / timedelta(hours=1), 1.0)
    usual = before.total / (7 * 24)
    peak = _peak_hour(mentions, incident.brand_id, start, end)
    lines = [
        f"**Post-crisis report: {incident.severity} {incident.crisis_type.replace('_', ' ')} for {incident.brand_id}**",
        f"Opened {incident.opened_at:%Y-%m-%d %H:%M} UTC, "
        + (f"closed {incident.closed_at:%Y-%m-%d %H:%M} UTC" if incident.closed_at else "still open")
        + f" ({hours:.1f} hours). Signals: {', '.join(incident.signals) or 'none recorded'}.",
        f"Volume: {during.total} mentions ({during.total / hours:.0f} an hour, against about {usual:.1f} an hour "
        f"the week before); the busiest hour had {peak}.",
        f"Negative share: {before.negative_share:.0%} the week before, {during.negative_share:.0%} during, "
        + (
            f"{after.negative_share:.0%} in the day after ({after.total} mentions)."
            if after.total
            else "no mentions since."
        ),
    ]
    lines += _responses(sessions, incident)
    paused = "Scheduled posts were paused automatically" if incident.paused_queue else "Nothing was paused"
    lines.append(paused + (f"; {_resumed(sessions, incident)}." if incident.paused_queue else "."))
    lines.append("Timeline:")
    lines += [f"- {entry['at'][:16].replace('T', ' ')} UTC: {entry['event']}" for entry in incident.timeline]
    return "\n".join(lines)


def _peak_hour(mentions: MentionStore, brand_id: str, start: datetime, end: datetime) -> int:
    counts: dict[datetime, int] = {}
    for at, _, _ in mentions.series(brand_id, start, end):
        hour = at.replace(minute=0, second=0, microsecond=0)
        counts[hour] = counts.get(hour, 0) + 1
    return max(counts.values(), default=0)


def _responses(sessions: sessionmaker[Session], incident: IncidentView) -> list[str]:
    """How long people took to act on the incident's alerts, from the audit log."""
    if not incident.alert_ids:
        return []
    query = select(AuditLog.action, AuditLog.actor, AuditLog.at).where(
        AuditLog.subject_id.in_(incident.alert_ids), AuditLog.action.in_(RESPONSES)
    )
    with sessions() as session:
        acts = sorted(session.execute(query), key=lambda row: row.at)
    if not acts:
        return ["Nobody acted on the alert in BrandPilot."]
    shown = [
        f"{action.removeprefix('alert.').replace('_', ' ')} by {actor} after {_minutes(at - incident.opened_at)}"
        for action, actor, at in acts
    ]
    return ["Response: " + "; ".join(shown) + "."]


def _resumed(sessions: sessionmaker[Session], incident: IncidentView) -> str:
    query = select(AuditLog.actor, AuditLog.at, AuditLog.detail).where(
        AuditLog.action == "queue.resumed", AuditLog.at >= incident.opened_at
    )
    with sessions() as session:
        rows = [
            row
            for row in session.execute(query.order_by(AuditLog.at))
            if (row.detail or {}).get("brand") == incident.brand_id
        ]
    if not rows:
        return "they are still paused (resume with `brandpilot queue resume`)"
    actor, at, _ = rows[0]
    return f"{actor} resumed them at {at:%Y-%m-%d %H:%M} UTC"


def _minutes(span: timedelta) -> str:
    minutes = max(span / timedelta(minutes=1), 0)
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
