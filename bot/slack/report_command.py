"""`/brandpilot report [weekly|monthly] [brand]`: the report card posted in the channel, its charts in the thread."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.slack.mrkdwn import neutralise, to_mrkdwn
from memory.reports import make_report
from tools.reports.files import report_charts
from tools.reports.render import to_markdown
from tools.reports.summary import Report

log = logging.getLogger(__name__)
KINDS = ("weekly", "monthly")


def parse_report_args(words: str, brands: list[str]) -> tuple[str, list[str]] | str:
    """(kind, brands to report on) from `[weekly|monthly] [brand]`, or the problem to tell the person."""
    parts = words.lower().split()
    kind = parts[0] if parts else "weekly"
    if kind not in KINDS:
        return f"`report {neutralise(words)}`: say `weekly` or `monthly`, e.g. `/brandpilot report monthly`."
    if len(parts) > 2:
        return "`report` takes at most a kind and a brand, e.g. `/brandpilot report weekly harbor-pine`."
    if len(parts) == 2:
        if parts[1] not in brands:
            return f"This workspace has no brand `{neutralise(parts[1])}`; its brands: {', '.join(brands)}."
        return kind, [parts[1]]
    return kind, brands


async def post_report(client: AsyncWebClient, app: App, channel: str, brand_id: str, kind: str) -> None:
    """Build the report off the event loop, post its card, then upload the charts into the card's thread."""
    try:
        report = await asyncio.to_thread(make_report, app.sessions, brand_id, kind, datetime.now(UTC).date())
        await send_report(client, channel, report)
    except Exception:  # the person asked and must hear back; the details go to the log
        log.exception("the %s report for %s failed", kind, brand_id)
        problem = f"The {kind} report for {brand_id} couldn't be made just now (details are in the log)."
        await client.chat_postMessage(channel=channel, text=f"{problem} Try again in a moment.")


async def send_report(client: AsyncWebClient, channel: str, report: Report, *, note: str = "") -> str:
    """Post the report's card (after `note`) in `channel` and its charts in the card's thread; returns the card's ts."""
    charts = await asyncio.to_thread(report_charts, report)
    text = to_mrkdwn(to_markdown(report))
    root = await client.chat_postMessage(channel=channel, text=f"{note}\n{text}" if note else text)
    if charts:
        uploads: list[dict[str, Any]] = [{"content": c.png, "filename": c.name, "title": c.title} for c in charts]
        await client.files_upload_v2(channel=channel, thread_ts=root["ts"], file_uploads=uploads)
    return str(root["ts"])
