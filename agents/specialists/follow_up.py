"""Follow-ups on the thread's last draft ("make it shorter", "no hashtags", "another version")."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import latest_request, voice_kit
from agents.specialists.markers import join_markers, keep_markers, split_markers
from agents.specialists.packages import compose_package, has_composer
from agents.specialists.x_reply import compose_x_reply, reply_ask
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
        if len(parts) == 1 and len(last["parts"]) == 1:
            parts = [keep_markers(last["parts"][0], parts[0])]
    else:
        alternative = None
        body, head, tail = split_markers(last["text"])  # titles and media stay as they are
        if last.get("request"):
            alternative = split_markers(_another_version(last, len(state.get("messages", [])), runtime))[0]
        revision = revise_offline(strip_thread_numbers(body), request, alternative=alternative)
        if revision.needs_model:
            return {"messages": [AIMessage(reply("needs_model"), name=name)], "drafts": []}
        text = join_markers(revision.text, head, tail)
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


def _another_version(last: Draft, variant: int, runtime: Runtime[AgentContext]) -> str:
    """Template text for the last draft's request with other voice lines (offline only)."""
    platform = last["platform"]
    ask = reply_ask(last["request"]) if platform == "x" else None
    if ask is not None:
        return compose_x_reply(ask, last["request"], runtime, variant=variant).text or ""
    if has_composer(platform):
        return compose_package(platform, last["request"], runtime, variant=variant).text or ""
    kit = voice_kit(runtime.context.brand, platform, runtime.context.options.campaign_code)
    return "\n\n".join(compose_post(parse_brief(last["request"]), platform, kit, variant=variant))
