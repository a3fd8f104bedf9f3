"""Draft-card buttons that survive restarts (state in the custom_id), approver checks, and the Edit/Reject modals."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from agents.hitl import ApprovalDecision
from bot.discord.render import COLOURS, FIELD_LIMIT, NO_PINGS
from bot.turns import InputError, TextReply, Turn, naming_decider

if TYPE_CHECKING:
    from bot.discord.client import BrandPilotBot

log = logging.getLogger(__name__)
BUTTONS = {  # action: (label, style)
    "approve": ("Approve", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.primary),
    "reschedule": ("Reschedule", discord.ButtonStyle.secondary),
    "reject": ("Reject", discord.ButtonStyle.danger),
}
EDIT_LIMIT = 4000  # a text input's maximum
FIELD_ID = "bp:value"  # the modal's one text input


def thread_key(guild_id: int | None, channel_id: int) -> str:
    """The conversation a Discord channel or thread is: `discord:GUILD:CHANNEL`, `discord:dm:CHANNEL` in DMs."""
    return f"discord:{guild_id or 'dm'}:{channel_id}"


def discord_turn(guild_id: int | None, channel_id: int, user: discord.abc.User, text: str) -> Turn:
    """A person's message in a Discord channel, thread or DM as a surface-neutral turn, with their roles."""
    return Turn(
        thread_key(guild_id, channel_id),
        str(user.id),
        text,
        surface="discord",
        workspace=str(guild_id) if guild_id else None,
        roles=roles_of(user),
    )


def roles_of(user: discord.abc.User) -> tuple[str, ...]:
    """The member's role IDs (none in DMs)."""
    return tuple(str(role.id) for role in getattr(user, "roles", ()) if not role.is_default())


async def approvers_only(interaction: discord.Interaction, refusal: str) -> bool:
    """True for a configured approver (by Discord role or user); anyone else gets `refusal` privately."""
    bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
    if bot.app.service.can_approve("discord", str(interaction.user.id), roles_of(interaction.user)):
        return True
    await interaction.response.send_message(f"{refusal} Ask one of them.", ephemeral=True)
    return False


class CardButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"bp:(?P<action>approve|edit|reschedule|reject):(?P<approval>[A-Za-z0-9_.-]{1,80})",
):
    """One decision button of a draft card; works after a restart because the custom_id carries its approval."""

    def __init__(self, action: str, approval_id: str) -> None:
        """The `action` button for approval `approval_id`."""
        label, style = BUTTONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"bp:{action}:{approval_id}"))
        self.action, self.approval_id = action, approval_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> CardButton:
        """The button again from a click on a card posted before this process started."""
        return cls(match["action"], match["approval"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only configured approvers may act; anyone else is told privately, audited, and nothing changes."""
        bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
        if bot.app.service.can_approve("discord", str(interaction.user.id), roles_of(interaction.user)):
            return True
        key = thread_key(interaction.guild_id, interaction.channel_id or 0)
        user = str(interaction.user.id)
        refusal = await asyncio.to_thread(bot.app.service.refuse, key, user, "discord", self.action)
        await interaction.response.send_message(refusal, ephemeral=True)
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        """Approve at once; Edit, Reschedule and Reject ask for the text, time or reason in a modal first."""
        if self.action == "approve":
            await interaction.response.defer()  # within Discord's 3 seconds; the decision may take longer
            await decide(interaction, {"action": "approve", "approval_id": self.approval_id})
            return
        if self.action == "edit":
            bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
            key = thread_key(interaction.guild_id, interaction.channel_id or 0)
            pending = await asyncio.to_thread(bot.app.service.pending_approval, key)
            text = pending["draft"]["text"] if pending and pending["approval_id"] == self.approval_id else ""
            await interaction.response.send_modal(DecisionModal("edit", self.approval_id, default=text))
            return
        await interaction.response.send_modal(DecisionModal(self.action, self.approval_id))


class DecisionModal(discord.ui.Modal):
    """Edit (the new text), Reschedule (an ISO 8601 time) or Reject (a reason), then the decision."""

    def __init__(self, action: str, approval_id: str, *, default: str = "") -> None:
        """The modal for `action` on approval `approval_id`; Edit starts from the draft's `default` text."""
        titles = {"edit": "Edit the draft", "reschedule": "Reschedule the post", "reject": "Reject the draft"}
        super().__init__(title=titles[action], timeout=900, custom_id=f"bp:modal:{action}:{approval_id}"[:100])
        self.action, self.approval_id = action, approval_id
        if action == "edit":
            field = discord.ui.TextInput(
                label="Post text",
                style=discord.TextStyle.paragraph,
                default=default[:EDIT_LIMIT] or None,
                max_length=EDIT_LIMIT,
                custom_id=FIELD_ID,
            )
        elif action == "reschedule":
            field = discord.ui.TextInput(
                label="New time (ISO 8601 with a zone)",
                placeholder="2026-12-01T09:00:00+00:00",
                max_length=40,
                custom_id=FIELD_ID,
            )
        else:
            field = discord.ui.TextInput(
                label="Reason", style=discord.TextStyle.paragraph, max_length=1000, custom_id=FIELD_ID
            )
        self.field = field
        self.add_item(field)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Apply the decision with what was typed."""
        await interaction.response.defer()
        value = self.field.value
        decision: ApprovalDecision = {"action": self.action, "approval_id": self.approval_id}  # type: ignore[typeddict-item]
        decision.update(
            {"edit": {"text": value}, "reschedule": {"scheduled_for": value}}.get(self.action, {"reason": value})
        )
        await decide(interaction, decision)


async def decide(interaction: discord.Interaction, decision: ApprovalDecision) -> None:
    """Apply a decision, close the card with it, and post what follows (a new card, the outcome) in the channel."""
    bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
    key = thread_key(interaction.guild_id, interaction.channel_id or 0)
    user = str(interaction.user.id)
    try:
        result = await bot.runner.decide(key, decision, user=user, surface="discord", roles=roles_of(interaction.user))
    except InputError as exc:  # already decided, out of date, not allowed, bad time
        await interaction.followup.send(str(exc), ephemeral=True, allowed_mentions=NO_PINGS)
        return
    except Exception as exc:  # said to the person, details in the log; the card stays as it was
        log.exception("Discord decision failed in %s", key)
        message = f"That didn't go through ({type(exc).__name__}); nothing changed. Try again in a minute."
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    if interaction.message is not None:
        await interaction.followup.edit_message(
            interaction.message.id, embed=closed(interaction.message, decision, user), view=None
        )
    channel = interaction.channel
    if channel is not None:
        mention = f"<@{user}>"  # shown as the person's name; NO_PINGS keeps it from pinging them
        replies = [
            TextReply(naming_decider(r.markdown, user, mention), r.agent) if isinstance(r, TextReply) else r
            for r in result.replies
        ]
        await bot.post_replies(channel, replies)  # type: ignore[arg-type]


def closed(message: discord.Message, decision: ApprovalDecision, user: str) -> discord.Embed | None:
    """The card's embed with the decision added and the colour greyed."""
    if not message.embeds:
        return None
    embed = message.embeds[0].copy()
    embed.colour = discord.Colour(COLOURS["decided"])
    words = {"approve": "Approved", "edit": "Edited (a new card follows)", "reschedule": "Rescheduled"}
    said = words.get(decision["action"], "Rejected")
    embed.add_field(name="Decision", value=f"{said} by <@{user}>"[:FIELD_LIMIT], inline=False)
    return embed


def card_view(request: dict[str, Any]) -> discord.ui.View:
    """The persistent buttons of a draft card (no timeout), for the actions the card allows."""
    view = discord.ui.View(timeout=None)
    for action in ("approve", "edit", "reschedule", "reject"):
        if action in request["allowed_actions"]:
            view.add_item(CardButton(action, request["approval_id"]))
    return view
