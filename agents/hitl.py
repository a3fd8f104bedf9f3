"""The one human-approval helper: a typed interrupt payload and validated decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal, NotRequired, TypedDict

from langgraph.types import interrupt

from agents.state import ChainStep, Draft, approval_id

Action = Literal["approve", "edit", "reject", "reschedule"]
ACTIONS: tuple[Action, ...] = ("approve", "edit", "reject", "reschedule")
MAX_DRAFT_CHARS = 10_000
MAX_DAYS_AHEAD = 400


class Finding(TypedDict):
    """One compliance finding as shown on a draft card.

    `span` is the offending text as written (None when no single piece is at fault), `fix` a short
    suggested change, `kind` "rule" (a rulebook check) or "judgement" (the model's review). Findings
    saved by older versions lack those three keys, so readers use `.get`.
    """

    rule: str
    severity: str
    message: str
    guideline: str
    span: NotRequired[str | None]
    fix: NotRequired[str]
    kind: NotRequired[str]


class ApprovalRequest(TypedDict):
    """What a surface needs to render a draft card with its buttons."""

    kind: Literal["approval"]
    approval_id: str
    draft: Draft
    passed: bool
    findings: list[Finding]
    allowed_actions: list[Action]
    chain: NotRequired[list[ChainStep]]  # the approvals this draft needs, in order
    step: NotRequired[int]  # which of them this card asks for (0-based)
    approved_by: NotRequired[list[str]]  # who gave the earlier ones


class ApprovalDecision(TypedDict, total=False):
    """A person's answer to an approval request."""

    action: Action
    approval_id: str
    text: str
    reason: str
    scheduled_for: str
    actor: str


class InvalidDecision(ValueError):
    """A decision that cannot be applied; the message says what to do instead."""


def build_request(draft: Draft, passed: bool, findings: list[Finding]) -> ApprovalRequest:
    """The interrupt payload for a draft; blocking findings remove the Approve action."""
    allowed: list[Action] = ["edit", "reject"]
    if passed:
        allowed = ["approve", "edit", "reject", "reschedule"]
    request = ApprovalRequest(
        kind="approval",
        approval_id=approval_id(draft),
        draft=draft,
        passed=passed,
        findings=findings,
        allowed_actions=allowed,
    )
    if draft.get("chain"):  # every role approves in turn; rescheduling would schedule it past the later roles
        request.update(chain=list(draft["chain"]), step=0, approved_by=[])
        request["allowed_actions"] = [a for a in allowed if a != "reschedule"]
    return request


def chain_note(request: ApprovalRequest) -> str | None:
    """Where a draft stands in its approval chain, for the card (None without a chain)."""
    chain = request.get("chain") or []
    step = request.get("step", 0)
    if not chain or step >= len(chain):
        return None
    done = [f"{who} ({chain[i]['title']})" for i, who in enumerate(request.get("approved_by", []))]
    given = f"; approved so far by {', '.join(done)}" if done else ""
    after = [s["title"] for s in chain[step + 1 :]]
    then = f", then {' → '.join(after)}" if after else ""
    return f"Approval {step + 1} of {len(chain)}: {chain[step]['title']}{then}{given}."


def current_step(request: ApprovalRequest) -> ChainStep | None:
    """The approval this card asks for in a chain (None: any approver decides alone)."""
    chain = request.get("chain") or []
    step = request.get("step", 0)
    return chain[step] if step < len(chain) else None


def request_approval(request: ApprovalRequest, *, now: datetime | None = None) -> ApprovalDecision:
    """Pause the graph until a person decides; code before this call must be idempotent."""
    decision = interrupt(request)
    validate_decision(request, decision, now=now)
    return decision


def validate_decision(request: ApprovalRequest, decision: ApprovalDecision, *, now: datetime | None = None) -> None:
    """Raise InvalidDecision with a fix-it message when a decision can't apply to this request."""
    if not isinstance(decision, dict) or decision.get("action") not in ACTIONS:
        raise InvalidDecision(f"Unknown action; choose one of: {', '.join(ACTIONS)}.")
    action = decision["action"]
    given_id = decision.get("approval_id")
    if given_id and given_id != request["approval_id"]:
        raise InvalidDecision(
            "That card is out of date: the draft changed or was already decided. Use the newest card."
        )
    if action not in request["allowed_actions"]:
        blocking = [f["rule"] for f in request["findings"] if f["severity"] == "error"]
        raise InvalidDecision(
            f"This draft can't be {action}d while it has blocking findings ({', '.join(blocking)}). "
            "Edit the text to fix them, or reject it."
        )
    if action == "edit":
        text = (decision.get("text") or "").strip()
        if not text:
            raise InvalidDecision("An edit needs the new text of the post.")
        if len(text) > MAX_DRAFT_CHARS:
            raise InvalidDecision(f"The new text is {len(text):,} characters; keep it under {MAX_DRAFT_CHARS:,}.")
    if action == "reject" and not (decision.get("reason") or "").strip():
        raise InvalidDecision("A rejection needs a short reason, so the team knows what to change.")
    now = now or datetime.now(UTC)
    urgent = bool(request["draft"].get("urgent"))
    if action == "approve" and not urgent and parse_time(request["draft"]["scheduled_for"]) <= now:
        raise InvalidDecision(
            f"The proposed time {request['draft']['scheduled_for']} has passed; reschedule it to a future time."
        )
    if action == "reschedule":
        when = parse_time(decision.get("scheduled_for"))
        if when <= now:
            raise InvalidDecision(f"{when.isoformat()} is in the past; pick a future time.")
        if when > now + timedelta(days=MAX_DAYS_AHEAD):
            raise InvalidDecision(f"{when.date()} is more than {MAX_DAYS_AHEAD} days away; pick a nearer time.")


def parse_time(value: str | None) -> datetime:
    """Parse an ISO 8601 time (a time without zone is taken as UTC)."""
    if not value:
        raise InvalidDecision("Rescheduling needs a time, e.g. 2026-12-01T09:00:00+00:00.")
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        when.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidDecision(f"{value!r} is not an ISO 8601 time; write it like 2026-12-01T09:00:00+00:00.") from exc
    return when
