"""The supervisor graph: route a message, run one specialist, then review drafts with a person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import AgentContext
from agents.hitl import build_request, parse_time, request_approval
from agents.replies import capabilities, reply
from agents.specialists.drafting import check_parts, latest_request
from agents.specialists.registry import Specialist, build_registry
from agents.state import BrandPilotState, Draft, Outcome, approval_id
from tools.content.threads import split_thread
from tools.platforms.specs import get_platform

GRAPH_NAME = "brandpilot"


def route_request(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Pick the specialist for the newest message; follow-ups stay with the thread's specialist."""
    decision = runtime.context.router.route(latest_request(state), current_agent=state.get("agent"))
    update: dict = {
        "route": {
            "agent": decision.agent,
            "confidence": decision.confidence,
            "method": decision.method,
            "reason": decision.reason,
            "candidates": [list(c) for c in decision.candidates],
        },
        "outcomes": [],
    }
    if decision.agent:
        update["agent"] = decision.agent
    return update


def make_route_to_specialist(registry: dict[str, Specialist]) -> Callable[[BrandPilotState], str]:
    """The conditional edge after routing."""

    def route_to_specialist(state: BrandPilotState) -> str:
        route = state.get("route") or {}
        agent = route.get("agent")
        if agent in registry:
            return agent
        return "decline" if route.get("reason") == "out_of_scope" else "clarify"

    return route_to_specialist


def make_decline(registry: dict[str, Specialist]) -> Callable[..., dict]:
    """A node that politely declines out-of-scope requests."""

    def decline(state: BrandPilotState) -> dict:
        text = reply("out_of_scope", capabilities=capabilities(registry))
        return {"messages": [AIMessage(text, name="supervisor")], "drafts": []}

    return decline


def make_clarify(registry: dict[str, Specialist]) -> Callable[..., dict]:
    """A node that asks a short clarifying question when routing is unsure."""

    def clarify(state: BrandPilotState) -> dict:
        candidates = [c[0] for c in (state.get("route") or {}).get("candidates", []) if c[0] in registry]
        suggestions = "\n".join(
            f"- something for the {registry[c].title}: {registry[c].will_do}" for c in candidates[:2]
        )
        text = reply(
            "clarify",
            suggestions=suggestions or "- tell me the platform and what to write",
            capabilities=capabilities(registry),
        )
        return {"messages": [AIMessage(text, name="supervisor")], "drafts": []}

    return clarify


def make_not_available(specialist: Specialist, registry: dict[str, Specialist]) -> Callable[..., dict]:
    """A node for a specialist whose capability is not built yet: it says so honestly."""

    def explain_not_available(state: BrandPilotState) -> dict:
        text = reply(
            "not_available", title=specialist.title, will_do=specialist.will_do, capabilities=capabilities(registry)
        )
        return {"messages": [AIMessage(text, name=specialist.name)], "drafts": []}

    return explain_not_available


def route_after_specialist(state: BrandPilotState) -> str:
    """Drafts go to review; anything else ends the turn."""
    return "review_draft" if state.get("drafts") else END


def review_draft(state: BrandPilotState, runtime: Runtime[AgentContext]) -> Command:
    """Check the next draft and wait for a person's decision; only this path schedules posts."""
    ctx = runtime.context
    drafts = list(state.get("drafts") or [])
    if not drafts:
        return Command(goto=END)
    draft, rest = drafts[0], drafts[1:]
    passed, findings = check_parts(draft["parts"], draft["platform"], ctx.brand, draft["sponsored"])
    aid = approval_id(draft)
    ctx.ledger.open_request(draft=draft, approval_id=aid, actor=ctx.actor)
    decision = request_approval(build_request(draft, passed, findings))
    actor = decision.get("actor") or ctx.actor
    label = get_platform(draft["platform"]).label
    action = decision["action"]
    if action == "edit":
        ctx.ledger.record_decision(draft=draft, approval_id=aid, decision="edited", actor=actor, reason=None)
        revised = _revise(draft, decision["text"])
        message = AIMessage(reply("edited", actor=actor), name="supervisor")
        return Command(goto="review_draft", update={"drafts": [revised, *rest], "messages": [message]})
    next_step = "review_draft" if rest else END
    if action == "reject":
        reason = decision["reason"].strip()
        ctx.ledger.record_decision(draft=draft, approval_id=aid, decision="rejected", actor=actor, reason=reason)
        outcome = Outcome(
            approval_id=aid,
            decision="rejected",
            platform=draft["platform"],
            status="rejected",
            post_id=None,
            scheduled_for=None,
            reason=reason,
        )
        message = AIMessage(reply("rejected", actor=actor, reason=reason, platform=label), name="supervisor")
        return Command(goto=next_step, update={"drafts": rest, "messages": [message], "outcomes": [outcome]})
    if action == "reschedule":
        when = parse_time(decision["scheduled_for"]).astimezone(UTC)
        draft = Draft(**{**draft, "scheduled_for": when.isoformat()})
    decided = "rescheduled" if action == "reschedule" else "approved"
    ctx.ledger.record_decision(draft=draft, approval_id=aid, decision=decided, actor=actor, reason=None)
    post = ctx.ledger.schedule(draft=draft, approval_id=aid, actor=actor)
    dry = reply("dry_run_note", platform=label) if post.get("dry_run") else ""
    text = reply(decided, actor=actor, platform=label, when=post["scheduled_for"], dry_run=dry)
    outcome = Outcome(
        approval_id=aid,
        decision=decided,
        platform=draft["platform"],
        status=str(post["status"]),
        post_id=str(post["id"]),
        scheduled_for=str(post["scheduled_for"]),
        reason=None,
    )
    return Command(
        goto=next_step, update={"drafts": rest, "messages": [AIMessage(text, name="supervisor")], "outcomes": [outcome]}
    )


def _revise(draft: Draft, text: str) -> Draft:
    text = text.strip()
    spec = get_platform(draft["platform"])
    parts = split_thread(text, limit=spec.max_chars) if spec.supports_threads and len(text) > spec.max_chars else [text]
    return Draft(
        **{**draft, "revision": draft["revision"] + 1, "text": "\n\n".join(parts), "parts": parts, "source": "user"}
    )


def build_graph(*, registry: dict[str, Specialist] | None = None) -> StateGraph:
    """The uncompiled supervisor graph; compile it with a checkpointer at the edge."""
    registry = registry or build_registry()
    builder = StateGraph(BrandPilotState, context_schema=AgentContext)
    builder.add_node("route_request", route_request)
    builder.add_node("decline", make_decline(registry))
    builder.add_node("clarify", make_clarify(registry))
    builder.add_node("review_draft", review_draft)
    for name, specialist in registry.items():
        builder.add_node(name, specialist.node or make_not_available(specialist, registry))
        builder.add_conditional_edges(name, route_after_specialist, ["review_draft", END])
    builder.add_edge(START, "route_request")
    builder.add_conditional_edges(
        "route_request", make_route_to_specialist(registry), [*registry, "decline", "clarify"]
    )
    builder.add_edge("decline", END)
    builder.add_edge("clarify", END)
    return builder
