"""Alert cards in Discord: the same cards, buttons and rules as Slack, posted by the bot's own dispatch loop."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.alerts import Action, AlertDeliveryError, AlertService, AlertView, response_request
from bot.discord.crisis_thread import call_in, post_follow_up, thread_of
from bot.discord.render import FIELD_LIMIT, NO_PINGS
from bot.discord.views import approvers_only, discord_turn, thread_key
from bot.listening.aftermath import crisis_aftermath
from bot.listening.follow_up import crisis_follow_up
from bot.turns import InputError
from memory.models import utcnow

if TYPE_CHECKING:
    from bot.discord.client import BrandPilotBot

log = logging.getLogger(__name__)
COLOURS = {"info": 0x1565C0, "warning": 0xF9A825, "high": 0xEF6C00, "critical": 0xC62828}
LABELS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "acknowledge": ("Acknowledge", discord.ButtonStyle.secondary),
    "draft_response": ("Draft response", discord.ButtonStyle.primary),
    "escalate": ("Escalate", discord.ButtonStyle.danger),
    "resolve": ("Resolve", discord.ButtonStyle.success),
}
PAST = {"acknowledged": "Acknowledged", "escalated": "Escalated", "resolved": "Resolved"}
SHOWN_EVIDENCE = 8


def alert_embed(view: AlertView) -> discord.Embed:
    """The card for an alert as it stands now."""
    kind = view.kind.replace("_", " ")
    embed = discord.Embed(
        title=f"{view.severity.capitalize()} alert · {kind}"[:256],
        description=view.summary[:4000],
        colour=COLOURS.get(view.severity, 0x616161),
        timestamp=view.created_at,
    )
    if view.evidence:
        lines = [f"• {' '.join(item.split())[:300]}" for item in view.evidence[:SHOWN_EVIDENCE]]
        if len(view.evidence) > SHOWN_EVIDENCE:
            lines.append(f"…and {len(view.evidence) - SHOWN_EVIDENCE} more")
        embed.add_field(name="Evidence", value="\n".join(lines)[:FIELD_LIMIT], inline=False)
    status = "Open: nobody has picked this up yet"
    if view.status in PAST and view.status_at:
        status = f"{PAST[view.status]} by <@{view.status_by}> at {view.status_at:%Y-%m-%d %H:%M UTC}"
    if view.response_thread:
        status += " · a response is being drafted in this card's thread"
    embed.add_field(name="Status", value=status[:FIELD_LIMIT], inline=False)
    embed.set_footer(text=f"brand {view.brand_id} · alert {view.id}")
    return embed


def alert_view(view: AlertView) -> discord.ui.View | None:
    """The buttons that still make sense for the alert (none once resolved)."""
    actions = view.actions()
    if not actions:
        return None
    buttons = discord.ui.View(timeout=None)
    for action in actions:
        buttons.add_item(AlertButton(action, view.id))
    return buttons


class DiscordAlertSink:
    """Posts and redraws alert cards in Discord channels."""

    surface = "discord"
    workspace = None

    def __init__(self, bot: discord.Client) -> None:
        """Post through `bot`'s REST client."""
        self.bot = bot

    async def post(self, alert: AlertView, channel: str) -> str:
        """Post the card; the error says in plain words why Discord refused it."""
        target = await channel_of(self.bot, channel, "discord.alerts_channel")
        view = alert_view(alert) or discord.utils.MISSING
        try:
            message = await target.send(embed=alert_embed(alert), view=view, allowed_mentions=NO_PINGS)
        except discord.Forbidden as exc:
            raise AlertDeliveryError(f"BrandPilot may not post in channel {channel}: {exc.text}") from exc
        except discord.HTTPException as exc:
            raise AlertDeliveryError(f"Discord refused the alert card ({exc.status}: {exc.text})") from exc
        return str(message.id)

    async def refresh(self, alert: AlertView, channel: str, message_ref: str) -> None:
        """Redraw a posted card in place."""
        target = await channel_of(self.bot, channel, "discord.alerts_channel")
        try:
            await target.get_partial_message(int(message_ref)).edit(embed=alert_embed(alert), view=alert_view(alert))
        except discord.HTTPException as exc:
            raise AlertDeliveryError(f"Discord refused the card update ({exc.status}: {exc.text})") from exc


async def channel_of(bot: discord.Client, channel: str, setting: str) -> discord.TextChannel:
    """The channel with that ID; AlertDeliveryError says what to check in `setting` when the bot can't see it."""
    try:
        found = bot.get_channel(int(channel)) or await bot.fetch_channel(int(channel))
    except (ValueError, discord.HTTPException) as exc:
        raise AlertDeliveryError(
            f"BrandPilot can't see Discord channel {channel}: check `{setting}` (a channel ID) and that the bot was "
            "invited with the View Channel and Send Messages permissions."
        ) from exc
    return found  # type: ignore[return-value]


class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"bp:alert:(?P<action>acknowledge|draft_response|escalate|resolve):(?P<alert>[A-Za-z0-9_-]{1,64})",
):
    """One action button of an alert card; approvers only; applied once however many people click."""

    def __init__(self, action: str, alert_id: str) -> None:
        """The `action` button of alert `alert_id`."""
        label, style = LABELS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"bp:alert:{action}:{alert_id}"))
        self.action, self.alert_id = action, alert_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> AlertButton:
        """The button again from a click on a card posted before this process started."""
        return cls(match["action"], match["alert"])

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Only configured approvers may act on alerts; a refusal is private and audited."""
        if await approvers_only(interaction, "Only the configured approvers can act on alerts."):
            return True
        service = AlertService(interaction.client.app.sessions)  # type: ignore[attr-defined]
        user = str(interaction.user.id)
        await asyncio.to_thread(service.refuse, self.alert_id, self.action, actor=user)  # type: ignore[arg-type]
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        """Apply the action once, redraw the card, and do what follows (thread, report, call-in)."""
        bot: BrandPilotBot = interaction.client  # type: ignore[assignment]
        await interaction.response.defer()
        service, user = AlertService(bot.app.sessions), str(interaction.user.id)
        message = interaction.message
        if message is None:
            return
        thread = None
        if self.action == "draft_response":
            thread = await thread_of(bot, message, "Crisis response")
        key = thread_key(interaction.guild_id, thread.id) if thread else None
        try:
            action: Action = self.action  # type: ignore[assignment]
            result = await asyncio.to_thread(service.act, self.alert_id, action, actor=user, response_thread=key)
        except InputError as exc:
            await interaction.followup.send(str(exc), ephemeral=True, allowed_mentions=NO_PINGS)
            return
        if not result.applied:
            done = f"Nothing changed: this alert is already {result.alert.status}."
            await interaction.followup.send(done, ephemeral=True, allowed_mentions=NO_PINGS)
            return
        await service.refresh_cards(result.alert, DiscordAlertSink(bot))
        await self._after(bot, interaction, message, result.alert, thread, user)

    async def _after(
        self,
        bot: BrandPilotBot,
        interaction: discord.Interaction,
        message: discord.Message,
        alert: AlertView,
        thread: discord.Thread | None,
        user: str,
    ) -> None:
        if self.action == "resolve" and alert.kind == "crisis":
            report = await asyncio.to_thread(crisis_aftermath, bot.app.sessions, alert.brand_id, alert.id, actor=user)
            if report:
                target = await thread_of(bot, message, "Post-crisis report")
                await bot.post_text(target, report)
        if self.action == "escalate":
            options = bot.app.settings.alerts
            called, pings = call_in(options.escalate_to_discord_roles, options.escalate_to_discord_users)
            try:
                target = await thread_of(bot, message, "Escalation")
                await target.send(escalation_note(user, called), allowed_mentions=pings)
            except discord.HTTPException as exc:
                log.warning("escalation note for alert %s not posted: %s %s", alert.id, exc.status, exc.text)
                problem = "The alert is marked escalated, but I couldn't post the call-in: please bring people in."
                await interaction.followup.send(problem, ephemeral=True, allowed_mentions=NO_PINGS)
        if self.action == "draft_response" and thread is not None:
            turn = discord_turn(interaction.guild_id, thread.id, interaction.user, response_request(alert))
            await bot.answer(thread, turn, nonce_base=str(interaction.id))


def escalation_note(user: str, called: str) -> str:
    """The thread message Escalate posts: who escalated, and the configured roles and people it calls in."""
    if not called:
        return (
            f"🚨 Escalated by <@{user}>. No escalation contacts are configured (`alerts.escalate_to_discord_roles` "
            "or `escalate_to_discord_users` in the BrandPilot config), so please bring in the right people."
        )
    return f"🚨 Escalated by <@{user}>. {called}: please take a look."


async def dispatch_alerts(bot: BrandPilotBot, channel: str) -> int:
    """Post every recent alert the Discord alerts channel lacks (a crisis card with its follow-up); returns how many."""
    service = AlertService(bot.app.sessions)
    posted = 0
    for alert in await asyncio.to_thread(service.unposted, "discord", channel):
        deliveries = await service.deliver(alert, DiscordAlertSink(bot), [channel])
        posted += sum(1 for d in deliveries if d.message_ref)
        if alert.kind == "crisis":
            for delivery in deliveries:
                if delivery.message_ref and delivery.error is None:
                    await _crisis_follow_up(bot, alert.brand_id, alert.id, channel, delivery.message_ref)
    return posted


async def _crisis_follow_up(bot: BrandPilotBot, brand_id: str, alert_id: str, channel: str, ref: str) -> None:
    """The chart, call-in and pause note under a newly posted crisis card; a failure here never stops delivery."""
    try:
        app = bot.app
        follow = await asyncio.to_thread(crisis_follow_up, app.sessions, app.settings, brand_id, alert_id, now=utcnow())
        if follow is not None:
            card = (await channel_of(bot, channel, "discord.alerts_channel")).get_partial_message(int(ref))
            await post_follow_up(bot, await card.fetch(), follow)
    except Exception:
        log.exception("crisis follow-up for alert %s not posted in Discord", alert_id)
