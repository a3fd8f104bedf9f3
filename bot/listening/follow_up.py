"""What follows a crisis alert card: the volume chart, the playbook's stakeholder call-in, and the pause notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.listening.aftermath import incident_of_alert
from config.settings import Settings
from memory import queue
from memory.mentions import MentionStore
from tools.monitor.playbook import PlaybookError, load_playbook
from tools.monitor.volume_chart import incident_volume_chart, volume_points

CHART_HOURS = 24
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Stakeholder:
    """A playbook role to tell, the people `crisis_roles` names for it (chat user ids) and the deadline."""

    title: str
    people: tuple[str, ...]
    within_minutes: int | None


@dataclass(frozen=True)
class CrisisFollowUp:
    """Everything posted in a crisis card's thread right after the card."""

    brand_id: str
    incident_id: str
    chart: bytes
    chart_name: str
    stakeholders: tuple[Stakeholder, ...]
    paused: bool


def crisis_follow_up(
    sessions: sessionmaker[Session], settings: Settings, brand_id: str, alert_id: str, *, now: datetime
) -> CrisisFollowUp | None:
    """The follow-up of a crisis alert (None when no incident raised it, e.g. a test alert)."""
    with sessions() as session:
        incident = incident_of_alert(session, brand_id, alert_id)
        if incident is None:
            return None
        paused = brand_id in queue.pauses(session)
        incident_id, opened_at = incident.id, incident.opened_at
        crisis_type, severity = incident.crisis_type, incident.severity
    store = MentionStore(sessions)
    end = max(now, opened_at)
    start = end - timedelta(hours=CHART_HOURS)
    hour = timedelta(hours=1)
    points = volume_points(((at, neg) for at, neg, _ in store.series(brand_id, start, end)), start, end, hour)
    usual = volume_points(
        ((at + WEEK, neg) for at, neg, _ in store.series(brand_id, start - WEEK, end - WEEK)), start, end, hour
    )
    name = next((e.name for e in settings.brand_entries() if e.id == brand_id), brand_id)
    chart = incident_volume_chart(points, brand=name, opened_at=opened_at, now=end, baseline=usual)
    return CrisisFollowUp(
        brand_id=brand_id,
        incident_id=incident_id,
        chart=chart,
        chart_name=f"crisis-{brand_id}-{opened_at:%Y%m%d-%H%M}.png",
        stakeholders=_stakeholders(settings, brand_id, crisis_type, severity),
        paused=paused,
    )


def _stakeholders(settings: Settings, brand_id: str, crisis_type: str, severity: str) -> tuple[Stakeholder, ...]:
    entry = next((e for e in settings.brand_entries() if e.id == brand_id), None)
    if entry is None:
        return ()
    try:
        playbook = load_playbook(entry.pack)
    except PlaybookError:
        return ()  # the watch already says when a playbook can't be read
    told = []
    for role, minutes in playbook.notified(crisis_type, severity):
        members = settings.crisis_roles.get(role.slug)
        people = tuple(members.slack_users) + tuple(members.slack_groups) if members else ()
        title = f"{role.title} ({role.person})" if role.person else role.title
        told.append(Stakeholder(title=title, people=people, within_minutes=minutes))
    return tuple(told)
