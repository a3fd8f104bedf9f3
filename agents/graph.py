"""The supervisor graph: route a message, run one specialist, then review drafts with a person."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import capabilities, reply, small_talk
from agents.review import await_decision, prepare_review, with_review
from agents.specialists.drafting import latest_request
from agents.specialists.knowledge_answer import is_knowledge_question, make_answer_from_knowledge
from agents.specialists.registry import Specialist, build_registry
from agents.state import BrandPilotState

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
        drafts_for_it = agent in registry and registry[agent].available and agent != "content_quality"
        if not drafts_for_it and is_knowledge_question(latest_request(state)):
            return "answer_from_knowledge"  # it hands the message on when the brand's knowledge has no answer
        if agent in registry:
            return agent
        return "decline" if route.get("reason") == "out_of_scope" else "clarify"

    return route_to_specialist


def make_decline(registry: dict[str, Specialist]) -> Callable[..., dict]:
    """A node that politely declines out-of-scope requests."""

    def decline(state: BrandPilotState) -> dict:
        kind = small_talk(latest_request(state))
        if kind == "thanks":
            text = reply("thanks")
        elif kind == "greeting":
            text = reply("greeting", capabilities=capabilities(registry))
        else:
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
    """A draft with its review ready waits for a decision; anything else ends the turn."""
    return "await_decision" if state.get("drafts") and state.get("review") else END


def reviewed(node: Callable[..., dict]) -> Callable[..., dict]:
    """Wrap a specialist so its first draft is checked and recorded in the same step."""

    def run_and_review(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
        return with_review(node(state, runtime), runtime)

    run_and_review.__name__ = getattr(node, "__name__", "specialist")
    return run_and_review


def build_graph(*, registry: dict[str, Specialist] | None = None) -> StateGraph:
    """The uncompiled supervisor graph; compile it with a checkpointer at the edge."""
    registry = registry or build_registry()
    builder = StateGraph(BrandPilotState, context_schema=AgentContext)
    builder.add_node("route_request", route_request)
    builder.add_node("decline", make_decline(registry))
    builder.add_node("clarify", make_clarify(registry))
    builder.add_node(
        "answer_from_knowledge",
        make_answer_from_knowledge(registry),
        destinations=(*registry, "decline", "clarify", END),
    )
    builder.add_node("prepare_review", prepare_review)
    builder.add_node("await_decision", await_decision)
    builder.add_edge("prepare_review", "await_decision")
    for name, specialist in registry.items():
        builder.add_node(
            name, reviewed(specialist.node) if specialist.node else make_not_available(specialist, registry)
        )
        builder.add_conditional_edges(name, route_after_specialist, ["await_decision", END])
    builder.add_edge(START, "route_request")
    builder.add_conditional_edges(
        "route_request", make_route_to_specialist(registry), [*registry, "decline", "clarify", "answer_from_knowledge"]
    )
    builder.add_edge("decline", END)
    builder.add_edge("clarify", END)
    return builder
