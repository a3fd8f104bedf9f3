"""In a crisis card's thread: the volume chart, the playbook's call-in of stakeholders, and a Resume posts button."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.app import App
from bot.listening.follow_up import CrisisFollowUp
from bot.runner import TurnRunner
from bot.slack.approvals import SlackApprovals
from bot.slack.blocks import ACTION_PREFIX, Message
from bot.slack.mrkdwn import neutralise
from memory import queue
from memory import repository as repo

log = logging.getLogger(__name__)
RESUME_ACTION = ACTION_PREFIX + "crisis.resume_posts"


def call_in(people: tuple[str, ...] | list[str]) -> str:
    """Slack mentions that notify: `<!subteam^S…>` for user groups, `<@U…>` for people."""
    return " ".join(f"<!subteam^{p}>" if p.startswith("S") else f"<@{p}>" for p in people)


def stakeholder_note(follow: CrisisFollowUp) -> str | None:
    """The playbook's "who to tell, by when", calling in the people `crisis_roles` names (None: nobody to tell)."""
    if not follow.stakeholders:
        return None
    lines = [":bell: *Per the crisis playbook, telling now:*"]
    unnamed = []
    for who in follow.stakeholders:
        by = f" (within {who.within_minutes} min)" if who.within_minutes else ""
        if who.people:
            lines.append(f"• {neutralise(who.title)}{by}: {call_in(who.people)}")
        else:
            lines.append(f"• {neutralise(who.title)}{by}: nobody is configured for this role")
            unnamed.append(who.title)
    if unnamed:
        lines.append(
            "_Name people for these roles under `crisis_roles` in the BrandPilot config so they are called in "
            "automatically; until then, please tell them yourself._"
        )
    return "\n".join(lines)


def pause_message(brand_id: str, *, resumed_by: str | None = None, running: bool = False) -> Message:
    """The brand's posts are paused, with Resume posts; or who resumed them; or that they run again."""
    brand = neutralise(brand_id)
    if resumed_by or running:
        who = f"were resumed by <@{resumed_by}>" if resumed_by else "are running again (resumed elsewhere)"
        text = f":arrow_forward: Scheduled posts for *{brand}* {who}."
        return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
    text = (
        f":double_vertical_bar: Scheduled posts for *{brand}* are paused because of this incident. Crisis "
        "statements still go out once approved. Resume when it is safe to post as usual; it is audited."
    )
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
    note = stakeholder_note(follow)
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
        resumed = await asyncio.to_thread(_resume, app, brand_id, user)
        if not resumed:
            await tell(f"{brand_id}'s scheduled posts are not paused; nothing changed.")
        note = pause_message(brand_id, resumed_by=user) if resumed else pause_message(brand_id, running=True)
        await client.chat_update(channel=channel, ts=ts, **note.payload())


def _resume(app: App, brand_id: str, actor: str) -> bool:
    with app.sessions.begin() as session:
        was_paused = queue.resume(session, brand_id)
        if was_paused:
            detail = {"brand": brand_id, "surface": "slack"}
            repo.record_audit(session, actor=actor, action="queue.resumed", detail=detail)
        return was_paused
