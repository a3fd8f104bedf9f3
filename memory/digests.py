"""Scheduled digests: which are due now, and claiming each (brand, kind, channel, period) so it is posted once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import get_args
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from config.settings import DigestEntry, Weekday
from memory.models import DigestRun, new_id, utcnow
from memory.repository import insert_ignore
from tools.reports.summary import Period, report_periods

LATE_LIMIT = timedelta(days=2)  # a digest this late is skipped: nobody wants last month's news on day 10
RETRY_AFTER = timedelta(minutes=10)  # also the lease of a claim whose worker stopped mid-post
MAX_ATTEMPTS = 3
WEEKDAY_NAMES: tuple[str, ...] = get_args(Weekday)


@dataclass(frozen=True)
class DueDigest:
    """A digest whose time has come: the entry, the period it reports on and when it was due."""

    entry: DigestEntry
    period: Period
    due_at: datetime


def due_at(entry: DigestEntry, period: Period, zone: ZoneInfo) -> datetime:
    """When the digest of `period` is due: the configured weekday (or day of the month) after it ends, at `hour`."""
    if entry.kind == "weekly":
        day = period.end + timedelta(days=WEEKDAY_NAMES.index(entry.weekday))  # period.end is a Monday
    else:
        day = period.end + timedelta(days=entry.day - 1)  # period.end is the 1st
    return datetime.combine(day, time(entry.hour), tzinfo=zone)


def due_digests(entries: list[DigestEntry], now: datetime, zone: ZoneInfo) -> list[DueDigest]:
    """The digests to post at `now`: due, and not more than `LATE_LIMIT` late."""
    today = now.astimezone(zone).date()
    due: list[DueDigest] = []
    for entry in entries:
        period, _ = report_periods(entry.kind, today)
        when = due_at(entry, period, zone)
        if when <= now < when + LATE_LIMIT:
            due.append(DueDigest(entry, period, when))
    return due


def claim_digest(session: Session, surface: str, due: DueDigest, now: datetime | None = None) -> str | None:
    """Claim the digest for this caller; None when it was posted, is being posted, or failed `MAX_ATTEMPTS` times.

    A failed attempt (or a worker that stopped mid-post) is claimed again after `RETRY_AFTER`.
    """
    now = now or utcnow()
    key = {
        "surface": surface,
        "channel": due.entry.channel,
        "brand_id": due.entry.brand,
        "kind": due.entry.kind,
        "period_start": due.period.start,
    }
    run_id = new_id()
    if insert_ignore(session, DigestRun, {"id": run_id, **key, "claimed_at": now, "attempts": 1}, list(key)):
        return run_id
    matches = [getattr(DigestRun, name) == value for name, value in key.items()]
    return session.scalar(
        update(DigestRun)
        .where(
            *matches,
            DigestRun.posted_at.is_(None),
            DigestRun.attempts < MAX_ATTEMPTS,
            DigestRun.claimed_at <= now - RETRY_AFTER,
        )
        .values(claimed_at=now, attempts=DigestRun.attempts + 1, error=None)
        .returning(DigestRun.id)
        .execution_options(synchronize_session=False)
    )


def finish_digest(
    session: Session, run_id: str, *, message_ref: str | None = None, error: str | None = None, final: bool = False
) -> int:
    """Record a posted digest (its message) or why the attempt failed; returns the attempts counted so far.

    A `final` failure (one that trying again can't fix) counts as the last attempt: it is not retried.
    """
    values: dict[str, object] = {"posted_at": utcnow(), "message_ref": message_ref}
    if error:
        values = {"error": error[:2000], **({"attempts": MAX_ATTEMPTS} if final else {})}
    session.execute(update(DigestRun).where(DigestRun.id == run_id).values(**values))
    return int(session.scalar(select(DigestRun.attempts).where(DigestRun.id == run_id)) or 0)
