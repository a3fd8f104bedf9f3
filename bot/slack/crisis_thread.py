"""In a crisis card's thread: the volume chart, the playbook's call-in of stakeholders, and a Resume posts button."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.app import App
from bot.listening.follow_up import CrisisFollowUp, pause_note, stakeholder_note
from bot.runner import TurnRunner
from bot.slack.approvals import SlackApprovals
from bot.slack.blocks import ACTION_PREFIX, Message
from bot.slack.mrkdwn import neutralise
from config.settings import ApproversConfig
from memory import queue

log = logging.getLogger(__name__)
RESUME_ACTION = ACTION_PREFIX + "crisis.resume_posts"


def call_in(people: tuple[str, ...] | list[str]) -> str:
    """Slack mentions that notify: `<!subteam^S…>` for user groups, `<@U…>` for people."""
    return " ".join(f"<!subteam^{p}>" if p.startswith("S") else f"<@{p}>" for p in people)


def slack_call_in(holders: ApproversConfig) -> str:
    """The Slack people and user groups holding a playbook role, as mentions that notify."""
    return call_in([*holders.slack_users, *holders.slack_groups])


def pause_message(brand_id: str, *, resumed_by: str | None = None, running: bool = False) -> Message:
    """The brand's posts are paused, with Resume posts; or who resumed them; or that they run again."""
    who = f"<@{resumed_by}>" if resumed_by else None
    mark = ":arrow_forward:" if resumed_by or running else ":double_vertical_bar:"
    text = f"{mark} {pause_note(f'*{neutralise(brand_id)}*', resumed_by=who, running=running)}"
    if resumed_by or running:
        return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
    button = ButtonElement(
        text=PlainTextObject(text="Resume posts"), action_id=RESUME_ACTION, value=brand_id, style="primary"
    )
    blocks = [SectionBlock(text=MarkdownTextObject(text=text)), ActionsBlock(block_id=RESUME_ACTION, elements=[button])]
    return Message(text=text, blocks=blocks)


async def post_follow_up(client: Any, channel: str, card_ts: str, follow: CrisisFollowUp) -> None:
    """Post the chart, the call-in and the pause note under the card; a refused part is logged, the rest still go."""
    parts = [
        lambda: client.files_upload_v2(
            channel=channel,
            thread_ts=card_ts,
            file_uploads=[{"content": follow.chart, "filename": follow.chart_name, "title": "Mention volume"}],
        ),
    ]
    note = stakeholder_note(
        follow, head=":bell: *Per the crisis playbook, telling now:*", call_in=slack_call_in, safe=neutralise
    )
    if note:
        parts.append(lambda: client.chat_postMessage(channel=channel, thread_ts=card_ts, text=note))
    if follow.paused:
        payload = pause_message(follow.brand_id).payload()
        parts.append(lambda: client.chat_postMessage(channel=channel, thread_ts=card_ts, **payload))
    for part in parts:
        try:
            await part()
        except SlackApiError as exc:
            log.warning("crisis follow-up in %s not posted: %s", channel, exc.response.get("error"))


def register_crisis_thread(bolt: AsyncApp, app: App, runner: TurnRunner) -> None:
    """Resume posts: approvers only; resumes the brand's queue once, audited, and redraws the note."""
    approvals = SlackApprovals(app, runner)
    brands = {entry.id for entry in app.settings.brand_entries()}

    @bolt.action(RESUME_ACTION)
    async def on_resume(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        await ack()
        user, channel = body["user"]["id"], body["channel"]["id"]
        ts = str((body.get("message") or {}).get("ts") or "")
        thread_ts = str((body.get("message") or {}).get("thread_ts") or ts)
        brand_id = str(action.get("value") or "")

        async def tell(text: str) -> None:
            await client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=thread_ts or None)

        if brand_id not in brands:
            await tell("This button names no brand BrandPilot knows; nothing changed.")
            return
        if not (await approvals.may_decide(client, user))[0]:
            await tell("Only the configured approvers can resume scheduled posts; ask one of them.")
            return
        resumed = await asyncio.to_thread(queue.resume_posts, app.sessions, brand_id, actor=user, surface="slack")
        if not resumed:
            await tell(f"{brand_id}'s scheduled posts are not paused; nothing changed.")
        note = pause_message(brand_id, resumed_by=user) if resumed else pause_message(brand_id, running=True)
        await client.chat_update(channel=channel, ts=ts, **note.payload())
