"""Scheduled digests in Slack: each due report posted once into its channel; one that keeps failing is alerted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import AlertService, NewAlert
from bot.slack.alerts import refusal
from bot.slack.oauth import Deployment, team_of
from bot.slack.report_command import send_report
from memory.db import write_transaction
from memory.digests import MAX_ATTEMPTS, DueDigest, claim_digest, due_digests, finish_digest
from memory.reports import make_report

log = logging.getLogger(__name__)
ClientFor = Callable[[str | None], Awaitable[AsyncWebClient]]
SURFACE = "slack"


def digest_note(due: DueDigest) -> str:
    """The line above a scheduled report: what it is and where it is configured."""
    return (
        f"_Scheduled {due.entry.kind} digest for {due.entry.brand}. "
        "Its channel and time are set under `digests` in the BrandPilot config._"
    )


class SlackDigests:
    """One pass posts every digest that is due and not yet posted (claimed in the database, so once per period)."""

    def __init__(
        self, where: Deployment, client_for: ClientFor, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        """Read the digests from `where.settings`; call Slack with `client_for(team)`; `clock` gives the time."""
        self.where = where
        self.client_for = client_for
        self.clock = clock

    async def run_once(self) -> int:
        """Post what is due now; returns how many digests were posted."""
        settings = self.where.settings
        if not settings.digests:
            return 0
        now = self.clock()
        posted = 0
        for due in due_digests(settings.digests, now, ZoneInfo(settings.agents.timezone)):
            run_id = await asyncio.to_thread(self._claim, due, now)
            if run_id is not None:
                posted += await self._post(due, run_id)
        return posted

    def _claim(self, due: DueDigest, now: datetime) -> str | None:
        with write_transaction(self.where.sessions) as session:
            return claim_digest(session, SURFACE, due, now)

    async def _post(self, due: DueDigest, run_id: str) -> int:
        entry, final = due.entry, False
        try:
            client = await self.client_for(team_of(self.where.settings, entry.brand))
            report = await asyncio.to_thread(make_report, self.where.sessions, entry.brand, entry.kind, due.period.end)
            ts = await send_report(client, entry.channel, report, note=digest_note(due))
        except SlackApiError as exc:  # Slack said no: the same post would be refused again
            error = str(exc.response.get("error") or exc.response.status_code)
            problem = refusal(error, entry.channel)
            final = True
        except (aiohttp.ClientError, TimeoutError) as exc:
            problem = f"Slack could not be reached ({type(exc).__name__})."
        except Exception as exc:  # the report itself failed: logged with its trace, retried, then alerted
            log.exception("the %s digest for %s failed", entry.kind, entry.brand)
            problem = f"The report could not be made ({type(exc).__name__}; details are in the log)."
        else:
            await asyncio.to_thread(self._finish, due, run_id, ts, None, False)
            return 1
        log.warning("the %s digest for %s into %s failed: %s", entry.kind, entry.brand, entry.channel, problem)
        await asyncio.to_thread(self._finish, due, run_id, None, problem, final)
        return 0

    def _finish(self, due: DueDigest, run_id: str, ts: str | None, problem: str | None, final: bool) -> None:
        """Record the outcome; the last failed attempt raises an alert in the same transaction."""
        with write_transaction(self.where.sessions) as session:
            attempts = finish_digest(session, run_id, message_ref=ts, error=problem, final=final)
            if problem and attempts >= MAX_ATTEMPTS:
                AlertService(self.where.sessions).raise_alert(
                    NewAlert(
                        brand_id=due.entry.brand,
                        kind="digest_failed",
                        severity="warning",
                        summary=(
                            f"The {due.entry.kind} digest for {due.period.label} was not posted to "
                            f"{due.entry.channel} after {attempts} attempt(s): {problem}"
                        ),
                        dedup_key=f"digest:{run_id}",
                    ),
                    session=session,
                )
