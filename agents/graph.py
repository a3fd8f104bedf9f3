"""The supervisor graph: route a message, run one specialist, then review drafts with a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command
from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from agents.replies import capabilities, reply, small_talk
from agents.review import await_decision, prepare_review, with_review
from agents.specialists.campaign_manager import named_campaign
from agents.specialists.drafting import latest_request
from agents.specialists.knowledge_answer import is_knowledge_question, make_answer_from_knowledge
from agents.specialists.registry import Specialist, build_registry
from agents.state import BrandPilotState
from tools.analytics.campaign_asks import plan_change_cue

GRAPH_NAME = "brandpilot"


def make_route_request(registry: dict[str, Specialist]) -> Callable[..., Command]:
    """The routing node: pick the specialist for the newest message and go there in the same step.

    Follow-ups stay with the thread's specialist. A message that no drafting specialist takes but that asks
    about the brand goes to `answer_from_knowledge`, which hands it on when the brand's knowledge has no answer.
    """

    def route_request(state: BrandPilotState, runtime: Runtime[AgentContext]) -> Command:
        request = latest_request(state)
        decision = runtime.context.router.route(request, current_agent=state.get("agent"))
        if (decision.agent is None or plan_change_cue(request)) and _names_a_campaign(runtime.context, request):
            decision = replace(decision, agent="campaign_manager", method="rule", reason="routed")
        route = {
            "agent": decision.agent,
            "confidence": decision.confidence,
            "method": decision.method,
            "reason": decision.reason,
            "candidates": [list(c) for c in decision.candidates],
        }
        update: dict = {"route": route, "outcomes": []}
        if decision.agent:
            update["agent"] = decision.agent
        return Command(goto=_next_after_routing(registry, route, request), update=update)

    return route_request


def _names_a_campaign(ctx: AgentContext, request: str) -> bool:
    """Whether the request names one of the brand's campaigns ("raise the Winter Sale budget"): a campaign ask."""
    if ctx.campaigns is None:
        return False
    try:
        return named_campaign(ctx.campaigns, ctx.brand.id, request) is not None
    except SQLAlchemyError:  # routing goes on without the hint; the specialist reports a database that won't answer
        return False


def _next_after_routing(registry: dict[str, Specialist], route: dict, request: str) -> str:
    agent = route.get("agent")
    drafts_for_it = agent in registry and registry[agent].available and agent != "content_quality"
    if not drafts_for_it and is_knowledge_question(request):
        return "answer_from_knowledge"
    if agent in registry:
        return agent
    return "decline" if route.get("reason") == "out_of_scope" else "clarify"


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


def reviewed(node: Callable[..., dict]) -> Callable[..., Command]:
    """Wrap a specialist so its first draft is checked and recorded in the same step.

    A draft with its review ready goes on to wait for a decision; anything else ends the turn.
    """

    def run_and_review(state: BrandPilotState, runtime: Runtime[AgentContext]) -> Command:
        update = with_review(node(state, runtime), runtime)
        return Command(goto="await_decision" if update.get("drafts") and update["review"] else END, update=update)

    run_and_review.__name__ = getattr(node, "__name__", "specialist")
    return run_and_review


def build_graph(*, registry: dict[str, Specialist] | None = None) -> StateGraph:
    """The uncompiled supervisor graph; compile it with a checkpointer at the edge."""
    registry = registry or build_registry()
    builder = StateGraph(BrandPilotState, context_schema=AgentContext)
    builder.add_node(
        "route_request",
        make_route_request(registry),
        destinations=(*registry, "decline", "clarify", "answer_from_knowledge"),
    )
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
        if specialist.node:
            builder.add_node(name, reviewed(specialist.node), destinations=("await_decision", END))
        else:
            builder.add_node(name, make_not_available(specialist, registry))
            builder.add_edge(name, END)
    builder.add_edge(START, "route_request")
    builder.add_edge("decline", END)
    builder.add_edge("clarify", END)
    return builder
