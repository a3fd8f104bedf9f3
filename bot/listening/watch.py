"""The crisis watch: stored mentions binned into signals, detected, grouped into incidents, alerted, posts paused."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import AlertService, NewAlert
from bot.listening.evidence import CrisisFacts, alert_summary, classify, evidence_lines, warning_summary
from config.settings import MonitorOptions, Settings
from memory import queue
from memory.db import write_transaction
from memory.incidents import open_for, open_incident, update_incident
from memory.mentions import MentionStore
from memory.models_listening import Incident
from memory.repository import record_audit
from tools.monitor.competitors import Competitor
from tools.monitor.detector import DetectorConfig
from tools.monitor.incidents import Incident as TrackedIncident
from tools.monitor.incidents import IncidentTracker, Post
from tools.monitor.playbook import CrisisPlaybook, load_playbook
from tools.monitor.signals import BIN, BrandSignals, bins, floor_bin
from tools.monitor.triage import triage

log = logging.getLogger(__name__)
HISTORY = DetectorConfig().history  # what a live watch reads back at start so its baseline is warm
ALERT_SEVERITY = {"SEV1": "critical", "SEV2": "high", "SEV3": "warning"}
SEVERITY_ORDER = ("SEV3", "SEV2", "SEV1")
ACTOR = "crisis_detector"


def brand_playbooks(settings: Settings) -> dict[str, CrisisPlaybook]:
    """Each configured brand's crisis playbook, read from its pack.

    Raises:
        PlaybookError: a brand.yaml `crisis:` section is invalid (the message names the field).
    """
    return {entry.id: load_playbook(Path(entry.pack)) for entry in settings.brand_entries()}


def brand_competitors(settings: Settings) -> dict[str, list[Competitor]]:
    """Each configured brand's competitors to search on X: only those its brand.yaml lists under `competitors:`.

    Competitors read from a banned-names rule are tracked from imports and in chat, but never searched: a search
    spends the brand's X read quota, so it happens only where someone listed the competitors to follow.
    """
    from tools.content.rulebook import load_rulebook

    return {entry.id: list(load_rulebook(Path(entry.pack)).competitors) for entry in settings.brand_entries()}


@dataclass
class _Brand:
    signals: BrandSignals
    cursor: datetime  # bins before this were judged


class CrisisWatch:
    """One process watches every brand (the jobs runner); state is rebuilt from stored mentions at start.

    Each pass judges the bins that ended at least `grace_seconds` ago, so a mention polled a little late still
    counts in its bin. With `live=False` (a replay) nothing is read back: every bin from the first is reported.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        brands: list[str],
        options: MonitorOptions,
        *,
        live: bool = True,
        classifier: Callable[[list[str]], tuple[str, float]] = classify,
        playbooks: Mapping[str, CrisisPlaybook] | None = None,
    ) -> None:
        """Watch `brands` in `sessions`' mentions; `classifier(texts)` gives (crisis type, confidence).

        A brand's playbook (`playbooks[brand]`) can raise an incident's severity and says who approves and who is told.
        """
        self.sessions = sessions
        self.brands = brands
        self.options = options
        self.live = live
        self.classifier = classifier
        self.mentions = MentionStore(sessions)
        self.tracker = IncidentTracker()
        self.alerts = AlertService(sessions)
        self.playbooks = dict(playbooks or {})
        self._state: dict[str, _Brand] = {}

    def run_once(self, now: datetime, *, since: datetime | None = None) -> list[Post]:
        """Judge every bin that is due by `now` for each brand; returns what was posted (opened, updated...)."""
        until = floor_bin(now - timedelta(seconds=self.options.grace_seconds))
        posted: list[Post] = []
        for brand in self.brands:
            state = self._state.get(brand) or self._start(brand, until, since)
            rows = self.mentions.series(brand, state.cursor, until)
            for item in bins(rows, state.cursor, until):
                for signal, event in state.signals.update(item):
                    posted += self._act(self.tracker.observe(brand, signal, event))
                posted += self._act(self.tracker.tick(item.start + BIN))
            state.cursor = max(state.cursor, until)
        return posted

    def _start(self, brand: str, until: datetime, since: datetime | None) -> _Brand:
        """A new brand state: live, warmed on the stored history without alerting; in a replay, from `since`."""
        state = _Brand(BrandSignals(), floor_bin(since) if since else until)
        if self.live:
            start = until - HISTORY
            for item in bins(self.mentions.series(brand, start, until), start, until):
                state.signals.update(item)
            with self.sessions() as session:
                row = open_for(session, brand)
            if row is not None:  # an incident open before a restart keeps updating instead of opening again
                self.tracker.open[brand] = TrackedIncident(
                    brand, row.opened_at, row.severity, row.peak_score, until, row.updated_at, frozenset(row.signals)
                )
        self._state[brand] = state
        return state

    def _act(self, posts: list[Post]) -> list[Post]:
        for post in posts:
            try:
                self._apply(post)
            except Exception:  # one brand's failure must not stop the watch; the next pass tries the rest
                log.exception("the crisis watch could not record %s for %s", post.action, post.brand)
        return posts

    def _apply(self, post: Post) -> None:
        if post.action == "warning":
            self._warn(post)
            return
        with write_transaction(self.sessions) as session:
            row = open_for(session, post.brand)
            if post.action == "closed":
                if row is not None:
                    at = post.timestamp
                    update_incident(session, row.id, at, "closed", status="closed", closed_at=at)
                return
            if row is None:
                self._open(session, post)
            elif SEVERITY_ORDER.index(post.severity) > SEVERITY_ORDER.index(row.severity):
                self._escalate(session, row.id, post)
            else:
                update_incident(
                    session, row.id, post.timestamp, "still active", peak_score=max(row.peak_score, post.score)
                )

    def _facts(self, post: Post, crisis_type: str, confidence: float) -> CrisisFacts:
        start = post.timestamp - timedelta(hours=1)
        end = post.timestamp + BIN
        summary = self.mentions.summary(post.brand, start, end)
        severity, reasons = post.severity, ()
        playbook = self.playbooks.get(post.brand)
        if playbook is not None:
            day = self.mentions.summary(post.brand, end - timedelta(days=1), end)
            judged = triage(
                playbook,
                post.severity,
                crisis_type,
                confidence,
                negative_last_hour=summary.counts["negative"],
                negative_last_day=day.counts["negative"],
            )
            severity, reasons = judged.severity, judged.reasons
        return CrisisFacts(
            brand=post.brand,
            severity=severity,
            score=post.score,
            signals=tuple(sorted(post.signals)),
            crisis_type=crisis_type,
            confidence=confidence,
            summary=summary,
            samples=self.mentions.samples(post.brand, start, end),
            sources=self.mentions.top_sources(post.brand, start, end),
            at=post.timestamp,
            reasons=reasons,
            playbook=playbook,
        )

    def _open(self, session: Session, post: Post) -> None:
        start = post.timestamp - timedelta(hours=1)
        texts = [m.text for m in self.mentions.samples(post.brand, start, post.timestamp + BIN, limit=50)]
        crisis_type, confidence = self.classifier(texts)
        facts = self._facts(post, crisis_type, confidence)
        self._raise_tracked(post.brand, facts.severity)
        row = open_incident(
            session,
            brand_id=post.brand,
            severity=facts.severity,
            crisis_type=crisis_type,
            type_confidence=confidence,
            score=post.score,
            signals=list(post.signals),
            mentions=facts.summary.total,
            at=post.timestamp,
        )
        paused = self._pause(session, post.brand, row.id, facts.severity, post.timestamp)
        self._alert(session, row.id, facts, paused, "opened")

    def _escalate(self, session: Session, incident_id: str, post: Post) -> None:
        current = session.get(Incident, incident_id)
        assert current is not None, "an escalation follows an open incident"
        facts = self._facts(post, current.crisis_type, current.type_confidence)
        peak = max(current.peak_score, post.score)
        update_incident(session, incident_id, post.timestamp, "escalated", severity=facts.severity, peak_score=peak)
        self._raise_tracked(post.brand, facts.severity)
        paused = self._pause(session, post.brand, incident_id, facts.severity, post.timestamp)
        self._alert(session, incident_id, facts, paused, "escalated")

    def _raise_tracked(self, brand: str, severity: str) -> None:
        """Keep the tracker's incident at the severity acted on, so only a higher one counts as an escalation."""
        tracked = self.tracker.open.get(brand)
        if tracked is not None and SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(tracked.severity):
            self.tracker.open[brand] = replace(tracked, severity=severity)

    def _pause(self, session: Session, brand: str, incident_id: str, severity: str, at: datetime) -> bool:
        """Pause the brand's scheduled posts when the severity reaches `pause_at`; True when this paused them."""
        pause_at = self.options.pause_at
        if pause_at is None or SEVERITY_ORDER.index(severity) < SEVERITY_ORDER.index(pause_at):
            return False
        reason = f"{severity} crisis incident {incident_id}: paused automatically by the crisis watch"
        if not queue.pause(session, brand, actor=ACTOR, reason=reason):
            return False
        record_audit(session, actor=ACTOR, action="queue.paused", detail={"brand": brand, "incident": incident_id})
        update_incident(session, incident_id, at, "queue paused", paused_queue=True)
        return True

    def _alert(self, session: Session, incident_id: str, facts: CrisisFacts, paused: bool, step: str) -> None:
        alert, _ = self.alerts.raise_alert(
            NewAlert(
                brand_id=facts.brand,
                kind="crisis",
                severity=ALERT_SEVERITY[facts.severity],
                summary=alert_summary(facts, paused=paused, step=step),
                evidence=evidence_lines(facts),
                dedup_key=f"incident:{incident_id}:{facts.severity}",
            ),
            session=session,
        )
        update_incident(session, incident_id, facts.at, "alerted", alert_id=alert.id)

    def _warn(self, post: Post) -> None:
        with write_transaction(self.sessions) as session:
            self.alerts.raise_alert(
                NewAlert(
                    brand_id=post.brand,
                    kind="crisis_warning",
                    severity="info",
                    summary=warning_summary(post),
                    dedup_key=f"warning:{post.brand}:{post.timestamp.isoformat()}",
                ),
                session=session,
            )
