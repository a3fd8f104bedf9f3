"""The X specialist: a post, a thread or a reply per request, within X's rules."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import grounding_note, latest_request, new_draft, voice_kit, write_parts
from agents.specialists.follow_up import revise_last_draft
from agents.specialists.packages import package_update
from agents.specialists.post_hooks import trend_hook
from agents.specialists.tiktok import named_sound
from agents.specialists.trending import monitor_trend, wants_trend_hook
from agents.specialists.x_reply import compose_x_reply, reply_ask
from agents.state import BrandPilotState
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.platforms.specs import get_platform


def write_x_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft an X post, a numbered thread split at sentence boundaries within 280 characters, or a reply."""
    platform = "x"
    follow_up = revise_last_draft(state, runtime, name=platform)
    if follow_up is not None:
        return follow_up
    ctx = runtime.context
    request = latest_request(state)
    ask = reply_ask(request)
    if ask is not None:
        return package_update(compose_x_reply(ask, request, runtime), request, runtime, name=platform)
    trend, rest = named_sound(request)
    notes: list[str] = []
    if trend is None and wants_trend_hook(request):
        trend, reported = monitor_trend(ctx)
        notes.append(reported)
    brief = parse_brief(request if ctx.llm is not None else rest)  # a model is told a named trend in the request
    written = write_parts(brief, platform, runtime)
    parts = list(written.parts)
    if trend:
        limit = voice_kit(ctx.brand, platform, ctx.options.campaign_code).hashtag_limit
        hooked = trend_hook(parts, trend, hashtag_limit=limit, max_chars=max_chars(platform, ctx.brand.rulebook))
        notes.append(reply("trend_hook" if hooked != parts else "trend_not_added", trend=trend))
        parts = hooked
    draft = new_draft(parts, platform, brief.sponsored, written.source, runtime, request=brief.request)
    label = get_platform(platform).label
    shape = f"a {len(parts)}-post thread" if len(parts) > 1 else "a post"
    lines = [reply("drafted", shape=shape, platform=label, topic=brief.topic), *notes]
    if written.source == "template":
        lines.append(reply("template_note"))
    if written.sources:
        lines.append(grounding_note(written.sources))
    lines += written.notes
    return {"messages": [AIMessage("\n\n".join(lines), name=platform)], "drafts": [draft], "outcomes": []}
