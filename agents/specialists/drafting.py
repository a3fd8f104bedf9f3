"""Shared drafting steps: the brand's voice kit, the next posting slot, checks and Draft records."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from langgraph.runtime import Runtime
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext, BrandProfile
from agents.hitl import Finding
from agents.replies import reply
from agents.specialists.examples import performance_examples
from agents.specialists.grounding import passages_for
from agents.specialists.markers import alt_gaps, marker_findings
from agents.state import Draft, DraftSource
from agents.writing import revise_post, write_post
from tools.content.brief import Brief
from tools.content.checks import check_post
from tools.content.compose import VoiceKit, compose_post, unfilled_placeholders
from tools.content.text import find_markers

log = logging.getLogger(__name__)


def voice_kit(brand: BrandProfile, platform: str, campaign_code: str) -> VoiceKit:
    """The brand facts a draft for `platform` is written with."""
    rules = brand.rulebook
    hashtags = rules.rules.hashtags
    limit = hashtags.max_per_platform.get(platform, 2) if hashtags else 2
    return VoiceKit(
        brand_name=brand.name,
        website=brand.website,
        exemplars=tuple(rules.voice.exemplars) if rules.voice else (),
        brand_tags=tuple(hashtags.brand_tags) if hashtags else (),
        hashtag_limit=limit,
        campaign_code=campaign_code,
    )


def emoji_limit(brand: BrandProfile, platform: str) -> int:
    """The brand's emoji limit for a platform (2 when the rulebook has none)."""
    emoji = brand.rulebook.rules.emoji
    return emoji.max_per_post.get(platform, 2) if emoji else 2


def next_slot(now: datetime, timezone: str, hour: int) -> datetime:
    """The next weekday at `hour` local time, at least one hour from now."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=zone)
    while candidate < local + timedelta(hours=1) or candidate.weekday() >= 5:
        candidate += timedelta(days=1)
    return candidate.astimezone(ZoneInfo("UTC"))


def open_calendar_slot(ctx: AgentContext, platform: str, *, within: timedelta = timedelta(days=21)) -> datetime | None:
    """The earliest planned calendar slot on the platform no post covers yet, an hour or more from now."""
    if ctx.calendar is None:
        return None
    start = ctx.now() + timedelta(hours=1)
    try:
        return ctx.calendar.next_open_slot(ctx.brand.id, platform, start, start + within)
    except SQLAlchemyError:  # the draft still gets the next posting hour
        log.warning("could not read the content calendar", exc_info=True)
        return None


def check_parts(
    parts: list[str], platform: str, brand: BrandProfile, sponsored: bool, *, for_publishing: bool = True
) -> tuple[bool, list[Finding]]:
    """Run the rulebook over every post of a draft; each rule reported once.

    `for_publishing` adds what the platform needs besides text (an image or video with a web address,
    a YouTube title); a check of pasted text alone leaves it out.
    """
    findings: dict[str, Finding] = {}
    for index, part in enumerate(parts):
        report = check_post(part, platform, brand.rulebook, sponsored=sponsored and index == 0)
        for f in report.findings:
            findings.setdefault(f.rule, Finding(**f.to_dict()))
    if for_publishing:
        for f in marker_findings(parts, platform, brand):
            findings.setdefault(f["rule"], f)
    # [video: …] and [title: …] are markers, checked above, not gaps; alt text still holding the template's gap is one
    gaps = [gap for part in parts for gap in unfilled_placeholders(part) if not find_markers(gap)]
    gaps += [gap for part in parts for gap in alt_gaps(part)]
    if gaps:
        findings["draft-placeholder"] = Finding(
            rule="draft-placeholder",
            severity="error",
            message=f"Fill in {len(gaps)} bracketed gap(s) such as {gaps[0]} before this can be approved.",
            guideline="BrandPilot drafts",
            span=gaps[0],
            fix=f"replace {gaps[0]}{' and the other bracketed gaps' if len(gaps) > 1 else ''} with the real details",
            kind="rule",
        )
    ordered = sorted(findings.values(), key=lambda f: (f["severity"] != "error", f["rule"]))
    return all(f["severity"] != "error" for f in ordered), ordered


@dataclass(frozen=True)
class Written:
    """A platform's posts, who wrote them, and the brand passages they were written from."""

    parts: list[str]
    source: DraftSource
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. that the brand's best and worst posts were examples


def write_parts(brief: Brief, platform: str, runtime: Runtime[AgentContext]) -> Written:
    """Posts for a platform: by the LLM from the closest brand passages (revised once on findings), else by template."""
    ctx = runtime.context
    kit = voice_kit(ctx.brand, platform, ctx.options.campaign_code)
    if ctx.llm is None:
        return Written(compose_post(brief, platform, kit), "template")
    voice = ctx.brand.rulebook.voice
    hits = passages_for(ctx, brief.request)
    examples = performance_examples(ctx, platform)
    parts = write_post(
        ctx.llm,
        request=brief.request,
        platform=platform,
        kit=kit,
        adjectives=list(voice.adjectives) if voice else [],
        anti_exemplars=list(voice.anti_exemplars) if voice else [],
        emoji_limit=emoji_limit(ctx.brand, platform),
        thread_parts=brief.thread_parts if brief.wants_thread else None,
        passages=[(hit.citation(), hit.text) for hit in hits],
        examples=examples.prompt_block() if examples else "",
    )
    passed, findings = check_parts(parts, platform, ctx.brand, brief.sponsored)
    if findings:
        parts = revise_post(
            ctx.llm,
            parts=parts,
            findings=[f"{f['rule']}: {f['message']} Fix: {f.get('fix') or 'see the message'}" for f in findings],
            thread_parts=brief.thread_parts if brief.wants_thread else None,
        )
    parts = [p for p in parts if p.strip()]
    if not parts:
        return Written(compose_post(brief, platform, kit), "template")
    return Written(parts, "llm", [hit.citation() for hit in hits], [examples.note()] if examples else [])


def grounding_note(citations: list[str]) -> str:
    """The reply line naming the brand passages a draft was written from."""
    return reply("grounded", sources="; ".join(citations))


def new_draft(
    parts: list[str],
    platform: str,
    sponsored: bool,
    source: DraftSource,
    runtime: Runtime[AgentContext],
    *,
    request: str = "",
) -> Draft:
    """A first-revision draft scheduled for the platform's next open calendar slot, else the next posting hour."""
    ctx = runtime.context
    options = ctx.options
    when = open_calendar_slot(ctx, platform) or next_slot(ctx.now(), options.timezone, options.default_post_hour)
    return Draft(
        id=uuid.uuid4().hex,
        revision=1,
        brand_id=ctx.brand.id,
        platform=platform,
        text="\n\n".join(parts),
        parts=parts,
        sponsored=sponsored,
        scheduled_for=when.isoformat(),
        source=source,
        request=request,
    )


def latest_request(state: dict) -> str:
    """The text of the newest human message in the thread."""
    for message in reversed(state.get("messages", [])):
        if getattr(message, "type", "") == "human":
            content = message.content
            return content if isinstance(content, str) else str(content)
    return ""
