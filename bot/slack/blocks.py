"""Surface-neutral replies as Slack messages: Block Kit built with `slack_sdk.models.blocks`, within Slack's limits."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

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

from agents.hitl import ApprovalRequest, chain_note
from bot.slack.mrkdwn import SECTION_LIMIT, ZERO_WIDTH, neutralise, split, to_mrkdwn
from bot.turns import DraftCard, Reply, TextReply, naming_decider
from tools.platforms.specs import get_platform

MAX_BLOCKS = 50  # per message
FALLBACK_LIMIT = 3000  # the notification text; Slack allows more, but nobody reads it
ACTION_PREFIX = "brandpilot."
BUTTONS: dict[str, tuple[str, str | None]] = {  # action: (label, style)
    "approve": ("Approve", "primary"),
    "edit": ("Edit", None),
    "reschedule": ("Reschedule", None),
    "reject": ("Reject", "danger"),
}


SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


@dataclass(frozen=True)
class Message:
    """One `chat.postMessage` worth of content: blocks and the plain fallback text."""

    text: str
    blocks: list[Block]

    def payload(self) -> dict[str, Any]:
        """Arguments for chat.postMessage / chat.update (link unfurls always off on bot posts)."""
        return {
            "text": self.text,
            "blocks": [block.to_dict() for block in self.blocks],
            "unfurl_links": False,
            "unfurl_media": False,
        }


def action_value(thread_key: str, approval_id: str) -> str:
    """What a card's buttons carry: the thread to resume and the exact approval they decide."""
    return json.dumps({"thread": thread_key, "approval": approval_id}, separators=(",", ":"))


def parse_action_value(value: str) -> tuple[str, str]:
    """(thread key, approval id) from a button's value; ValueError for anything we did not make."""
    try:
        data = json.loads(value)
        thread, approval = data["thread"], data["approval"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError("not a BrandPilot approval button") from exc
    if not (isinstance(thread, str) and isinstance(approval, str) and thread and approval):
        raise ValueError("not a BrandPilot approval button")
    return thread, approval


def text_messages(markdown: str) -> list[Message]:
    """A Markdown reply as one or more messages of sections within Slack's block and character limits."""
    pieces = split(to_mrkdwn(markdown), SECTION_LIMIT)
    sections = [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in pieces if piece.strip()]
    return [
        Message(text=_fallback(" ".join(s.text.text for s in chunk)), blocks=chunk)
        for chunk in _chunks(sections, MAX_BLOCKS)
    ] or [Message(text=" ", blocks=[])]


def draft_card(request: ApprovalRequest, thread_key: str, *, decided: str | None = None) -> Message:
    """The card for a draft waiting for approval, or (with `decided`) the same card closed with the decision."""
    draft = request["draft"]
    label = get_platform(draft["platform"]).label
    parts = draft["parts"]
    status = "ready for approval" if request["passed"] else "blocked: edit to fix the errors first"
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=f"{label} draft · {status}"[:150]))]
    for index, part in enumerate(parts, start=1):
        head = f"*Post {index} of {len(parts)}* · {len(part)} chars\n" if len(parts) > 1 else ""
        shown = neutralise(part).replace("```", "`" + ZERO_WIDTH + "``")  # content can't close the code block
        for piece in split(shown, SECTION_LIMIT - len(head) - 10):
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"{head}```{piece}```")))
            head = ""
    facts = [
        f"Scheduled for *{draft['scheduled_for']}*",
        f"{draft['source']} draft" + (" · sponsored" if draft["sponsored"] else ""),
        f"approval `{request['approval_id']}`",
    ]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(facts))]))
    if note := chain_note(request):
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f":busts_in_silhouette: {neutralise(note)}")))
    blocks.extend(_findings(request))
    if decided:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=neutralise(decided))]))
    else:
        blocks.append(_buttons(request, thread_key))
    if len(blocks) > MAX_BLOCKS:  # a very long thread: keep the decision controls, say what was left out
        note = SectionBlock(text=MarkdownTextObject(text="_The draft is too long to show whole; edit it to shorten._"))
        blocks = [*blocks[: MAX_BLOCKS - 3], note, *blocks[-2:]]
    return Message(text=_fallback(f"{label} draft waiting for approval: {neutralise(draft['text'])}"), blocks=blocks)


def _findings(request: ApprovalRequest) -> list[Block]:
    findings = request["findings"]
    if not findings:
        return [
            SectionBlock(text=MarkdownTextObject(text=":white_check_mark: Passes every rule in the brand rulebook."))
        ]
    lines = []
    for f in findings:
        mark = {"error": ":no_entry: Must fix", "warning": ":warning: Warning"}.get(f["severity"], f["severity"])
        if f.get("kind") == "judgement":
            mark = ":thought_balloon: Judgement"
        fix = f" Fix: {neutralise(f['fix'])}" if f.get("fix") else ""
        lines.append(f"{mark} `{f['rule']}`: {neutralise(f['message'])}{fix} _({neutralise(f['guideline'])})_")
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in split("\n".join(lines), SECTION_LIMIT)]


def _buttons(request: ApprovalRequest, thread_key: str) -> ActionsBlock:
    value = action_value(thread_key, request["approval_id"])
    buttons = []
    for action in ("approve", "edit", "reschedule", "reject"):
        if action in request["allowed_actions"]:
            label, style = BUTTONS[action]
            buttons.append(
                ButtonElement(
                    text=PlainTextObject(text=label), action_id=ACTION_PREFIX + action, value=value, style=style
                )
            )
    return ActionsBlock(block_id=f"{ACTION_PREFIX}card", elements=buttons)


def reply_messages(replies: list[Reply], thread_key: str, *, decider: str | None = None) -> list[Message]:
    """Every reply of a turn as Slack messages, in order; with `decider`, text saying "by DECIDER" mentions them."""
    messages: list[Message] = []
    for reply in replies:
        if isinstance(reply, DraftCard):
            messages.append(draft_card(reply.request, thread_key))
        else:
            assert isinstance(reply, TextReply)
            texts = text_messages(reply.markdown)
            messages.extend([mentioning_decider(m, decider) for m in texts] if decider else texts)
    return messages


def mentioning_decider(message: Message, user: str) -> Message:
    """`message` with "by USER" as a mention of that Slack user (rendering escapes a mention written earlier)."""
    if not SLACK_USER_ID.fullmatch(user):
        return message
    mention = f"<@{user}>"
    blocks = copy.deepcopy(message.blocks)
    for block in blocks:
        if isinstance(block, SectionBlock) and isinstance(block.text, MarkdownTextObject):
            block.text.text = naming_decider(block.text.text, user, mention)
    return Message(text=naming_decider(message.text, user, mention), blocks=blocks)


def _chunks(blocks: list[Block], size: int) -> list[list[Block]]:
    return [blocks[i : i + size] for i in range(0, len(blocks), size)]


def _fallback(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= FALLBACK_LIMIT else text[: FALLBACK_LIMIT - 1] + "…"
