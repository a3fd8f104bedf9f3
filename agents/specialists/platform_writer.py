"""The X and LinkedIn specialists: one draft per request, within the platform's rules."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import grounding_note, latest_request, new_draft, write_parts
from agents.specialists.follow_up import revise_last_draft
from agents.state import BrandPilotState
from tools.content.brief import parse_brief
from tools.platforms.specs import get_platform


def _write_for(platform: str, state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    follow_up = revise_last_draft(state, runtime, name=platform)
    if follow_up is not None:
        return follow_up
    brief = parse_brief(latest_request(state))
    written = write_parts(brief, platform, runtime)
    draft = new_draft(written.parts, platform, brief.sponsored, written.source, runtime, request=brief.request)
    label = get_platform(platform).label
    shape = f"a {len(written.parts)}-post thread" if len(written.parts) > 1 else "a post"
    lines = [reply("drafted", shape=shape, platform=label, topic=brief.topic)]
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
