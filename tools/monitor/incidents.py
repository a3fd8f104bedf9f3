"""Grouping of detector events into incidents: one incident that updates, not a storm of alerts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from tools.monitor.detector import DEFAULT_SEVERITIES, DetectorEvent

Action = Literal["opened", "updated", "closed", "warning"]


@dataclass(frozen=True, kw_only=True)
class IncidentConfig:
    """How alerts are grouped.

    Attributes:
        quiet_period: an open incident closes once no alert has arrived for this long.
        cooldown: after an incident closes, no new one opens for this long (alerts then are absorbed).
        refresh_interval: while an incident keeps firing at the same severity, post at most one refresh
            per this interval; a rise in severity is posted at once.
        severity_order: severity names from lowest to highest, to tell an escalation.
    """

    quiet_period: timedelta = timedelta(hours=2)
    cooldown: timedelta = timedelta(hours=6)
    refresh_interval: timedelta = timedelta(hours=6)
    severity_order: tuple[str, ...] = tuple(name for name, _ in DEFAULT_SEVERITIES)


@dataclass(frozen=True)
class Incident:
    """One open or closed incident of one brand."""

    brand: str
    opened_at: datetime
    severity: str
    score: float
    last_alert_at: datetime
    last_posted_at: datetime
    signals: frozenset[str] = frozenset()
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Post:
    """Something to tell people: an incident opened, escalated or refreshed, closed, or an early warning."""

    action: Action
    timestamp: datetime
    brand: str
    severity: str
    score: float
    signals: frozenset[str] = frozenset()


@dataclass
class IncidentTracker:
    """In-memory incidents per brand; feed it events and clock ticks, it returns what to post."""

    config: IncidentConfig = field(default_factory=IncidentConfig)
    open: dict[str, Incident] = field(default_factory=dict)
    closed_at: dict[str, datetime] = field(default_factory=dict)
    warned_at: dict[str, datetime] = field(default_factory=dict)

    def tick(self, now: datetime) -> list[Post]:
        """Close the incidents that have been quiet for `quiet_period` by `now`."""
        posts = []
        for brand, incident in list(self.open.items()):
            if now - incident.last_alert_at >= self.config.quiet_period:
                del self.open[brand]
                self.closed_at[brand] = now
                posts.append(Post("closed", now, brand, incident.severity, incident.score, incident.signals))
        return posts

    def observe(self, brand: str, signal: str, event: DetectorEvent) -> list[Post]:
        """Take one event of one signal of a brand; returns the posts it causes (often none)."""
        posts = self.tick(event.timestamp)
        if event.kind == "warning":
            return posts + self._warning(brand, signal, event)
        incident = self.open.get(brand)
        if incident is None:
            closed = self.closed_at.get(brand)
            if closed is not None and event.timestamp - closed < self.config.cooldown:
                return posts
            incident = Incident(
                brand,
                event.timestamp,
                event.severity,
                event.score,
                event.timestamp,
                event.timestamp,
                frozenset({signal}),
            )
            self.open[brand] = incident
            return posts + [Post("opened", event.timestamp, brand, event.severity, event.score, incident.signals)]
        signals = incident.signals | {signal}
        rises = self._rank(event.severity) > self._rank(incident.severity)
        due = event.timestamp - incident.last_posted_at >= self.config.refresh_interval
        severity = event.severity if rises else incident.severity
        incident = replace(
            incident,
            last_alert_at=event.timestamp,
            signals=signals,
            severity=severity,
            score=max(incident.score, event.score),
        )
        if rises or due:
            incident = replace(incident, last_posted_at=event.timestamp)
            posts.append(Post("updated", event.timestamp, brand, severity, event.score, signals))
        self.open[brand] = incident
        return posts

    def _warning(self, brand: str, signal: str, event: DetectorEvent) -> list[Post]:
        """An early warning is posted when nothing is open and none was posted within the cooldown."""
        if brand in self.open:
            return []
        recent = [t for t in (self.warned_at.get(brand), self.closed_at.get(brand)) if t is not None]
        if recent and event.timestamp - max(recent) < self.config.cooldown:
            return []
        self.warned_at[brand] = event.timestamp
        return [Post("warning", event.timestamp, brand, "warning", event.score, frozenset({signal}))]

    def _rank(self, severity: str) -> int:
        order = self.config.severity_order
        return order.index(severity) if severity in order else -1
