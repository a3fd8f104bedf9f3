"""Scheduled digests in Slack: the report card in the channel, its charts in the card's thread."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.digests import Digests
from bot.slack.alerts import refusal
from bot.slack.oauth import Deployment, team_of
from bot.slack.report_command import send_report
from memory.digests import DueDigest
from tools.reports.summary import Report

ClientFor = Callable[[str | None], Awaitable[AsyncWebClient]]


class SlackDigestPoster:
    """Posts digests with the brand's workspace client."""

    surface = "slack"

    def __init__(self, where: Deployment, client_for: ClientFor) -> None:
        """Find each brand's workspace in `where.settings`; call Slack with `client_for(team)`."""
        self.where, self.client_for = where, client_for

    async def post(self, due: DueDigest, report: Report, note: str) -> str:
        """The card (after `note`) and its charts; returns the card's ts."""
        client = await self.client_for(team_of(self.where.settings, due.entry.brand))
        return await send_report(client, due.entry.channel, report, note=note)

    def problem(self, error: Exception, channel: str) -> tuple[str, bool] | None:
        """Slack said no (final: the same post would be refused again), or Slack could not be reached (retried)."""
        if isinstance(error, SlackApiError):
            return refusal(str(error.response.get("error") or error.response.status_code), channel), True
        if isinstance(error, aiohttp.ClientError | TimeoutError):
            return f"Slack could not be reached ({type(error).__name__}).", False
        return None


def SlackDigests(  # noqa: N802 - reads like the class it builds
    where: Deployment, client_for: ClientFor, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> Digests:
    """The Slack digests of `where`'s config, posted with `client_for(team)`, due by `clock()`."""
    return Digests(where.sessions, where.settings, SlackDigestPoster(where, client_for), clock)
