"""Delivers what background jobs raised (alert cards, notices into approval threads) and the scheduled digests."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import AlertService
from bot.jobs.worker import in_background
from bot.listening.follow_up import crisis_follow_up
from bot.slack.alerts import SlackAlertSink
from bot.slack.crisis_thread import post_follow_up
from bot.slack.digests import ClientFor, SlackDigests
from bot.slack.mrkdwn import neutralise
from bot.slack.oauth import Deployment, bot_token_for, team_of
from memory.models import utcnow
from memory.notices import claim_notices, finish_notice

log = logging.getLogger(__name__)


class SlackDispatcher:
    """One pass posts every alert card the alerts channel lacks, every notice waiting for a Slack thread and digests."""

    def __init__(self, where: Deployment, client_for: ClientFor) -> None:
        """Read alerts and notices from `where`'s database; call Slack with `client_for(team)`."""
        self.where = where
        self.client_for = client_for
        self.alerts = AlertService(where.sessions)
        self.digests = SlackDigests(where, client_for)

    async def run_once(self) -> int:
        """Deliver what is waiting and the digests that are due; returns how many messages were posted."""
        return await self._alerts() + await self._notices() + await self.digests.run_once()

    async def _alerts(self) -> int:
        channel = self.where.settings.channels.alerts
        if not channel:
            return 0
        posted = 0
        for alert in await asyncio.to_thread(self.alerts.unposted, "slack", channel):
            team = team_of(self.where.settings, alert.brand_id)
            try:
                sink = SlackAlertSink(await self.client_for(team), team)
            except Exception:  # e.g. the workspace uninstalled the app: the other alerts still go out
                log.exception("no Slack client for workspace %s; alert %s waits", team, alert.id)
                continue
            deliveries = await self.alerts.deliver(alert, sink, [channel])
            posted += sum(1 for d in deliveries if d.message_ref)
            if alert.kind == "crisis":
                for delivery in deliveries:
                    if delivery.message_ref and delivery.error is None:
                        await self._crisis_follow_up(
                            sink.client, alert.brand_id, alert.id, channel, delivery.message_ref
                        )
        return posted

    async def _crisis_follow_up(self, client: object, brand_id: str, alert_id: str, channel: str, ts: str) -> None:
        """The chart, call-in and pause note under a newly posted crisis card; a failure here never stops delivery."""
        try:
            follow = await asyncio.to_thread(
                crisis_follow_up, self.where.sessions, self.where.settings, brand_id, alert_id, now=utcnow()
            )
            if follow is not None:
                await post_follow_up(client, channel, ts, follow)
        except Exception:
            log.exception("crisis follow-up for alert %s not posted", alert_id)

    async def _notices(self) -> int:
        with self.where.sessions.begin() as session:
            notices = claim_notices(session, "slack:")
        posted = 0
        for notice in notices:
            _, team, channel, thread_ts = (notice.thread_key.split(":", 3) + ["", "", ""])[:4]
            try:
                client = await self.client_for(team or None)
            except Exception as exc:  # the workspace is gone or not set up: say so on the notice, go on
                log.warning("no Slack client for workspace %s: %s", team, exc)
                await asyncio.to_thread(self._finish, notice.id, f"no Slack token for workspace {team}: {exc}")
                continue
            try:
                await client.chat_postMessage(
                    channel=channel, thread_ts=thread_ts, text=neutralise(notice.text), unfurl_links=False
                )
            except SlackApiError as exc:  # the thread or channel is gone, or the bot left it: not retried
                error = str(exc.response.get("error") or exc.response.status_code)
                await asyncio.to_thread(self._finish, notice.id, f"Slack refused the notice ({error})")
                continue
            except (aiohttp.ClientError, TimeoutError):  # retried when the claim lapses
                log.warning("Slack could not be reached for a notice in %s; will retry", notice.thread_key)
                continue
            await asyncio.to_thread(self._finish, notice.id, None)
            posted += 1
        return posted

    def _finish(self, notice_id: str, error: str | None) -> None:
        with self.where.sessions.begin() as session:
            finish_notice(session, notice_id, error=error)


def client_factory(where: Deployment) -> ClientFor:
    """A Web API client per workspace, with the token from SLACK_BOT_TOKEN or the workspace's install."""
    from bot.slack.server import retry_handlers

    clients: dict[str | None, AsyncWebClient] = {}

    async def client_for(team: str | None) -> AsyncWebClient:
        if team not in clients:
            token = await bot_token_for(where, team)
            clients[team] = AsyncWebClient(
                token=token, base_url=where.settings.slack_api_url, retry_handlers=retry_handlers()
            )
        return clients[team]

    return client_for


async def dispatch_forever(dispatcher: SlackDispatcher, stop: threading.Event, every: float) -> None:
    """Run passes until `stop` is set; a failed pass is logged and the next one tries again."""
    while not stop.is_set():
        try:
            await dispatcher.run_once()
        except Exception:
            log.exception("delivering alerts and notices to Slack failed; trying again in %.0f s", every)
        await asyncio.to_thread(stop.wait, every)


@contextmanager
def dispatching(where: Deployment, every: float, client_for: ClientFor | None = None) -> Iterator[SlackDispatcher]:
    """Deliver alerts and notices on a thread of its own (with its own event loop) for the block."""
    dispatcher = SlackDispatcher(where, client_for or client_factory(where))
    with in_background(lambda stop: asyncio.run(dispatch_forever(dispatcher, stop, every)), "slack-dispatch"):
        yield dispatcher
