"""What follows a crisis alert card: the volume chart, the playbook's stakeholder call-in, and the pause notice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.listening.aftermath import incident_of_alert
from config.settings import ApproversConfig, Settings
from memory import queue
from memory.mentions import MentionStore
from tools.monitor.playbook import PlaybookError, load_playbook
from tools.monitor.volume_chart import incident_volume_chart, volume_points

CHART_HOURS = 24
WEEK = timedelta(days=7)


UNNAMED_HINT = (
    "Name people for these roles under `crisis_roles` in the BrandPilot config so they are called in "
    "automatically; until then, please tell them yourself."
)


@dataclass(frozen=True)
class Stakeholder:
    """A playbook role to tell, who `crisis_roles` names for it on each surface, and the deadline."""

    title: str
    holders: ApproversConfig
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


def stakeholder_note(
    follow: CrisisFollowUp, *, head: str, call_in: Callable[[ApproversConfig], str], safe: Callable[[str], str]
) -> str | None:
    """The playbook's "who to tell, by when" under `head`, each role called in with the surface's `call_in`.

    `safe` makes the playbook's titles safe to show on the surface. None when the playbook tells nobody.
    """
    if not follow.stakeholders:
        return None
    lines, unnamed = [head], False
    for who in follow.stakeholders:
        by = f" (within {who.within_minutes} min)" if who.within_minutes else ""
        called = call_in(who.holders)
        lines.append(f"• {safe(who.title)}{by}: {called or 'nobody is configured for this role'}")
        unnamed = unnamed or not called
    if unnamed:
        lines.append(f"_{UNNAMED_HINT}_")
    return "\n".join(lines)


def pause_note(brand: str, *, resumed_by: str | None = None, running: bool = False) -> str:
    """The brand's posts are paused by the incident; or who resumed them (a surface mention); or that they run."""
    if resumed_by:
        return f"Scheduled posts for {brand} were resumed by {resumed_by}."
    if running:
        return f"Scheduled posts for {brand} are running again (resumed elsewhere)."
    return (
        f"Scheduled posts for {brand} are paused because of this incident. Crisis statements still go out once "
        "approved. Resume when it is safe to post as usual; it is audited."
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
        holders = settings.crisis_roles.get(role.slug) or ApproversConfig(cli_users=[])
        title = f"{role.title} ({role.person})" if role.person else role.title
        told.append(Stakeholder(title=title, holders=holders, within_minutes=minutes))
    return tuple(told)
