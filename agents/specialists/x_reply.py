"""The X specialist's reply drafts: an answer to one X post, published under it once approved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.routing.reply_asks import REPLY
from agents.specialists.drafting import voice_kit
from agents.specialists.platform_copy import Copy, CopyRequest, Package, disclosure, fill_values, write_copy
from agents.specialists.platform_templates import fill, templates_for
from tools.content.brief import parse_brief, supplied_text
from tools.content.checks import max_chars
from tools.content.text import find_hashtags
from tools.content.threads import shorten
from tools.platforms.base import x_post_id

PLATFORM = "x"
_I = re.IGNORECASE
_STATUS_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:x|twitter)\.com/([A-Za-z0-9_]{1,15})/status(?:es)?/\d+\S*", _I
)
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_]{1,15})\b")
_COMPLAINT = re.compile(
    r"\b(?:sold out|out of stock|broken|broke|late|never (?:arrived|came|showed)|refund|worst|terrible|awful|"
    r"disappoint\w*|rude|wrong|missing|damaged|still waiting|not happy|unhappy|unacceptable|angry|furious|hate|"
    r"bad|leak\w*|burnt|cracked|smashed|scam|ripped off|overpriced|cancel\w*|complain\w*|ridiculous|fail\w*|"
    r"useless|waste|ignored|no reply|no answer|nobody answers)\b|:\(|😡|😠|😤|👎",
    _I,
)
_QUESTION = re.compile(r"\?|^\s*(?:how|what|when|where|why|who|which|do|does|did|can|could|is|are|will|would)\b", _I)
_PRAISE = re.compile(
    r"\b(?:love|loving|loved|great|amazing|best|thanks?|thank you|obsessed|delicious|perfect|awesome|beautiful|"
    r"gorgeous|favou?rite|brilliant|wonderful|fantastic|incredible|recommend)\b|❤️|😍|🙌|🔥|🥰",
    _I,
)


@dataclass(frozen=True)
class ReplyAsk:
    """A request for a reply: the post it answers (address, author, text), as far as the request gives them."""

    url: str | None
    post_id: str | None
    author: str | None
    original: str | None


def reply_ask(request: str) -> ReplyAsk | None:
    """The X post a request asks BrandPilot to answer, or None when it asks for a post of its own."""
    url_match = _STATUS_URL.search(request)
    if not REPLY.search(request) and not url_match:
        return None
    url = url_match.group(0).rstrip(".,;:!?)\"'") if url_match else None
    without_url = _STATUS_URL.sub(" ", request)
    handles = _HANDLE.findall(without_url)
    author = url_match.group(1) if url_match else (handles[0] if handles else None)
    return ReplyAsk(
        url=url,
        post_id=x_post_id(url) if url else None,
        author=author,
        original=supplied_text(without_url),
    )


def post_kind(text: str | None) -> str:
    """What kind of post a reply answers: `complaint`, `question`, `praise` or `general` (no text)."""
    if not text:
        return "general"
    if _COMPLAINT.search(text):
        return "complaint"
    if _QUESTION.search(text):
        return "question"
    if _PRAISE.search(text):
        return "praise"
    return "general"


def compose_x_reply(ask: ReplyAsk, request: str, runtime: Runtime[AgentContext], *, variant: int = 0) -> Package:
    """A reply draft: the `[reply to: …]` target (or its gap) above one post within X's length, no hashtags."""
    ctx = runtime.context
    brief = parse_brief(request)
    kind = post_kind(ask.original)
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    topic = ask.original or brief.topic
    values = fill_values(topic, kit, PLATFORM, variant)
    templates = templates_for("x_reply")
    limit = max_chars(PLATFORM, ctx.brand.rulebook)
    prefix = disclosure(ctx.brand) if brief.sponsored else ""
    target = ask.url or templates["target_gap"]

    def assemble(pieces: dict[str, Any]) -> Copy:
        text = pieces["reply"]
        for tag in find_hashtags(text):
            text = text.replace(tag, "")
        text = re.sub(r"[ \t]{2,}", " ", text).strip()
        if prefix and not text.lower().startswith(prefix.lower()):
            text = f"{prefix} {text}"
        text = shorten(text, limit)
        return Copy(f"[reply to: {target}]\n\n{text}", [], [text])

    details = [f"The post is a {kind}" if kind != "general" else ""]
    details.append(f"its author is @{ask.author}" if ask.author else "")
    job = CopyRequest(
        platform=PLATFORM,
        format_name="reply",
        request=request,
        sponsored=brief.sponsored,
        pieces={"reply": fill(templates[kind], **values)},
        plain_key="reply",
        details="; ".join(d for d in details if d),
    )
    copy, source, sources = write_copy(job, assemble, runtime)
    who = f"@{ask.author}'s post" if ask.author else "the post"
    notes = [reply("x_reply_kind", who=who, kind=kind)] if ask.original else [reply("x_reply_no_text")]
    notes.append(reply("x_reply_target") if ask.post_id else reply("x_reply_needs_target"))
    return Package(
        platform=PLATFORM,
        shape="a reply",
        topic=who,
        text=copy.text,
        notes=notes,
        source=source,
        sponsored=brief.sponsored,
        sources=sources,
        headline=reply("x_reply_drafted", who=who),
    )
