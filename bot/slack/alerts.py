"""Alert cards in Slack: severity, summary, evidence and Acknowledge / Draft response / Escalate / Resolve."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts import Action, AlertDeliveryError, AlertService, AlertView, response_request
from bot.app import App
from bot.listening.aftermath import crisis_aftermath
from bot.runner import TurnRunner
from bot.slack.approvals import SlackApprovals
from bot.slack.blocks import ACTION_PREFIX, Message
from bot.slack.crisis_thread import call_in
from bot.slack.events import thread_key
from bot.slack.mrkdwn import SECTION_LIMIT, neutralise, split, to_mrkdwn
from bot.turns import InputError

log = logging.getLogger(__name__)
ALERT_PREFIX = ACTION_PREFIX + "alert."
MARKS = {
    "info": ":information_source:",
    "warning": ":warning:",
    "high": ":large_orange_circle:",
    "critical": ":red_circle:",
}
BUTTONS: dict[Action, tuple[str, str | None]] = {
    "acknowledge": ("Acknowledge", None),
    "draft_response": ("Draft response", "primary"),
    "escalate": ("Escalate", "danger"),
    "resolve": ("Resolve", None),
}
PAST = {"acknowledged": "Acknowledged", "escalated": "Escalated", "resolved": "Resolved"}
SHOWN_EVIDENCE = 8
EVIDENCE_CHARS = 400
REFUSALS = {  # Slack error: what it means for the person who asked for the post
    "channel_not_found": "BrandPilot can't see channel {channel}: check the ID (channel details, bottom), and invite "
    "BrandPilot to private channels with /invite @BrandPilot.",
    "not_in_channel": "BrandPilot is not in {channel}: invite it there with /invite @BrandPilot.",
    "is_archived": "Channel {channel} is archived: unarchive it or configure another channel.",
    "invalid_auth": "Slack refused the bot token: check SLACK_BOT_TOKEN (or reinstall the app).",
    "not_authed": "Slack refused the bot token: check SLACK_BOT_TOKEN (or reinstall the app).",
    "token_revoked": "The bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN.",
    "account_inactive": "The bot token belongs to a deactivated app: reinstall the app and update SLACK_BOT_TOKEN.",
}


def refusal(error: str, channel: str) -> str:
    """What a Slack error code on a post into `channel` means, and what to do about it."""
    return REFUSALS.get(error, "Slack refused the post ({error}).").format(channel=channel, error=error)


def _when(view: AlertView) -> str:
    return view.status_at.strftime("%Y-%m-%d %H:%M UTC") if view.status_at else ""


def alert_card(view: AlertView) -> Message:
    """The card for an alert as it stands now; resolved alerts keep their content and lose their buttons."""
    kind = view.kind.replace("_", " ")
    head = f"{MARKS.get(view.severity, '')} {view.severity.capitalize()} alert · {kind}".strip()
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=head[:150], emoji=True))]
    for piece in split(neutralise(view.summary), SECTION_LIMIT):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=piece)))
    if view.evidence:
        lines = [f"• {neutralise(_short(item))}" for item in view.evidence[:SHOWN_EVIDENCE]]
        if len(view.evidence) > SHOWN_EVIDENCE:
            lines.append(f"_…and {len(view.evidence) - SHOWN_EVIDENCE} more_")
        for piece in split("*Evidence*\n" + "\n".join(lines), SECTION_LIMIT):
            blocks.append(SectionBlock(text=MarkdownTextObject(text=piece)))
    raised = view.created_at.strftime("%Y-%m-%d %H:%M UTC")
    facts = [f"Brand *{neutralise(view.brand_id)}*", f"raised {raised}", f"alert `{view.id}`"]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(facts))]))
    status = "*Open*: nobody has picked this up yet"
    if view.status in PAST:
        status = f"*{PAST[view.status]}* by <@{view.status_by}> at {_when(view)}"
    if view.response_thread:
        status += " · a response is being drafted in this thread"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
    buttons = [
        ButtonElement(text=PlainTextObject(text=label), action_id=ALERT_PREFIX + action, value=view.id, style=style)
        for action, (label, style) in BUTTONS.items()
        if action in view.actions()
    ]
    if buttons:
        blocks.append(ActionsBlock(block_id=ALERT_PREFIX + "card", elements=buttons))
    text = f"{view.severity.capitalize()} alert: {neutralise(' '.join(view.summary.split()))}"
    return Message(text=text[:300], blocks=blocks)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EVIDENCE_CHARS else flat[: EVIDENCE_CHARS - 1] + "…"


class SlackAlertSink:
    """Posts and redraws alert cards with one workspace's client."""

    surface = "slack"

    def __init__(self, client: Any, workspace: str | None) -> None:
        """`client` is an `AsyncWebClient` (or a paced one) for the workspace `workspace`."""
        self.client = client
        self.workspace = workspace

    async def post(self, alert: AlertView, channel: str) -> str:
        """Post the card; the error says in plain words why Slack refused it."""
        response = await self._call(self.client.chat_postMessage, channel=channel, **alert_card(alert).payload())
        return str(response["ts"])

    async def refresh(self, alert: AlertView, channel: str, message_ref: str) -> None:
        """Redraw a posted card in place."""
        await self._call(self.client.chat_update, channel=channel, ts=message_ref, **alert_card(alert).payload())

    async def _call(self, method: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        channel = kwargs["channel"]
        try:
            return await method(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            raise AlertDeliveryError(refusal(error, channel)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise AlertDeliveryError(f"Slack could not be reached ({type(exc).__name__}); try again shortly.") from exc


def escalation_note(user: str, contacts: list[str]) -> str:
    """The thread message Escalate posts: who escalated, and the configured people it calls in."""
    if not contacts:
        return (
            f":rotating_light: Escalated by <@{user}>. No escalation contacts are configured "
            "(`alerts.escalate_to_slack` in the BrandPilot config), so please bring in the right people."
        )
    called = call_in(contacts)
    return f":rotating_light: Escalated by <@{user}>. {called}: please take a look."


Conversation = Callable[[dict[str, Any], dict[str, Any], AsyncWebClient], Awaitable[None]]


def register_alerts(bolt: AsyncApp, app: App, runner: TurnRunner, converse: Conversation) -> None:
    """Alert-card buttons: approvers only, each action applied once, cards redrawn everywhere they were posted."""
    service = AlertService(app.sessions)
    approvals = SlackApprovals(app, runner)
    contacts = list(app.settings.alerts.escalate_to_slack)

    @bolt.action(re.compile(rf"^{re.escape(ALERT_PREFIX)}(acknowledge|draft_response|escalate|resolve)$"))
    async def on_alert_button(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        await ack()
        kind: Action = str(action["action_id"]).removeprefix(ALERT_PREFIX)  # type: ignore[assignment]
        user, channel = body["user"]["id"], body["channel"]["id"]
        card_ts = str((body.get("message") or {}).get("ts") or "")
        team = str((body.get("team") or {}).get("id") or "")

        async def tell(text: str) -> None:
            await client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=card_ts or None)

        alert_id = str(action.get("value") or "")
        if not (await approvals.may_decide(client, user))[0]:
            await asyncio.to_thread(service.refuse, alert_id, kind, actor=user)
            await tell("Only the configured approvers can act on alerts; ask one of them.")
            return
        thread = thread_key(team, channel, card_ts)
        card_of = await asyncio.to_thread(service.message_of, "slack", channel, card_ts)
        if card_of != alert_id:  # the button must belong to the card it sits on
            await tell("This button doesn't belong to a BrandPilot alert card here; nothing changed.")
            return
        try:
            result = await asyncio.to_thread(service.act, alert_id, kind, actor=user, response_thread=thread)
        except InputError as exc:
            await tell(str(exc))
            return
        except Exception as exc:  # the person hears about it; details go to the log; nothing changed
            log.exception("alert action %s failed", kind)
            await tell(f"That didn't go through ({type(exc).__name__}); nothing changed. Try again in a minute.")
            return
        if not result.applied:
            await tell(_already(result.alert, kind))
            return
        await service.refresh_cards(result.alert, SlackAlertSink(client, team))
        if kind == "resolve" and result.alert.kind == "crisis":
            report = await asyncio.to_thread(
                crisis_aftermath, app.sessions, result.alert.brand_id, result.alert.id, actor=user
            )
            if report:
                await client.chat_postMessage(channel=channel, thread_ts=card_ts, text=to_mrkdwn(neutralise(report)))
        if kind == "escalate":
            try:
                await client.chat_postMessage(channel=channel, thread_ts=card_ts, text=escalation_note(user, contacts))
            except SlackApiError as exc:
                log.warning("escalation note for alert %s not posted: %s", alert_id, exc.response.get("error"))
                await tell("The alert is marked escalated, but I couldn't post the call-in: please bring people in.")
        if kind == "draft_response":
            event = {"channel": channel, "user": user, "ts": card_ts, "text": response_request(result.alert)}
            await converse({"team_id": team, "event_id": f"alert:{result.alert.id}:draft"}, event, client)


def _already(view: AlertView, kind: Action) -> str:
    """Why a click changed nothing: the alert's state, and who put it there."""
    if kind == "draft_response":
        if view.status == "resolved":
            return "This alert is resolved; nothing to respond to."
        return "A response is already being drafted in this alert's thread."
    done = f"{PAST.get(view.status, view.status)} by <@{view.status_by}> at {_when(view)}" if view.status_by else ""
    return f"Nothing changed: this alert is already {view.status}" + (f" ({done})." if done else ".")
