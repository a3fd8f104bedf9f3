"""Draft-card buttons: Approve at once; Edit, Reject and Reschedule through modals; cards closed in place."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from agents.hitl import MAX_DRAFT_CHARS, ApprovalDecision, InvalidDecision, validate_decision
from bot.app import App
from bot.runner import TurnRunner
from bot.slack.blocks import ACTION_PREFIX, parse_action_value, reply_messages
from bot.slack.groups import ApproverGroups
from bot.slack.mrkdwn import neutralise
from bot.turns import InputError

log = logging.getLogger(__name__)
MODALS: dict[str, tuple[str, str, str]] = {  # action: (title, submit label, field label)
    "edit": ("Edit the draft", "Save and re-check", "New text"),
    "reject": ("Reject the draft", "Reject", "Why? (the team sees this)"),
    "reschedule": ("Reschedule", "Approve for this time", "Publish at"),
}
PAST = {"approve": "Approved", "edit": "Edited", "reject": "Rejected", "reschedule": "Rescheduled and approved"}


def decision_modal(action: str, value: str, *, current_text: str = "") -> View:
    """The modal a card's Edit, Reject or Reschedule button opens; `value` says which thread and approval."""
    title, submit, label = MODALS[action]
    if action == "reschedule":
        element: Any = DateTimePickerElement(action_id="value")
    else:
        element = PlainTextInputElement(
            action_id="value",
            multiline=True,
            initial_value=current_text[:MAX_DRAFT_CHARS] if action == "edit" and current_text else None,
            max_length=MAX_DRAFT_CHARS if action == "edit" else 1000,
        )
    return View(
        type="modal",
        callback_id=ACTION_PREFIX + action,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=submit),
        close=PlainTextObject(text="Cancel"),
        private_metadata=json.dumps({"card": value, "action": action}),
        blocks=[InputBlock(block_id="decision", label=PlainTextObject(text=label), element=element)],
    )


def decision_from(action: str, approval_id: str, entered: Any) -> ApprovalDecision:
    """The decision a click or a modal stands for."""
    decision = ApprovalDecision(action=action, approval_id=approval_id)  # type: ignore[typeddict-item]
    if action == "edit":
        decision["text"] = str(entered or "")
    elif action == "reject":
        decision["reason"] = str(entered or "")
    elif action == "reschedule":
        when = datetime.fromtimestamp(int(entered), tz=UTC) if entered else None
        decision["scheduled_for"] = when.isoformat() if when else ""
    return decision


class SlackApprovals:
    """Applies card decisions through the conversation service, once, for approvers only."""

    def __init__(self, app: App, runner: TurnRunner) -> None:
        """Use the running assistant's service and its approver groups; decisions run on `runner`."""
        self.app = app
        self.runner = runner
        self.groups = ApproverGroups(app.settings.approvers.slack_groups)

    async def may_decide(self, client: AsyncWebClient, user: str) -> tuple[bool, tuple[str, ...]]:
        """Whether the person is an approver, and the approver groups they are in."""
        roles = await self.groups.roles_of(client, user)
        return self.app.service.can_approve("slack", user, roles), roles

    async def decide(
        self,
        client: AsyncWebClient,
        *,
        thread: str,
        decision: ApprovalDecision,
        user: str,
        channel: str,
        card_ts: str | None,
        card_blocks: list[dict[str, Any]] | None,
    ) -> str | None:
        """Apply a decision; returns a message for the person alone when it can't be applied, else None."""
        _, roles = await self.may_decide(client, user)
        try:
            result = await self.runner.decide(thread, decision, user=user, surface="slack", roles=roles)
        except InputError as exc:  # not an approver, already decided, out of date, bad input
            return str(exc)
        except Exception as exc:  # said to the person, details in the log; the card stays as it was
            log.exception("Slack decision failed in %s", thread)
            return f"That didn't go through ({type(exc).__name__}); nothing changed. Try again in a minute."
        thread_ts = thread.rsplit(":", 1)[-1]
        if card_ts and card_blocks is not None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            closed = [b for b in card_blocks if b.get("type") != "actions"]
            note = f"{PAST[decision['action']]} by <@{user}> at {stamp}"
            closed.append(ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict())
            await client.chat_update(channel=channel, ts=card_ts, blocks=closed, text=note)
        for message in reply_messages(result.replies, thread, decider=user):
            await client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.payload())
        return None

    async def tell(self, client: AsyncWebClient, *, channel: str, user: str, text: str, thread: str) -> None:
        """A message only the clicking person sees, in the card's thread."""
        await client.chat_postEphemeral(
            channel=channel, user=user, text=neutralise(text), thread_ts=thread.rsplit(":", 1)[-1]
        )


def register_approvals(bolt: AsyncApp, app: App, runner: TurnRunner) -> None:
    """Card buttons and the modals behind Edit, Reject and Reschedule; decisions run on `runner`."""
    approvals = SlackApprovals(app, runner)

    @bolt.action(re.compile(rf"^{re.escape(ACTION_PREFIX)}(approve|edit|reject|reschedule)$"))
    async def on_card_button(ack: Any, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        try:
            thread, approval_id = parse_action_value(str(action.get("value") or ""))
        except ValueError:
            log.warning("ignored a button BrandPilot did not make: %r", action.get("action_id"))
            return
        kind = str(action["action_id"]).removeprefix(ACTION_PREFIX)
        user, channel = body["user"]["id"], body["channel"]["id"]
        message = body.get("message") or {}
        if kind == "approve":
            problem = await approvals.decide(
                client,
                thread=thread,
                decision=decision_from(kind, approval_id, None),
                user=user,
                channel=channel,
                card_ts=message.get("ts"),
                card_blocks=message.get("blocks"),
            )
            if problem:
                await approvals.tell(client, channel=channel, user=user, text=problem, thread=thread)
            return
        if not (await approvals.may_decide(client, user))[0]:
            refusal = await asyncio.to_thread(app.service.refuse, thread, user, "slack", kind)
            await approvals.tell(client, channel=channel, user=user, text=refusal, thread=thread)
            return
        pending = await asyncio.to_thread(app.service.pending_approval, thread)
        current = pending["draft"]["text"] if pending and pending["approval_id"] == approval_id else ""
        card = {"value": action["value"], "channel": channel, "ts": message.get("ts")}
        view = decision_modal(kind, json.dumps(card), current_text=current)
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @bolt.view(re.compile(rf"^{re.escape(ACTION_PREFIX)}(edit|reject|reschedule)$"))
    async def on_decision_modal(ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        card = json.loads(meta.get("card") or "{}")
        thread, approval_id = parse_action_value(str(card.get("value") or ""))
        state = view["state"]["values"]["decision"]["value"]
        entered = state.get("value") if "value" in state else state.get("selected_date_time")
        decision = decision_from(meta["action"], approval_id, entered)
        pending = await asyncio.to_thread(app.service.pending_approval, thread)
        try:
            if pending is None:
                raise InvalidDecision("This draft was already decided; nothing changed.")
            validate_decision(pending, decision)
        except InvalidDecision as exc:
            await ack(response_action="errors", errors={"decision": str(exc)[:150]})
            return
        await ack()
        user, channel, ts = body["user"]["id"], card.get("channel"), card.get("ts")
        blocks = None
        if channel and ts:
            history = await client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
            found = [m for m in history.get("messages", []) if m.get("ts") == ts]
            blocks = found[0].get("blocks") if found else None
        problem = await approvals.decide(
            client, thread=thread, decision=decision, user=user, channel=channel, card_ts=ts, card_blocks=blocks
        )
        if problem and channel:
            await approvals.tell(client, channel=channel, user=user, text=problem, thread=thread)
