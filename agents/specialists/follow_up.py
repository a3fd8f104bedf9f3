"""Follow-ups on the thread's last draft ("make it shorter", "no hashtags", "another version")."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import latest_request, voice_kit
from agents.state import BrandPilotState, Draft
from agents.writing import edit_post
from tools.content.brief import parse_brief
from tools.content.compose import compose_post
from tools.content.revise import is_revision_request, revise_offline
from tools.content.threads import split_thread, strip_thread_numbers
from tools.platforms.specs import get_platform


def revise_last_draft(state: BrandPilotState, runtime: Runtime[AgentContext], *, name: str) -> dict | None:
    """A new draft from the thread's last one when the message asks for a change; None otherwise."""
    request = latest_request(state)
    last = state.get("last_draft")
    if not last or not is_revision_request(request):
        return None
    ctx = runtime.context
    platform = last["platform"]
    spec = get_platform(platform)
    if ctx.llm is not None:
        parts, source, summary = (
            edit_post(ctx.llm, parts=last["parts"], request=request, platform=platform),
            "llm",
            ("made the change you asked for"),
        )
    else:
        alternative = None
        if last.get("request"):
            kit = voice_kit(ctx.brand, platform, ctx.options.campaign_code)
            variant = len(state.get("messages", []))
            alternative = "\n\n".join(compose_post(parse_brief(last["request"]), platform, kit, variant=variant))
        revision = revise_offline(strip_thread_numbers(last["text"]), request, alternative=alternative)
        if revision.needs_model:
            return {"messages": [AIMessage(reply("needs_model"), name=name)], "drafts": []}
        text = revision.text
        too_long = spec.supports_threads and len(text) > spec.max_chars
        parts, source, summary = (
            (split_thread(text, limit=spec.max_chars) if too_long else [text]),
            "template",
            (revision.summary),
        )
    draft = Draft(
        **{**last, "revision": last["revision"] + 1, "text": "\n\n".join(parts), "parts": parts, "source": source}
    )
    lines = [reply("revised", platform=spec.label, summary=summary)]
    if source == "template":
        lines.append(reply("template_note"))
    return {"messages": [AIMessage("\n\n".join(lines), name=name)], "drafts": [draft], "outcomes": []}
