"""Alerts for people: raised once, posted into the configured channels, acted on once by an approver."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy.orm import Session, sessionmaker

from bot.turns import InputError
from memory import alerts as store
from memory.db import write_transaction
from memory.models import ALERT_SEVERITIES, Alert, AlertPost, utcnow
from memory.repository import NotFoundError, record_audit

log = logging.getLogger(__name__)
Action = Literal["acknowledge", "draft_response", "escalate", "resolve"]
ACTIONS: tuple[Action, ...] = ("acknowledge", "draft_response", "escalate", "resolve")
MAX_SUMMARY = 2000
MAX_EVIDENCE = 20
MAX_EVIDENCE_CHARS = 1000
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class AlertDeliveryError(Exception):
    """A card could not be posted; the message says why in plain words and what to do."""


@dataclass(frozen=True)
class NewAlert:
    """What a detector or job reports; `dedup_key` makes raising the same thing twice a no-op."""

    brand_id: str
    kind: str
    severity: str
    summary: str
    evidence: tuple[str, ...] = ()
    dedup_key: str | None = None

    def __post_init__(self) -> None:
        """Refuse alerts nobody could read or act on."""
        if self.severity not in ALERT_SEVERITIES:
            raise InputError(f"Unknown severity {self.severity!r}; use one of {', '.join(ALERT_SEVERITIES)}.")
        if not _KIND.match(self.kind):
            raise InputError(f"Alert kind {self.kind!r} must be lowercase letters, digits and _ (up to 32).")
        if not self.summary.strip():
            raise InputError("An alert needs a summary saying what happened.")
        if len(self.summary) > MAX_SUMMARY:
            raise InputError(f"The summary is {len(self.summary):,} characters; keep it under {MAX_SUMMARY:,}.")
        if len(self.evidence) > MAX_EVIDENCE:
            raise InputError(f"{len(self.evidence)} pieces of evidence; attach at most {MAX_EVIDENCE}.")


@dataclass(frozen=True)
class AlertView:
    """An alert as people see it, read at one moment."""

    id: str
    brand_id: str
    kind: str
    severity: str
    summary: str
    evidence: tuple[str, ...]
    status: str
    status_by: str | None
    status_at: datetime | None
    response_thread: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Alert) -> AlertView:
        """Snapshot a stored alert."""
        return cls(
            id=row.id,
            brand_id=row.brand_id,
            kind=row.kind,
            severity=row.severity,
            summary=row.summary,
            evidence=tuple(row.evidence or ()),
            status=row.status,
            status_by=row.status_by,
            status_at=row.status_at,
            response_thread=row.response_thread,
            created_at=row.created_at,
        )

    def actions(self) -> tuple[Action, ...]:
        """The buttons that still make sense."""
        if self.status == "resolved":
            return ()
        offered: list[Action] = []
        if self.status == "open":
            offered.append("acknowledge")
        if self.response_thread is None:
            offered.append("draft_response")
        if self.status in ("open", "acknowledged"):
            offered.append("escalate")
        offered.append("resolve")
        return tuple(offered)


@dataclass(frozen=True)
class ActionResult:
    """What a click did: `applied` is False when someone else's click (or the alert's state) came first."""

    alert: AlertView
    action: Action
    applied: bool


@dataclass(frozen=True)
class Delivery:
    """One channel's card: its message reference, or the reason it is missing."""

    channel: str
    message_ref: str | None
    error: str | None = None


class AlertSink(Protocol):
    """A surface that shows alert cards (Slack today; Discord next)."""

    surface: str
    workspace: str | None

    async def post(self, alert: AlertView, channel: str) -> str:
        """Post the card; returns its message reference; AlertDeliveryError when it can't."""
        ...

    async def refresh(self, alert: AlertView, channel: str, message_ref: str) -> None:
        """Redraw a posted card after the alert changed."""
        ...


class AlertService:
    """Alerts in the database, and their cards on the surfaces."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        """Use the application's database sessions."""
        self.sessions = sessions

    def raise_alert(self, new: NewAlert, *, session: Session | None = None) -> tuple[AlertView, bool]:
        """Store the alert (or find the one already raised with its dedup key); True when it is new.

        With `session` the alert is written in the caller's transaction, so it commits with the change it reports.
        """
        if session is None:
            with write_transaction(self.sessions) as own:
                return self.raise_alert(new, session=own)
        evidence = [item.strip()[:MAX_EVIDENCE_CHARS] for item in new.evidence if item.strip()]
        row, created = store.raise_alert(
            session,
            brand_id=new.brand_id,
            kind=new.kind,
            severity=new.severity,
            summary=new.summary.strip(),
            evidence=evidence,
            dedup_key=new.dedup_key,
        )
        return AlertView.of(row), created

    def get(self, alert_id: str) -> AlertView:
        """One alert; InputError when there is none with that id."""
        with self.sessions.begin() as session:
            try:
                return AlertView.of(store.get_alert(session, alert_id))
            except NotFoundError:
                hint = "`brandpilot alert list` shows the recent ones"
                raise InputError(f"There is no alert {alert_id!r}; {hint}.") from None

    def recent(self, *, statuses: tuple[str, ...] = (), limit: int = 20) -> list[AlertView]:
        """The newest alerts first."""
        with self.sessions.begin() as session:
            return [AlertView.of(row) for row in store.list_alerts(session, statuses=statuses, limit=limit)]

    def act(self, alert_id: str, action: Action, *, actor: str, response_thread: str | None = None) -> ActionResult:
        """Apply an action once: of two simultaneous clicks, one applies and the other sees its result."""
        if action not in ACTIONS:
            raise InputError(f"Unknown alert action {action!r}; use one of {', '.join(ACTIONS)}.")
        if action == "draft_response" and not response_thread:
            raise ValueError("draft_response needs the thread the response is drafted in")
        with self.sessions.begin() as session:
            if action == "draft_response":
                applied = store.claim_response(session, alert_id, thread_key=str(response_thread), actor=actor)
            else:
                applied = store.move_alert(session, alert_id, action, actor=actor)  # an unknown id changes nothing
            try:
                return ActionResult(AlertView.of(store.get_alert(session, alert_id)), action, applied)
            except NotFoundError:
                raise InputError(f"There is no alert {alert_id!r}.") from None

    def refuse(self, alert_id: str, action: Action, *, actor: str) -> None:
        """Record that someone who may not act on alerts tried to."""
        with self.sessions.begin() as session:
            detail = {"action": action}
            record_audit(
                session,
                actor=actor,
                action="alert.refused",
                subject_type="alert",
                subject_id=alert_id[:255],
                detail=detail,
            )

    def unposted(self, surface: str, channel: str, *, within: timedelta = timedelta(days=2)) -> list[AlertView]:
        """Recent unresolved alerts without a card in `channel`: what a dispatcher still has to post."""
        with self.sessions() as session:
            rows = store.unposted(session, surface=surface, channel=channel, since=utcnow() - within)
            return [AlertView.of(row) for row in rows]

    def message_of(self, surface: str, channel: str, message_ref: str) -> str | None:
        """The alert whose card is this message, if any."""
        with self.sessions.begin() as session:
            post = store.post_at(session, surface, channel, message_ref)
            return post.alert_id if post else None

    async def deliver(self, alert: AlertView, sink: AlertSink, channels: list[str]) -> list[Delivery]:
        """Post the card into each channel that doesn't have it yet; failures are recorded and returned."""
        deliveries = []
        for channel in dict.fromkeys(channels):
            post, claimed = await asyncio.to_thread(self._claim, alert.id, sink, channel)
            if not claimed:  # already posted, or another process is posting it right now
                deliveries.append(Delivery(channel, post.message_ref, None if post.status == "posted" else post.status))
                continue
            try:
                ref: str | None = await sink.post(alert, channel)
                error = None
            except AlertDeliveryError as exc:
                ref, error = None, str(exc)
                log.warning("alert %s not posted to %s: %s", alert.id, channel, error)
            except Exception as exc:  # recorded as failed (and retried on the next raise), never left half-posted
                log.exception("alert %s not posted to %s", alert.id, channel)
                ref, error = (
                    None,
                    f"posting failed ({type(exc).__name__}); it is retried when the alert is raised again",
                )
            await asyncio.to_thread(self._finish, post.id, ref, error)
            deliveries.append(Delivery(channel, ref, error))
        return deliveries

    async def refresh_cards(self, alert: AlertView, sink: AlertSink) -> None:
        """Redraw every posted card of the alert on this surface (a failure to redraw one doesn't stop the rest)."""
        posts = await asyncio.to_thread(self._posts, alert.id)
        for post in posts:
            mine = post.surface == sink.surface and post.workspace in (None, sink.workspace)  # one workspace's token
            if mine and post.status == "posted" and post.message_ref:
                try:
                    await sink.refresh(alert, post.channel, post.message_ref)
                except AlertDeliveryError as exc:
                    log.warning("alert %s card in %s not redrawn: %s", alert.id, post.channel, exc)

    def _claim(self, alert_id: str, sink: AlertSink, channel: str) -> tuple[AlertPost, bool]:
        with self.sessions.begin() as session:
            post = store.add_post(session, alert_id, surface=sink.surface, channel=channel, workspace=sink.workspace)
            claimed = store.claim_post(session, post.id)
            session.expunge(post)
            return post, claimed

    def _finish(self, post_id: str, ref: str | None, error: str | None) -> None:
        with self.sessions.begin() as session:
            store.finish_post(session, post_id, message_ref=ref, error=error)

    def _posts(self, alert_id: str) -> list[AlertPost]:
        with self.sessions.begin() as session:
            posts = store.posts_of(session, alert_id)
            session.expunge_all()
            return posts


def response_request(view: AlertView, *, shown: int = 8, chars: int = 400) -> str:
    """What Draft response asks the assistant for, in the alert's thread: the alert and its evidence."""

    def short(text: str) -> str:
        flat = " ".join(text.split())
        return flat if len(flat) <= chars else flat[: chars - 1] + "…"

    evidence = "\n".join(f"- {short(item)}" for item in view.evidence[:shown])
    return (
        f"Draft a public response to this {view.severity} {view.kind.replace('_', ' ')} alert for our brand: "
        f"{view.summary}" + (f"\nEvidence:\n{evidence}" if evidence else "")
    )


async def notify(service: AlertService, sink: AlertSink, new: NewAlert, channels: list[str]) -> list[Delivery]:
    """Raise an alert and post its card; raising the same dedup key again posts nothing twice."""
    alert, _ = await asyncio.to_thread(service.raise_alert, new)
    return await service.deliver(alert, sink, channels)  # channels that already have the card are skipped
