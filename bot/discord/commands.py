"""`/brandpilot help | ask | status | calendar | campaign | report | crisis status`, each answered within 3 s."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.calendar_command import calendar_text
from bot.campaign_command import campaign_reply
from bot.discord.render import CONTENT_LIMIT, NO_PINGS, report_messages, text_messages
from bot.discord.views import discord_turn
from bot.listening.status import crisis_status_text
from bot.status import brand_status, render_status, served_summary, workspace_brands
from memory.campaigns import CampaignError
from memory.incidents import IncidentStore
from memory.reports import make_report
from tools.content.periods import PeriodError
from tools.reports.files import report_charts
from tools.reports.render import to_markdown

if TYPE_CHECKING:
    from bot.discord.client import BrandPilotBot

log = logging.getLogger(__name__)
CampaignState = Literal["planning", "active", "paused", "completed"]
USAGE = (
    "**BrandPilot commands**\n"
    "• `/brandpilot ask request:…`: ask or request anything; I answer in a thread\n"
    "• `/brandpilot status`: what is scheduled and waiting\n"
    "• `/brandpilot calendar [dates]`: the content calendar, e.g. `next week` (default: the next 14 days)\n"
    "• `/brandpilot report [kind] [brand]`: the weekly or monthly report card with its charts\n"
    "• `/brandpilot campaign [name] [state]`: the campaigns, or one campaign's KPIs and budget pacing\n"
    "• `/brandpilot crisis status`: open crisis incidents\n"
    "• `/brandpilot help`: this list\n"
    "Or mention me in a channel, or DM me."
)


def guild_brands(bot: BrandPilotBot, guild_id: int | None) -> list[str]:
    """The brands of a Discord server (the default brand in DMs and unmapped servers)."""
    return workspace_brands(bot.app, "discord", str(guild_id) if guild_id else None)


def status_text(bot: BrandPilotBot, guild_id: int | None) -> str:
    """The brands served, then per brand of this server: accounts and tokens, the queue, pauses, last results."""
    app, shown = bot.app, guild_brands(bot, guild_id)
    names, posts, model = served_summary(app, shown)
    head = f"**BrandPilot is up.** Brands: {names}. Posts: {posts}. Model: {model}."
    return f"{head}\n{render_status([brand_status(app, brand_id) for brand_id in shown])}"


def register_commands(bot: BrandPilotBot) -> None:
    """Add the /brandpilot group to the bot's command tree."""
    group = app_commands.Group(name="brandpilot", description="BrandPilot, the marketing assistant")

    @group.command(name="help", description="What BrandPilot can do here")
    async def help_command(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(USAGE, ephemeral=True, allowed_mentions=NO_PINGS)

    @group.command(name="ask", description="Ask or request anything; the answer comes in a thread")
    @app_commands.describe(request="What you want, e.g. a LinkedIn post about our winter sale")
    async def ask(interaction: discord.Interaction, request: app_commands.Range[str, 1, 1800]) -> None:
        await interaction.response.send_message(f"**{interaction.user.display_name}** asked: {request}")
        channel = interaction.channel
        if isinstance(channel, discord.TextChannel):
            started = await interaction.original_response()
            channel = await started.create_thread(name=" ".join(request.split())[:100])
        if channel is None:
            return
        turn = discord_turn(interaction.guild_id, channel.id, interaction.user, request)
        await bot.answer(channel, turn, nonce_base=str(interaction.id))  # type: ignore[arg-type]

    @group.command(name="status", description="Accounts, tokens, the queue and pauses")
    async def status(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await _send_text(interaction, await asyncio.to_thread(status_text, bot, interaction.guild_id))

    @group.command(name="calendar", description="The content calendar for some dates")
    @app_commands.describe(dates="e.g. next week, december, 2026-12-01 to 2026-12-14 (default: the next 14 days)")
    async def calendar(interaction: discord.Interaction, dates: app_commands.Range[str, 0, 100] = "") -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        brands = guild_brands(bot, interaction.guild_id)
        try:
            texts = await asyncio.to_thread(lambda: [calendar_text(bot.app, b, dates) for b in brands])
        except PeriodError as error:
            await _send_text(interaction, f"{error}\n\n{USAGE}")
            return
        await _send_text(interaction, "\n\n".join(texts))

    @group.command(name="campaign", description="This server's campaigns, or one campaign's KPIs and budget pacing")
    @app_commands.describe(name="a campaign's name: its KPIs and pacing (default: list them)", state="list only these")
    async def campaign(
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 120] | None = None,
        state: CampaignState | None = None,
    ) -> None:
        if name and state:
            message = "Give a campaign's `name` to see it, or a `state` to list campaigns in it, not both."
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        words = f"status {name}" if name else f"list {state or ''}"
        brands, today = guild_brands(bot, interaction.guild_id), datetime.now(UTC).date()
        try:
            text = await asyncio.to_thread(campaign_reply, bot.app, brands, words, today)
        except CampaignError as error:
            text = str(error)
        await _send_text(interaction, text)

    crisis = app_commands.Group(name="crisis", description="Crisis incidents", parent=group)

    @crisis.command(name="status", description="Open crisis incidents of this server's brands")
    async def crisis_status(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        brands = set(guild_brands(bot, interaction.guild_id))
        incidents = await asyncio.to_thread(IncidentStore(bot.app.sessions).open_incidents)
        await _send_text(interaction, crisis_status_text([i for i in incidents if i.brand_id in brands]))

    @group.command(name="report", description="The weekly or monthly report card, with its charts")
    @app_commands.describe(kind="weekly or monthly", brand="one of this server's brands (default: all)")
    async def report(
        interaction: discord.Interaction, kind: Literal["weekly", "monthly"] = "weekly", brand: str | None = None
    ) -> None:
        brands = guild_brands(bot, interaction.guild_id)
        if brand is not None and brand not in brands:
            message = f"This server has no brand `{brand}`; its brands: {', '.join(brands)}."
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await interaction.response.defer(thinking=True)
        for brand_id in [brand] if brand else brands:
            await _send_report(bot, interaction, brand_id, kind)

    bot.tree.add_command(group)


async def _send_text(interaction: discord.Interaction, markdown: str) -> None:
    """A deferred command's answer, split within Discord's limit, seen only by the person who asked."""
    for out in text_messages(markdown):
        await interaction.followup.send(out.content[:CONTENT_LIMIT], ephemeral=True, allowed_mentions=NO_PINGS)


async def _send_report(bot: BrandPilotBot, interaction: discord.Interaction, brand_id: str, kind: str) -> None:
    """The report card as messages and its PNG charts as attachments; a failure is said, details logged."""
    try:
        today = datetime.now(UTC).date()
        made = await asyncio.to_thread(make_report, bot.app.sessions, brand_id, kind, today)
        charts = await asyncio.to_thread(report_charts, made)
    except Exception:
        log.exception("the %s report for %s failed", kind, brand_id)
        problem = f"The {kind} report for {brand_id} couldn't be made just now (details are in the log). Try again."
        await interaction.followup.send(problem, allowed_mentions=NO_PINGS)
        return
    for out in report_messages(to_markdown(made), charts):
        await interaction.followup.send(out.content, files=out.files, allowed_mentions=NO_PINGS)
