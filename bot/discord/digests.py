"""Scheduled digests in Discord: the report card as messages in the channel, its PNG charts attached."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.alerts import AlertDeliveryError
from bot.digests import Digests
from bot.discord.alerts import channel_of
from bot.discord.render import NO_PINGS, report_messages
from memory.digests import DueDigest
from tools.reports.files import report_charts
from tools.reports.render import to_markdown
from tools.reports.summary import Report

if TYPE_CHECKING:
    from bot.app import App


class DiscordDigestPoster:
    """Posts digests with the bot's REST client."""

    surface = "discord"

    def __init__(self, bot: discord.Client) -> None:
        """Post through `bot`."""
        self.bot = bot

    async def post(self, due: DueDigest, report: Report, note: str) -> str:
        """The card (after `note`) and its charts; returns the first message's ID."""
        channel = await channel_of(self.bot, due.entry.channel, "digests[].channel")
        charts = await asyncio.to_thread(report_charts, report)
        first: discord.Message | None = None
        for out in report_messages(to_markdown(report), charts, note=note):
            sent = await channel.send(out.content, files=out.files, allowed_mentions=NO_PINGS)
            first = first or sent
        assert first is not None
        return str(first.id)

    def problem(self, error: Exception, channel: str) -> tuple[str, bool] | None:
        """Discord said no, or can't show the channel (final); Discord failed or was unreachable (retried)."""
        if isinstance(error, AlertDeliveryError):
            return str(error), True
        if isinstance(error, discord.Forbidden):
            return f"BrandPilot may not post in Discord channel {channel}; allow Send Messages and Attach Files.", True
        if isinstance(error, discord.DiscordServerError):
            return f"Discord failed ({error.status}); it is tried again.", False
        if isinstance(error, discord.HTTPException):
            return f"Discord refused the digest ({error.status}: {error.text}).", True
        if isinstance(error, aiohttp.ClientError | TimeoutError):
            return f"Discord could not be reached ({type(error).__name__}).", False
        return None


def discord_digests(bot: discord.Client, app: App) -> Digests:
    """The Discord digests of the running assistant's config, posted by `bot`."""
    return Digests(app.sessions, app.settings, DiscordDigestPoster(bot))
