"""The X and LinkedIn specialists: one draft per request, within the platform's rules."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import grounding_note, latest_request, new_draft, voice_kit, write_parts
from agents.specialists.follow_up import revise_last_draft
from agents.specialists.post_hooks import lead_tracking, trend_hook
from agents.specialists.tiktok import named_sound
from agents.state import BrandPilotState
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.platforms.specs import get_platform


def _write_for(platform: str, state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    follow_up = revise_last_draft(state, runtime, name=platform)
    if follow_up is not None:
        return follow_up
    ctx = runtime.context
    request = latest_request(state)
    trend, rest = named_sound(request) if platform == "x" else (None, request)
    brief = parse_brief(request if ctx.llm is not None else rest)  # a model is told the trend in the request
    written = write_parts(brief, platform, runtime)
    parts, notes = list(written.parts), []
    if trend:
        limit = voice_kit(ctx.brand, platform, ctx.options.campaign_code).hashtag_limit
        hooked = trend_hook(parts, trend, hashtag_limit=limit, max_chars=max_chars(platform, ctx.brand.rulebook))
        notes.append(reply("trend_hook" if hooked != parts else "trend_not_added", trend=trend))
        parts = hooked
    if platform == "linkedin":
        parts, fields = lead_tracking(parts, brief.topic, platform)
        if fields:
            notes.append(reply("lead_tracking", fields=", ".join(f"`{k}={v}`" for k, v in fields.items())))
    draft = new_draft(parts, platform, brief.sponsored, written.source, runtime, request=brief.request)
    label = get_platform(platform).label
    shape = f"a {len(parts)}-post thread" if len(parts) > 1 else "a post"
    lines = [reply("drafted", shape=shape, platform=label, topic=brief.topic), *notes]
    if written.source == "template":
        lines.append(reply("template_note"))
    if written.sources:
        lines.append(grounding_note(written.sources))
    return {"messages": [AIMessage("\n\n".join(lines), name=platform)], "drafts": [draft], "outcomes": []}


def write_x_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft an X post, or a numbered thread split at sentence boundaries within 280 characters."""
    return _write_for("x", state, runtime)


def write_linkedin_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft a LinkedIn company-page post."""
    return _write_for("linkedin", state, runtime)
