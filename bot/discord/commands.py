"""`/brandpilot help | ask | status | calendar | report | crisis-status`: typed options, answered within 3 seconds."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands

from bot.calendar_command import calendar_text
from bot.discord.render import CONTENT_LIMIT, NO_PINGS, text_messages
from bot.discord.views import discord_turn
from bot.listening.status import crisis_status_text
from bot.status import brand_status, render_status, served_summary
from memory.incidents import IncidentStore
from memory.reports import make_report
from tools.content.periods import PeriodError
from tools.reports.files import report_charts
from tools.reports.render import to_markdown

if TYPE_CHECKING:
    from bot.discord.client import BrandPilotBot

log = logging.getLogger(__name__)
USAGE = (
    "**BrandPilot commands**\n"
    "• `/brandpilot ask request:…`: ask or request anything; I answer in a thread\n"
    "• `/brandpilot status`: what is scheduled and waiting\n"
    "• `/brandpilot calendar [dates]`: the content calendar, e.g. `next week` (default: the next 14 days)\n"
    "• `/brandpilot report [kind] [brand]`: the weekly or monthly report card with its charts\n"
    "• `/brandpilot crisis-status`: open crisis incidents\n"
    "• `/brandpilot help`: this list\n"
    "Or mention me in a channel, or DM me."
)


def guild_brands(bot: BrandPilotBot, guild_id: int | None) -> list[str]:
    """The brands the config maps a server to (the default brand when none is), never another's."""
    app = bot.app
    mapped = [w.brand for w in app.settings.workspaces if w.surface == "discord" and w.id == str(guild_id)]
    return [b for b in mapped if b in app.brands] or [app.settings.default_brand_id()]


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

    @group.command(name="crisis-status", description="Open crisis incidents of this server's brands")
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
    pieces = text_messages(to_markdown(made))
    for index, out in enumerate(pieces):
        last = index == len(pieces) - 1
        files = [discord.File(io.BytesIO(c.png), filename=c.name, description=c.title) for c in charts] if last else []
        await interaction.followup.send(out.content, files=files, allowed_mentions=NO_PINGS)
