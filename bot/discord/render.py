"""Turn replies as Discord messages: Markdown split within 2,000 characters, draft cards as embeds with buttons."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from agents.hitl import ApprovalRequest, chain_note
from bot.text_split import split
from bot.turns import DraftCard, Reply, TextReply
from tools.platforms.specs import get_platform
from tools.reports.files import Chart

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
MAX_FIELDS = 25
EMBED_TOTAL = 6000
ZERO_WIDTH = "\u200b"
NO_PINGS = discord.AllowedMentions.none()  # content can never ping @everyone, roles or users
COLOURS = {"ready": 0x2E7D32, "blocked": 0xC62828, "decided": 0x616161}


@dataclass
class Outgoing:
    """One message to send: content and/or an embed, and the card's approval (buttons are added by the view)."""

    content: str = ""
    embed: discord.Embed | None = None
    request: ApprovalRequest | None = None
    files: list[discord.File] = field(default_factory=list)


def text_messages(markdown: str) -> list[Outgoing]:
    """A Markdown reply as messages within Discord's content limit (code fences kept, long pieces cut)."""
    return [Outgoing(content=piece) for piece in split(markdown.strip(), CONTENT_LIMIT) if piece.strip()] or [
        Outgoing(content=ZERO_WIDTH)
    ]


def report_messages(markdown: str, charts: list[Chart], *, note: str = "") -> list[Outgoing]:
    """A report card as messages (after `note`), its PNG charts attached to the last one."""
    pieces = text_messages(f"{note}\n{markdown}" if note else markdown)
    pieces[-1].files = [discord.File(io.BytesIO(c.png), filename=c.name, description=c.title) for c in charts]
    return pieces


def draft_embed(request: ApprovalRequest, *, decided: str | None = None) -> discord.Embed:
    """The card of a draft waiting for approval (or, with `decided`, closed with the decision), within embed limits."""
    draft = request["draft"]
    label = get_platform(draft["platform"]).label
    status = "ready for approval" if request["passed"] else "blocked: edit to fix the errors first"
    colour = COLOURS["decided"] if decided else COLOURS["ready" if request["passed"] else "blocked"]
    text = draft["text"].replace("```", "`" + ZERO_WIDTH + "``")  # content can't close the code block
    body = f"```\n{text}\n```"
    if len(body) > DESCRIPTION_LIMIT:
        body = f"```\n{text[: DESCRIPTION_LIMIT - 60]}\n```\n_Too long to show whole; edit it to shorten._"
    embed = discord.Embed(title=f"{label} draft · {status}"[:256], description=body, colour=colour)
    embed.add_field(name="Scheduled for", value=draft["scheduled_for"][:FIELD_LIMIT], inline=True)
    source = f"{draft['source']} draft" + (" · sponsored" if draft["sponsored"] else "")
    embed.add_field(name="Written by", value=source, inline=True)
    if note := chain_note(request):
        embed.add_field(name="Approvals", value=note[:FIELD_LIMIT], inline=False)
    for name, value in _findings(request):
        if len(embed.fields) >= MAX_FIELDS - 1 or len(embed) + len(name) + len(value) > EMBED_TOTAL - 300:
            embed.add_field(name="More findings", value="_Not all findings fit; edit the draft to see them._")
            break
        embed.add_field(name=name, value=value, inline=False)
    if decided:
        embed.add_field(name="Decision", value=decided[:FIELD_LIMIT], inline=False)
    embed.set_footer(text=f"approval {request['approval_id']}")
    return embed


def _findings(request: ApprovalRequest) -> list[tuple[str, str]]:
    if not request["findings"]:
        return [("Checks", "✅ Passes every rule in the brand rulebook.")]
    shown = []
    for f in request["findings"]:
        mark = {"error": "⛔ Must fix", "warning": "⚠️ Warning"}.get(f["severity"], f["severity"])
        if f.get("kind") == "judgement":
            mark = "💭 Judgement"
        fix = f" Fix: {f['fix']}" if f.get("fix") else ""
        value = f"{f['message']}{fix} _({f['guideline']})_"
        shown.append((f"{mark} · {f['rule']}"[:256], value[:FIELD_LIMIT]))
    return shown


def reply_messages(replies: list[Reply]) -> list[Outgoing]:
    """Every reply of a turn as Discord messages, in order; a draft card carries its approval for the buttons."""
    out: list[Outgoing] = []
    for reply in replies:
        if isinstance(reply, DraftCard):
            out.append(Outgoing(embed=draft_embed(reply.request), request=reply.request))
        else:
            assert isinstance(reply, TextReply)
            out.extend(text_messages(reply.markdown))
    return out
