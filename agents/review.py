"""Review of drafts: check and record the draft, then wait for a person's decision and apply it."""

from __future__ import annotations

from datetime import UTC

from langchain_core.messages import AIMessage
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import AgentContext
from agents.hitl import ApprovalDecision, build_request, parse_time, request_approval
from agents.replies import reply
from agents.specialists.drafting import check_parts
from agents.specialists.grounding import judge_parts
from agents.state import BrandPilotState, Draft, Outcome, approval_id
from tools.content.threads import split_thread, strip_thread_numbers
from tools.platforms.specs import get_platform


def prepare_review(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Check the next draft against the rulebook and store it with a pending approval."""
    return _review_of(state["drafts"][0], runtime.context)


def with_review(update: dict, runtime: Runtime[AgentContext]) -> dict:
    """A specialist's update plus the review of its first draft, so the card needs no extra step."""
    drafts = update.get("drafts") or []
    return {**update, **_review_of(drafts[0], runtime.context)} if drafts else {**update, "review": None}


def _review_of(draft: Draft, ctx: AgentContext) -> dict:
    passed, findings = check_parts(draft["parts"], draft["platform"], ctx.brand, draft["sponsored"])
    findings += judge_parts(ctx, draft["parts"], draft["platform"])  # advisory: never changes `passed`
    ctx.ledger.open_request(draft=draft, approval_id=approval_id(draft), actor=ctx.actor)
    return {"review": build_request(draft, passed, findings), "last_draft": draft}


def await_decision(state: BrandPilotState, runtime: Runtime[AgentContext]) -> Command:
    """Wait for approve / edit / reject / reschedule; only this path schedules posts."""
    request, ctx = state["review"], runtime.context
    decision = request_approval(request, now=ctx.now())  # nothing with effects before this line
    actor = decision.get("actor") or ctx.actor
    draft, rest = request["draft"], list(state["drafts"][1:])
    next_step = "prepare_review" if rest else END
    chain, step = request.get("chain") or [], request.get("step", 0)
    if decision["action"] == "approve" and step + 1 < len(chain):  # more approvals to come: ask the next role
        ctx.ledger.audit(
            actor=actor,
            action="approval.step",
            detail={"approval_id": request["approval_id"], "role": chain[step]["role"], "step": step + 1},
        )
        given = chain[step]["title"]
        following = chain[step + 1]["title"]
        message = AIMessage(reply("chain_step", actor=actor, role=given, next=following), name="supervisor")
        review = {**request, "step": step + 1, "approved_by": [*request.get("approved_by", []), actor]}
        return Command(goto="await_decision", update={"review": review, "messages": [message], "outcomes": []})
    if decision["action"] == "edit":
        ctx.ledger.decide(draft=draft, approval_id=request["approval_id"], decision="edited", actor=actor, reason=None)
        message = AIMessage(reply("edited", actor=actor), name="supervisor")
        update = {
            "drafts": [revise(draft, decision["text"]), *rest],
            "messages": [message],
            "review": None,
            "outcomes": [],
        }
        return Command(goto="prepare_review", update=update)
    outcome, text = _apply(ctx, draft, request["approval_id"], decision, actor)
    update = {"drafts": rest, "messages": [AIMessage(text, name="supervisor")], "outcomes": [outcome], "review": None}
    return Command(goto=next_step, update=update)


def _apply(ctx: AgentContext, draft: Draft, aid: str, decision: ApprovalDecision, actor: str) -> tuple[Outcome, str]:
    label = get_platform(draft["platform"]).label
    if decision["action"] == "reject":
        reason = decision["reason"].strip()
        ctx.ledger.decide(draft=draft, approval_id=aid, decision="rejected", actor=actor, reason=reason)
        outcome = Outcome(
            approval_id=aid,
            decision="rejected",
            platform=draft["platform"],
            status="rejected",
            post_id=None,
            scheduled_for=None,
            reason=reason,
        )
        return outcome, reply("rejected", actor=actor, reason=reason, platform=label)
    decided = "approved"
    if draft.get("urgent") and decision["action"] == "approve":  # a crisis statement goes out now
        draft = Draft(**{**draft, "scheduled_for": ctx.now().astimezone(UTC).isoformat()})
    if decision["action"] == "reschedule":
        decided = "rescheduled"
        when = parse_time(decision["scheduled_for"]).astimezone(UTC)
        draft = Draft(**{**draft, "scheduled_for": when.isoformat()})
    post = ctx.ledger.decide(draft=draft, approval_id=aid, decision=decided, actor=actor, reason=None)
    assert post is not None, "an approving decision always schedules a post"
    dry = reply("dry_run_note", platform=label) if post.get("dry_run") else ""
    outcome = Outcome(
        approval_id=aid,
        decision=decided,
        platform=draft["platform"],
        status=str(post["status"]),
        post_id=str(post["id"]),
        scheduled_for=str(post["scheduled_for"]),
        reason=None,
    )
    return outcome, reply(decided, actor=actor, platform=label, when=post["scheduled_for"], dry_run=dry)


def revise(draft: Draft, text: str) -> Draft:
    """A new revision of a draft with the person's text (an over-long X post becomes a thread)."""
    text = strip_thread_numbers(text).strip()
    spec = get_platform(draft["platform"])
    too_long = spec.supports_threads and len(text) > spec.max_chars
    parts = split_thread(text, limit=spec.max_chars) if too_long else [text]
    return Draft(
        **{**draft, "revision": draft["revision"] + 1, "text": "\n\n".join(parts), "parts": parts, "source": "user"}
    )
