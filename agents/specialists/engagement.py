"""Reply drafts for the comments and DMs waiting on the brand, and outreach drafts to big accounts that mention it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta

from agents.context import AgentContext
from agents.specialists.platform_templates import fill, templates_for
from agents.specialists.x_reply import post_kind
from agents.state import Draft, DraftSource
from memory.mentions import MentionStore, MentionView
from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.text import find_hashtags
from tools.content.threads import shorten
from tools.platforms.specs import get_platform
from tools.platforms.targets import MESSAGE_PLATFORMS, REPLY_PLATFORMS, reply_target

MAX_DRAFTS = 3  # cards a person works through in one go; the rest wait for "draft the next replies"
LOOK_BACK = timedelta(days=14)
_I = re.IGNORECASE
_WRITE = r"\b(?:draft|write|prepare|compose|suggest|come up with|help (?:me )?(?:with|answer))\b"
REPLY_DRAFTS = re.compile(
    _WRITE + r".{0,60}\b(?:repl(?:y|ies)|answers?|responses?)\b|\b(?:reply|respond|answer)(?: to)? (?:the |our |these |"
    r"those |all |each |every )?(?:waiting |open |unanswered |new )?(?:comments?|dms?|direct messages?|messages?|"
    r"questions?|complaints?)\b|\bnext (?:few )?repl(?:y|ies)\b",
    _I,
)
OUTREACH_DRAFTS = re.compile(
    r"\b(?:outreach|reach out|pitch|collab\w*|partner\w*|contact|approach|dm|message|invite|gift\w*|seed\w*)\b"
    r".{0,60}\b(?:influencers?|creators?|big accounts?|accounts? with|followers|ambassadors?)\b|"
    r"\b(?:influencers?|creators?)\b.{0,40}\b(?:outreach|reach out|pitch|collab\w*|partner\w*|invite)\b",
    _I,
)


@dataclass(frozen=True)
class Drafted:
    """Reply or outreach drafts for the review cards, and one line per mention for the chat reply."""

    drafts: list[Draft]
    lines: list[str]
    skipped: list[str]


def draft_replies(ctx: AgentContext, store: MentionStore, request: str) -> Drafted:
    """Drafts answering the waiting comments and DMs: complaints and questions first, then the widest reach.

    A public comment gets a reply under it (`[reply to: …]`), a DM a private message (`[message to: …]`). Each draft
    is urgent (sent once approved, even while posts are paused) and names the mention it answers.
    """
    waiting = store.needing_reply(ctx.brand.id, ctx.now() - LOOK_BACK, limit=50)
    ranked = sorted(waiting, key=lambda m: (_PRIORITY[post_kind(m.text)], -m.followers, m.created_at))
    drafts, lines, skipped = [], [], []
    for mention in ranked:
        if len(drafts) == MAX_DRAFTS:
            break
        target, problem = _target(mention)
        if problem:
            skipped.append(f"- {_who(mention)}: {problem}")
            continue
        kind = post_kind(mention.text)
        channel = "private" if mention.kind == "dm" else "public"
        text, source = _written(ctx, mention, request, channel, kind)
        drafts.append(_draft(ctx, mention, f"{target}\n\n{text}", source, request))
        lines.append(f"{len(drafts)}. {_who(mention)}, a {kind}: {_excerpt(mention.text)}")
    return Drafted(drafts, lines, skipped)


def draft_outreach(ctx: AgentContext, store: MentionStore, request: str, *, min_followers: int) -> Drafted:
    """Private messages to the biggest accounts that mentioned the brand lately (one per author), to approve."""
    now = ctx.now()
    big = store.influencers(ctx.brand.id, now - LOOK_BACK, now, min_followers=min_followers, limit=30)
    drafts, lines, skipped, seen = [], [], [], set()
    for mention in big:
        if len(drafts) == MAX_DRAFTS or (mention.platform, mention.author) in seen:
            continue
        seen.add((mention.platform, mention.author))
        if mention.negative >= 0.5:
            skipped.append(f"- {_who(mention)}: their mention reads negative; answer it before any outreach")
            continue
        if mention.platform not in MESSAGE_PLATFORMS or not mention.author_id:
            skipped.append(f"- {_who(mention)}: {_no_message(mention)}")
            continue
        text, source = _written(ctx, mention, request, "outreach", "outreach")
        drafts.append(_draft(ctx, mention, f"[message to: {mention.author_id}]\n\n{text}", source, request))
        lines.append(f"{len(drafts)}. {_who(mention)}: {_excerpt(mention.text)}")
    return Drafted(drafts, lines, skipped)


_PRIORITY = {"complaint": 0, "question": 1, "general": 2, "praise": 3}


def _target(mention: MentionView) -> tuple[str, str | None]:
    """The draft's first line naming where the answer goes, or why BrandPilot can't send it."""
    label = get_platform(mention.platform).label
    if mention.kind == "dm":
        if mention.platform not in MESSAGE_PLATFORMS or not mention.author_id:
            return "", _no_message(mention)
        return f"[message to: {mention.author_id}]", None
    if mention.platform not in REPLY_PLATFORMS:
        return "", f"{label}'s API can't post replies; answer it in the {label} app"
    value = mention.url if mention.platform == "x" and mention.url else mention.external_id
    if reply_target(mention.platform, value) is None:
        return "", f"its {label} id ({mention.external_id}) isn't one BrandPilot can reply to; answer it in the app"
    return f"[reply to: {value}]", None


def _no_message(mention: MentionView) -> str:
    label = get_platform(mention.platform).label
    if mention.platform not in MESSAGE_PLATFORMS:
        return f"{label}'s API can't send direct messages; write to them in the {label} app"
    return "the source didn't give their user id, so BrandPilot can't message them; write to them in the app"


def _written(ctx: AgentContext, mention: MentionView, request: str, channel: str, kind: str) -> tuple[str, DraftSource]:
    """The answer's text: the model's (the mention as quoted data) or the template for its kind; no hashtags."""
    spec = get_platform(mention.platform)
    limit = spec.max_chars if channel == "public" else 1000
    templates = templates_for("engagement")
    template = templates["outreach"] if channel == "outreach" else templates[channel][kind]
    text = fill(template, author=mention.author, brand=ctx.brand.name)
    source: DraftSource = "template"
    if ctx.llm is not None:
        written = reply_text(ctx.llm.invoke(_prompt(ctx, mention, request, channel, kind, limit))).strip()
        if written:
            text, source = written, "llm"
    for tag in find_hashtags(text):
        text = text.replace(tag, "")
    return shorten(re.sub(r"[ \t]{2,}", " ", text).strip(), limit), source


_WHAT = {
    "public": "a public reply to a $kind in a comment",
    "private": "a private reply to a $kind sent as a direct message",
    "outreach": "a first private message to someone with a large following who mentioned the brand",
}
_PURPOSE = {
    "public": "Answer it helpfully and briefly; move anything personal (orders, accounts) to a private message.",
    "private": "Answer it helpfully and warmly; ask for what you need to help, never for passwords or card numbers.",
    "outreach": "Thank them for the mention and ask whether they'd be open to working together; no offer of payment "
    "or free products unless the request names one.",
}


def _prompt(ctx: AgentContext, mention: MentionView, request: str, channel: str, kind: str, limit: int) -> str:
    voice = ctx.brand.rulebook.voice
    return render(
        "engagement_reply",
        what=_WHAT[channel].replace("$kind", kind),
        brand=ctx.brand.name,
        platform_label=get_platform(mention.platform).label,
        max_chars=limit,
        author=quoted(mention.author),
        purpose=_PURPOSE[channel],
        voice=", ".join(voice.adjectives) if voice and voice.adjectives else "friendly and clear",
        mention=data_block("mention", mention.text, author=mention.author, platform=mention.platform),
        request=quoted(request),
    )


def _draft(ctx: AgentContext, mention: MentionView, text: str, source: DraftSource, request: str) -> Draft:
    return Draft(
        id=uuid.uuid4().hex,
        revision=1,
        brand_id=ctx.brand.id,
        platform=mention.platform,
        text=text,
        parts=[text],
        sponsored=False,
        scheduled_for=ctx.now().astimezone(UTC).isoformat(),
        source=source,
        request=request,
        urgent=True,
        answers=mention.id,
    )


def _who(mention: MentionView) -> str:
    where = "DM" if mention.kind == "dm" else mention.kind
    return f"@{mention.author} ({get_platform(mention.platform).label} {where}, {mention.followers:,} followers)"


def _excerpt(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return f'"{flat if len(flat) <= limit else flat[: limit - 1] + "…"}"'
