"""`/brandpilot help | ask TEXT | status | report | calendar | campaign | crisis status`, answered within 3 s."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.calendar_command import calendar_text
from bot.campaign_command import campaign_reply
from bot.listening.status import crisis_status_text
from bot.slack.mrkdwn import neutralise, to_mrkdwn
from bot.slack.report_command import parse_report_args, post_report
from bot.status import brand_status, render_status, served_summary
from bot.status import workspace_brands as surface_brands
from memory.campaigns import CampaignError
from memory.incidents import IncidentStore
from tools.content.periods import PeriodError

log = logging.getLogger(__name__)
COMMAND = "/brandpilot"
USAGE = (
    "*BrandPilot commands*\n"
    "• `/brandpilot ask TEXT`: ask or request anything; I answer in a thread here\n"
    "• `/brandpilot status`: what is scheduled and waiting\n"
    "• `/brandpilot calendar [dates]`: the content calendar, e.g. `calendar next week` (default: the next 14 days)\n"
    "• `/brandpilot report [weekly|monthly] [brand]`: the report card here, its charts in the thread\n"
    "• `/brandpilot campaign [list [STATE] | status NAME]`: the campaigns, or one's KPIs and budget pacing\n"
    "• `/brandpilot crisis status`: open crisis incidents\n"
    "• `/brandpilot help`: this list\n"
    "Or mention me in a channel, or DM me."
)


def usage_error(problem: str) -> str:
    """A private answer for malformed input: what was wrong, then how to use the command."""
    return f"{problem}\n\n{USAGE}"


def workspace_brands(app: App, team: str | None) -> list[str]:
    """The brands of a Slack workspace."""
    return surface_brands(app, "slack", team)


def calendar_reply(app: App, team: str | None, words: str) -> str:
    """The calendar of each brand of the workspace for the dates named; bad dates get a usage answer."""
    try:
        brands = workspace_brands(app, team)
        texts = [
            (f"**{app.brands[b].name}**\n" if len(brands) > 1 else "") + calendar_text(app, b, words) for b in brands
        ]
    except PeriodError as error:
        return usage_error(neutralise(str(error)))
    except Exception:  # the command must still be answered within Slack's 3 seconds
        log.exception("/brandpilot calendar failed")
        return "The calendar couldn't be read just now (details are in the log). Try again in a moment."
    return to_mrkdwn("\n\n".join(texts))


def status_text(app: App, team: str | None = None) -> str:
    """The brands served, then per brand of this workspace: accounts and tokens, the queue, pauses, last results.

    A workspace sees only the brands the config maps it to (the default brand when none is), never another's.
    """
    shown = workspace_brands(app, team)
    names, posts, model = served_summary(app, shown)
    head = f"*BrandPilot is up.* Brands: {neutralise(names)}. Posts: {posts}. Model: {neutralise(model)}."
    return f"{head}\n{neutralise(render_status([brand_status(app, brand_id) for brand_id in shown]))}"


def campaign_answer(app: App, team: str | None, words: str) -> str:
    """`campaign [list [STATE]] | status NAME` for the workspace's brands; a wrong form gets a usage answer."""
    try:
        return to_mrkdwn(campaign_reply(app, workspace_brands(app, team), words, datetime.now(UTC).date()))
    except CampaignError as error:
        return usage_error(neutralise(str(error)))
    except Exception:  # the command must still be answered within Slack's 3 seconds
        log.exception("/brandpilot campaign failed")
        return "The campaigns couldn't be read just now (details are in the log). Try again in a moment."


def crisis_reply(app: App, team: str | None) -> str:
    """The open incidents of the workspace's brands."""
    brands = set(workspace_brands(app, team))
    incidents = [i for i in IncidentStore(app.sessions).open_incidents() if i.brand_id in brands]
    return neutralise(crisis_status_text(incidents))


def register_commands(bolt: AsyncApp, app: App, ask: Any) -> None:
    """The slash command; `ask(body, event, client)` runs a turn like a mention does."""

    @bolt.command(COMMAND)
    async def on_command(ack: Any, command: dict[str, Any], client: AsyncWebClient, body: dict[str, Any]) -> None:
        words = str(command.get("text") or "").split(maxsplit=1)
        sub, rest = (words[0].lower(), words[1].strip() if len(words) > 1 else "") if words else ("help", "")
        if sub == "help":
            await ack(text=USAGE)
            return
        if sub == "status":
            await ack(text=await asyncio.to_thread(status_text, app, command.get("team_id")))
            return
        if sub == "calendar":
            await ack(text=await asyncio.to_thread(calendar_reply, app, command.get("team_id"), rest))
            return
        if sub == "report":
            parsed = parse_report_args(rest, workspace_brands(app, command.get("team_id")))
            if isinstance(parsed, str):
                await ack(text=usage_error(parsed))
                return
            kind, brands = parsed
            await ack(text=f"Making the {kind} report for {', '.join(brands)}; it will appear in this channel.")
            for brand_id in brands:
                await post_report(client, app, command["channel_id"], brand_id, kind)
            return
        if sub == "crisis":
            if rest.lower() != "status":
                await ack(text=usage_error(f"`crisis {neutralise(rest)}` isn't a form I know; use `crisis status`."))
                return
            await ack(text=await asyncio.to_thread(crisis_reply, app, command.get("team_id")))
            return
        if sub == "ask":
            if not rest:
                await ack(
                    text=usage_error("`ask` needs a request, e.g. `/brandpilot ask write a tweet about our sale`.")
                )
                return
            await ack(text="On it: I'll answer in a thread in this channel.")
            await ask_in_thread(client, command, rest, ask)
            return
        if sub == "campaign":
            await ack(text=await asyncio.to_thread(campaign_answer, app, command.get("team_id"), rest))
            return
        await ack(text=usage_error(f"I don't know `{neutralise(sub)}`."))


async def ask_in_thread(client: AsyncWebClient, command: dict[str, Any], text: str, ask: Any) -> None:
    """Start a thread with the request as its first message, then run it there like a mention."""
    user, channel, team = command["user_id"], command["channel_id"], command.get("team_id") or ""
    root = await client.chat_postMessage(channel=channel, text=f"<@{user}> asked: {neutralise(text)}")
    event = {"user": user, "channel": channel, "ts": root["ts"], "text": text, "team": team}
    body = {"team_id": team, "event_id": f"command:{command.get('trigger_id') or root['ts']}"}
    await ask(body, event, client)
