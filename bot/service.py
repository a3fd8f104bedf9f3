"""The conversation service: runs turns and approval decisions on the graph, one run per thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.messages import HumanMessage
from langgraph.checkpoint.base import CheckpointTuple
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agents.context import AgentContext
from agents.hitl import ApprovalDecision, ApprovalRequest, InvalidDecision, current_step, validate_decision
from agents.llm import USER_TEXT_TAG
from agents.replies import reply
from bot.turns import DraftCard, InputError, Reply, TextReply, Turn, TurnResult, check_thread_name, clean_message
from memory.checkpointer import reusing_read
from memory.coordination import Coordinator

log = logging.getLogger(__name__)
ContextFactory = Callable[[str, str, str], AgentContext]  # (thread_key, brand_id, actor)
Authorizer = Callable[[str, str, tuple[str, ...]], bool]  # (surface, user, roles)
TextSink = Callable[[str], None]  # receives streamed pieces of text written for the person


class NothingPendingError(InputError):
    """An approval action arrived for a thread with no draft waiting."""


REFUSAL = "Only the configured approvers can approve, edit, reject or reschedule drafts; ask one of them."


class NotAllowedError(InputError):
    """The person may not take this action."""


class ConversationService:
    """Surface-neutral entry point for chat turns and approval decisions."""

    def __init__(
        self,
        *,
        graph: CompiledStateGraph,
        coordinator: Coordinator,
        context_for: ContextFactory,
        brand_for: Callable[[Turn], str],
        can_approve: Authorizer,
        holds_role: Callable[[str, str, tuple[str, ...], str], bool] = lambda surface, user, roles, role: True,
        lock_wait: float = 30.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        durability: Literal["sync", "async", "exit"] = "exit",
    ) -> None:
        """Inject the compiled graph, coordination and policy callables."""
        self.graph = graph
        self.coordinator = coordinator
        self.context_for = context_for
        self.brand_for = brand_for
        self.can_approve = can_approve
        self.holds_role = holds_role
        self.lock_wait = lock_wait
        self.now = now
        self.durability = durability

    @staticmethod
    def _config(thread_key: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_key}}

    def handle_turn(self, turn: Turn, *, on_text: TextSink | None = None) -> TurnResult:
        """Run one message through the graph; a thread waiting for a decision keeps its draft.

        With `on_text`, model text meant for the person (answers, not drafts) is handed over piece by piece
        as it is written, so a surface can stream it; the result's replies still carry the whole text.
        """
        text = clean_message(turn.text)
        with self.coordinator.thread_lock(turn.thread_key, wait=self.lock_wait):
            saved, values, pending = self._saved(turn.thread_key)
            if pending is not None:
                note = reply("draft_waiting")
                return TurnResult(turn.thread_key, values.get("agent"), [TextReply(note), DraftCard(pending)], pending)
            brand_id = values.get("brand_id") or self.brand_for(turn)
            before = len(values.get("messages", []))
            context = self.context_for(turn.thread_key, brand_id, turn.user)
            config = self._config(turn.thread_key)
            message = HumanMessage(text, name=_safe_name(turn.user))
            with reusing_read(self.graph.checkpointer, config, saved):
                output = self._run({"messages": [message], "brand_id": brand_id}, config, context, on_text)
            return _result(turn.thread_key, output, before + 1)

    def _run(self, graph_input: Any, config: dict[str, Any], context: AgentContext, on_text: TextSink | None) -> Any:
        """`graph.invoke`, or the same run streamed so that text tagged for the person reaches `on_text`."""
        if on_text is None:
            return self.graph.invoke(graph_input, config, context=context, durability=self.durability)
        latest: dict[str, Any] = {}
        interrupts: list[Any] = []
        modes = ["updates", "values", "messages"]
        for mode, payload in self.graph.stream(
            graph_input, config, context=context, durability=self.durability, stream_mode=modes
        ):
            if mode == "messages":
                chunk, meta = payload
                if USER_TEXT_TAG in (meta.get("tags") or ()) and isinstance(chunk.content, str) and chunk.content:
                    on_text(chunk.content)
            elif mode == "updates" and isinstance(payload, dict) and payload.get("__interrupt__"):
                interrupts.extend(payload["__interrupt__"])
            elif mode == "values":
                latest = payload
        return {**latest, "__interrupt__": interrupts} if interrupts else latest

    def pending_approval(self, thread_key: str) -> ApprovalRequest | None:
        """The draft waiting for a decision in a thread, if any."""
        return self._saved(thread_key)[2]

    def _saved(self, thread_key: str) -> tuple[CheckpointTuple | None, dict[str, Any], ApprovalRequest | None]:
        """The thread's latest checkpoint, its values and the draft it waits on.

        A run that pauses for a person always pauses in `await_decision` on the state's `review`, and every
        decision clears it, so a saved `review` is exactly the pending approval (and cheaper than `get_state`).
        Under the thread's lock the run that follows reuses this read (`reusing_read`) instead of repeating it.
        """
        saved = self.graph.checkpointer.get_tuple(self._config(thread_key))
        values = saved.checkpoint["channel_values"] if saved else {}
        return saved, values, values.get("review") or None

    def list_threads(self, prefix: str = "cli:", limit: int = 50) -> list[str]:
        """Thread keys with saved state, newest first."""
        seen: dict[str, None] = {}
        for checkpoint in self.graph.checkpointer.list(None, limit=2000):
            key = checkpoint.config["configurable"]["thread_id"]
            if key.startswith(prefix):
                seen.setdefault(key)
            if len(seen) >= limit:
                break
        return list(seen)

    def thread_exists(self, thread_key: str) -> bool:
        """Whether the thread has any saved state."""
        return bool(self._saved(thread_key)[1])

    def refuse(self, thread_key: str, user: str, surface: str, action: str) -> str:
        """Audit that someone who is not an approver tried to decide a draft; returns what to tell them."""
        context = self.context_for(thread_key, "", user)
        context.ledger.audit(actor=user, action="approval.refused", detail={"surface": surface, "action": action})
        return REFUSAL

    def decide(
        self,
        thread_key: str,
        decision: ApprovalDecision,
        *,
        user: str,
        surface: str = "cli",
        roles: tuple[str, ...] = (),
    ) -> TurnResult:
        """Apply a person's decision to the thread's pending draft; a repeated decision does nothing."""
        check_thread_name(thread_key)
        if not self.can_approve(surface, user, roles):
            raise NotAllowedError(self.refuse(thread_key, user, surface, str(decision.get("action") or "")))
        with self.coordinator.thread_lock(thread_key, wait=self.lock_wait):
            saved, values, pending = self._saved(thread_key)
            if not values:
                raise InputError(f"There is no thread named {thread_key!r}. Check the name with /threads.")
            if pending is None:
                raise NothingPendingError(f"Nothing is waiting for approval in thread {thread_key!r}.")
            step = current_step(pending)
            if (
                step is not None
                and decision.get("action") == "approve"
                and not self.holds_role(surface, user, roles, step["role"])
            ):
                context = self.context_for(thread_key, values.get("brand_id", ""), user)
                context.ledger.audit(actor=user, action="approval.refused", detail={"role": step["role"]})
                raise NotAllowedError(
                    f"This approval is the {step['title']}'s. Ask them to approve it; you can still edit or reject it."
                )
            decision = {**decision, "actor": user}
            try:
                validate_decision(pending, decision, now=self.now())
            except InvalidDecision as exc:
                raise InputError(str(exc)) from exc
            before = len(values.get("messages", []))
            context = self.context_for(thread_key, values["brand_id"], user)
            config = self._config(thread_key)
            with reusing_read(self.graph.checkpointer, config, saved):
                output = self.graph.invoke(
                    Command(resume=decision), config, context=context, durability=self.durability
                )
            return _result(thread_key, output, before)


def _result(thread_key: str, values: dict[str, Any], first_new: int) -> TurnResult:
    """Replies of a run from its output: new AI messages, then the card of a pending draft."""
    replies: list[Reply] = [
        TextReply(str(m.content), agent=getattr(m, "name", None))
        for m in values.get("messages", [])[first_new:]
        if getattr(m, "type", "") == "ai"
    ]
    pending = _pending_in(values.get("__interrupt__", ()))
    if pending is not None:
        replies.append(DraftCard(pending))
    return TurnResult(
        thread_key=thread_key,
        agent=values.get("agent"),
        replies=replies,
        pending=pending,
        route=values.get("route"),
        outcomes=[dict(o) for o in values.get("outcomes", [])],
    )


def _pending_in(interrupts: Any) -> ApprovalRequest | None:
    for item in interrupts:
        value = getattr(item, "value", None)
        if isinstance(value, dict) and value.get("kind") == "approval":
            return value
    return None


def _safe_name(user: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in user)[:64]
    return cleaned or "user"
