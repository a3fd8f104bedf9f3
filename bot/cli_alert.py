"""`brandpilot alert test --channel C | list`: prove alert cards reach a channel, and see recent alerts."""

from __future__ import annotations

import asyncio
import getpass
import socket
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.alerts import AlertService, Delivery, NewAlert
from bot.cli import JsonOpt, app, emit_json, fail, out, settings_or_exit, user_errors
from bot.deployment import Deployment, deployment
from memory.models import ALERT_SEVERITIES, ALERT_STATUSES

alert_app = typer.Typer(help="Alert cards in chat channels.", no_args_is_help=True)
app.add_typer(alert_app, name="alert")


async def post_test_alert(where: Deployment, channel: str, severity: str, team: str | None) -> list[Delivery]:
    """Raise a test alert and post its card into `channel` with the workspace's bot token."""
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.alerts import notify
    from bot.slack.alerts import SlackAlertSink
    from bot.slack.oauth import bot_token_for
    from bot.slack.server import retry_handlers

    settings = where.settings
    token = await bot_token_for(where, team)
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url, retry_handlers=retry_handlers())
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    new = NewAlert(
        brand_id=settings.default_brand_id(),
        kind="test",
        severity=severity,
        summary="Test alert from BrandPilot: if you can read this, alert cards reach this channel. "
        "Try the buttons: only configured approvers can use them.",
        evidence=(f"Sent with `brandpilot alert test` by {who} at {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",),
    )
    return await notify(AlertService(where.sessions), SlackAlertSink(client, team), new, [channel])


@alert_app.command("test")
def alert_test(
    channel: Annotated[str, typer.Option("--channel", "-c", help="Slack channel ID (like C0123ABCD) or #name.")],
    severity: Annotated[str, typer.Option("--severity", help=f"One of {', '.join(ALERT_SEVERITIES)}.")] = "info",
    team: Annotated[
        str | None, typer.Option("--team", help="Workspace ID (T…); needed with multi-workspace installs.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Post a test alert card into a Slack channel, with working buttons."""
    channel = channel.strip()
    if not channel or any(ch.isspace() for ch in channel):
        fail(f"--channel {channel!r} is not a channel; use its ID (channel details, bottom) or #name.", code=2)
    if severity not in ALERT_SEVERITIES:
        fail(f"--severity {severity!r} is not one of {', '.join(ALERT_SEVERITIES)}.", code=2)
    settings = settings_or_exit()
    from bot.slack.oauth import NotInstalledError  # Slack libraries load only for the commands that use them

    with user_errors(), deployment(settings) as where:
        try:
            [delivery] = asyncio.run(post_test_alert(where, channel, severity, team))
        except NotInstalledError as exc:
            fail(str(exc))
    if as_json:
        emit_json({"channel": delivery.channel, "ts": delivery.message_ref, "error": delivery.error})
    if delivery.error:
        fail(f"The test alert was not posted to {channel}: {delivery.error}")
    if not as_json:
        out.print(f"Posted a test alert to {channel} (message {delivery.message_ref}).")


@alert_app.command("list")
def alert_list(
    status: Annotated[list[str] | None, typer.Option("--status", help="Only these statuses (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """The newest alerts and what was done about them."""
    wanted = tuple(status or ())
    unknown = [s for s in wanted if s not in ALERT_STATUSES]
    if unknown:
        fail(f"Unknown status {', '.join(unknown)}; use {', '.join(ALERT_STATUSES)}.", code=2)
    settings = settings_or_exit()
    with user_errors(), deployment(settings) as where:
        alerts = AlertService(where.sessions).recent(statuses=wanted, limit=limit)
    if as_json:
        emit_json([{**alert.__dict__, "evidence": list(alert.evidence)} for alert in alerts])
        return
    if not alerts:
        out.print("No alerts.")
    for alert in alerts:
        by = f" by {alert.status_by}" if alert.status_by else ""
        out.print(f"{alert.created_at:%Y-%m-%d %H:%M} {alert.severity:<8} {alert.status}{by}  {alert.summary[:80]}")
        out.print(f"  id {alert.id} · {alert.kind} · brand {alert.brand_id}", style="dim")
