"""Scheduled digests on any chat surface: each due report posted once into its channel; repeated failures alert."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.alerts import AlertService, NewAlert
from config.settings import Settings
from memory.db import write_transaction
from memory.digests import MAX_ATTEMPTS, DueDigest, claim_digest, due_digests, finish_digest
from memory.reports import make_report
from tools.reports.summary import Report

log = logging.getLogger(__name__)


class DigestPoster(Protocol):
    """How one surface posts a digest, and what its delivery errors mean."""

    surface: str

    async def post(self, due: DueDigest, report: Report, note: str) -> str:
        """Post the report (after `note`) into `due.entry.channel`; returns the posted message's reference."""
        ...

    def problem(self, error: Exception, channel: str) -> tuple[str, bool] | None:
        """(what went wrong in plain words, whether retrying can't help) for a delivery error; None: not one."""
        ...


def digest_note(due: DueDigest) -> str:
    """The line above a scheduled report: what it is and where it is configured."""
    return (
        f"_Scheduled {due.entry.kind} digest for {due.entry.brand}. "
        "Its channel and time are set under `digests` in the BrandPilot config._"
    )


class Digests:
    """One pass posts every digest of the poster's surface that is due and not yet posted (claimed once per period)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        poster: DigestPoster,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Read the digests from `settings`, claim them in `sessions`' database, post with `poster` at `clock()`."""
        self.sessions, self.settings, self.poster, self.clock = sessions, settings, poster, clock

    async def run_once(self) -> int:
        """Post what is due now; returns how many digests were posted."""
        entries = [entry for entry in self.settings.digests if entry.surface == self.poster.surface]
        if not entries:
            return 0
        now = self.clock()
        posted = 0
        for due in due_digests(entries, now, ZoneInfo(self.settings.agents.timezone)):
            run_id = await asyncio.to_thread(self._claim, due, now)
            if run_id is not None:
                posted += await self._post(due, run_id)
        return posted

    def _claim(self, due: DueDigest, now: datetime) -> str | None:
        with write_transaction(self.sessions) as session:
            return claim_digest(session, self.poster.surface, due, now)

    async def _post(self, due: DueDigest, run_id: str) -> int:
        entry = due.entry
        try:
            report = await asyncio.to_thread(make_report, self.sessions, entry.brand, entry.kind, due.period.end)
            ref = await self.poster.post(due, report, digest_note(due))
        except Exception as exc:
            known = self.poster.problem(exc, entry.channel)
            if known is None:  # the report itself failed: logged with its trace, retried, then alerted
                log.exception("the %s digest for %s failed", entry.kind, entry.brand)
                known = f"The report could not be made ({type(exc).__name__}; details are in the log).", False
            problem, final = known
            log.warning("the %s digest for %s into %s failed: %s", entry.kind, entry.brand, entry.channel, problem)
            await asyncio.to_thread(self._finish, due, run_id, None, problem, final)
            return 0
        await asyncio.to_thread(self._finish, due, run_id, ref, None, False)
        return 1

    def _finish(self, due: DueDigest, run_id: str, ref: str | None, problem: str | None, final: bool) -> None:
        """Record the outcome; the last failed attempt raises an alert in the same transaction."""
        with write_transaction(self.sessions) as session:
            attempts = finish_digest(session, run_id, message_ref=ref, error=problem, final=final)
            if problem and attempts >= MAX_ATTEMPTS:
                AlertService(self.sessions).raise_alert(
                    NewAlert(
                        brand_id=due.entry.brand,
                        kind="digest_failed",
                        severity="warning",
                        summary=(
                            f"The {due.entry.kind} digest for {due.period.label} was not posted to "
                            f"{due.entry.surface.capitalize()} channel {due.entry.channel} "
                            f"after {attempts} attempt(s): {problem}"
                        ),
                        dedup_key=f"digest:{run_id}",
                    ),
                    session=session,
                )
