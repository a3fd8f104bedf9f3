"""In a crisis card's thread in Discord: the volume chart, the playbook's call-in by role, and Resume posts."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.discord.render import NO_PINGS
from bot.discord.views import approvers_only
from bot.listening.follow_up import CrisisFollowUp, pause_note, stakeholder_note
from config.settings import ApproversConfig
from memory import queue

if TYPE_CHECKING:
    from bot.discord.client import BrandPilotBot

log = logging.getLogger(__name__)
STARTER_THREAD_EXISTS = 160004  # Discord: a thread has already been created for this message


def call_in(roles: list[str], users: list[str]) -> tuple[str, discord.AllowedMentions]:
    """Mentions of exactly these roles and people, and the allowed mentions that let them (and nobody else) ping."""
    text = " ".join([f"<@&{r}>" for r in roles] + [f"<@{u}>" for u in users])
    allowed = discord.AllowedMentions(
        everyone=False,
        roles=[discord.Object(id=int(r)) for r in roles],
        users=[discord.Object(id=int(u)) for u in users],
        replied_user=False,
    )
    return text, allowed


def holders_call_in(holders: ApproversConfig) -> str:
    """The Discord roles and members holding a playbook role, as mentions."""
    return call_in(holders.discord_roles, holders.discord_users)[0]


def follow_up_pings(follow: CrisisFollowUp) -> discord.AllowedMentions:
    """Let the stakeholder note ping the roles and people it calls in, nobody else."""
    roles = [r for who in follow.stakeholders for r in who.holders.discord_roles]
    users = [u for who in follow.stakeholders for u in who.holders.discord_users]
    return call_in(roles, users)[1]


def pause_text(brand_id: str, *, resumed_by: str | None = None, running: bool = False) -> str:
    """The pause note in Discord Markdown."""
    mark = "▶️" if resumed_by or running else "⏸️"
    who = f"<@{resumed_by}>" if resumed_by else None
    return f"{mark} {pause_note(f'**{brand_id}**', resumed_by=who, running=running)}"


async def thread_of(bot: discord.Client, message: discord.Message, name: str) -> discord.Thread:
    """The thread started from `message`, starting it when there is none yet (its ID is the message's)."""
    if message.thread is not None:
        return message.thread
    try:
        return await message.create_thread(name=name[:100])
    except discord.HTTPException as exc:
        if exc.code != STARTER_THREAD_EXISTS:
            raise
        found = bot.get_channel(message.id) or await bot.fetch_channel(message.id)
        return found  # type: ignore[return-value]


async def post_follow_up(bot: discord.Client, card: discord.Message, follow: CrisisFollowUp) -> None:
    """Post the chart, the call-in and the pause note in the card's thread; a refused part is logged, the rest go."""
    thread = await thread_of(bot, card, f"Crisis: {follow.brand_id}")
    chart = discord.File(io.BytesIO(follow.chart), filename=follow.chart_name, description="Mention volume")
    parts = [lambda: thread.send("📈 Mention volume, last 24 hours", file=chart, allowed_mentions=NO_PINGS)]
    head = "🔔 **Per the crisis playbook, telling now:**"
    if note := stakeholder_note(follow, head=head, call_in=holders_call_in, safe=discord.utils.escape_mentions):
        parts.append(lambda: thread.send(note, allowed_mentions=follow_up_pings(follow)))
    if follow.paused:
        view = discord.ui.View(timeout=None)
        view.add_item(ResumeButton(follow.brand_id))
        parts.append(lambda: thread.send(pause_text(follow.brand_id), view=view, allowed_mentions=NO_PINGS))
    for part in parts:
        try:
            await part()
        except discord.HTTPException as exc:
            log.warning("crisis follow-up for %s not posted: %s %s", follow.brand_id, exc.status, exc.text)


class ResumeButton(discord.ui.DynamicItem[discord.ui.Button], template=r"bp:resume:(?P<brand>[A-Za-z0-9_-]{1,64})"):
    """Resume posts under a crisis card: approvers only, applied once, audited; works after a restart."""

    def __init__(self, brand_id: str) -> None:
        """The button resuming `brand_id`'s scheduled posts."""
        button = discord.ui.Button(
            label="Resume posts", style=discord.ButtonStyle.success, custom_id=f"bp:resume:{brand_id}"
        )
        super().__init__(button)
        self.brand_id = brand_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ResumeButton:
        """The button again from a click on a note posted before this process started."""
        return cls(match["brand"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only configured approvers may resume posts."""
        return await approvers_only(interaction, "Only the configured approvers can resume scheduled posts.")

    async def callback(self, interaction: discord.Interaction) -> None:
        """Resume once, audited, and redraw the note with who resumed (or that they already run)."""
        bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
        if self.brand_id not in {entry.id for entry in bot.app.settings.brand_entries()}:
            message = "This button names no brand BrandPilot knows; nothing changed."
            await interaction.response.send_message(message, ephemeral=True)
            return
        await interaction.response.defer()  # within Discord's 3 seconds
        user = str(interaction.user.id)
        resumed = await asyncio.to_thread(
            queue.resume_posts, bot.app.sessions, self.brand_id, actor=user, surface="discord"
        )
        text = pause_text(self.brand_id, resumed_by=user) if resumed else pause_text(self.brand_id, running=True)
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NO_PINGS)
        if not resumed:
            message = f"{self.brand_id}'s scheduled posts are not paused; nothing changed."
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
