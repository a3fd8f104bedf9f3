"""Answers questions about the brand from its knowledge base, quoting or summarising passages and citing each."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from langchain_core.messages import AIMessage
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.context import AgentContext
from agents.llm import USER_TEXT_TAG
from agents.replies import reply, small_talk
from agents.specialists.drafting import latest_request
from agents.specialists.registry import Specialist
from agents.state import BrandPilotState
from knowledge.chunking import sentences
from knowledge.retrieval import Hit
from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.brief import parse_brief
from tools.content.revise import is_revision_request

log = logging.getLogger(__name__)

PASSAGES = 4
# How close (cosine) a passage's best sentence must be to the question to count as an answer: lower when the
# router placed the message with a specialist, higher when it judged it out of scope or could not place it.
MIN_MATCH_ROUTED = 0.45
MIN_MATCH_UNROUTED = 0.5
EXCERPT_CHARS = 320

_QUESTION = re.compile(
    r"^\W*(?:what|what's|whats|which|who|who's|whom|whose|when|where|why|how|how's|did|do|does|is|are|was|were|"
    r"can|could|should|would|will|have|has|had|may|must|any|remind me|tell me (?:about|what|how|why|when|who|which)|"
    r"summari[sz]e|recap|explain|look up|according to|walk me through)\b",
    re.IGNORECASE,
)
_WRITING = re.compile(
    r"\b(?:write|draft|compose|rewrite|redraft|tweet|create|generate|come up with|brainstorm|schedule|publish|"
    r"adapt|repurpose|turn (?:this|that|it) into|make (?:it|this|that|me|us|a|an)|check (?:this|that|it|my|our)|"
    r"give me (?:a|an|some|\d+) (?:post|caption|tweet|thread|script|draft|version|ideas?)|"
    r"post (?:this|that|it|about|something))\b",
    re.IGNORECASE,
)


def is_knowledge_question(text: str) -> bool:
    """A question the brand's own documents may answer: asked, not a request to write, edit or check a draft."""
    text = text.strip()
    if not text or not (_QUESTION.search(text) or text.endswith("?")):
        return False
    return not (_WRITING.search(text) or small_talk(text) or is_revision_request(text) or parse_brief(text).quoted)


def make_answer_from_knowledge(registry: dict[str, Specialist]) -> Callable[..., Command]:
    """A node that answers from the brand's passages, or hands the message on when none of them fits."""

    def answer_from_knowledge(state: BrandPilotState, runtime: Runtime[AgentContext]) -> Command:
        route = state.get("route") or {}
        agent = route.get("agent") if route.get("agent") in registry else None
        hand_on = agent or ("decline" if route.get("reason") == "out_of_scope" else "clarify")
        ctx = runtime.context
        question = latest_request(state)
        threshold = MIN_MATCH_ROUTED if agent else MIN_MATCH_UNROUTED
        hits = ctx.knowledge.search(question, PASSAGES) if ctx.knowledge else []
        hits = [h for h in hits if h.match >= threshold]
        if not hits:
            return Command(goto=hand_on)
        text = _answer(ctx, question, hits)
        specialist = registry.get(agent or "")
        if specialist and not specialist.available:
            text += "\n\n" + reply("knowledge_not_available", title=specialist.title, will_do=specialist.will_do)
        update = {"messages": [AIMessage(text, name=agent or "supervisor")], "drafts": [], "outcomes": []}
        return Command(goto=END, update=update)

    return answer_from_knowledge


def _answer(ctx: AgentContext, question: str, hits: list[Hit]) -> str:
    """The model's answer from the passages when a model is set, else the passages themselves; both cite."""
    if ctx.llm is None:
        return quote_passages(ctx.brand.name, hits) + "\n\n" + reply("knowledge_offline_note")
    passages = "\n\n".join(data_block("passage", h.text, n=str(n), source=h.citation()) for n, h in enumerate(hits, 1))
    prompt = render("answer_question", brand=ctx.brand.name, passages=passages, question=quoted(question))
    try:
        answer = reply_text(ctx.llm.invoke(prompt, config={"tags": [USER_TEXT_TAG]}))
    except Exception as exc:  # a provider outage must not lose the answer: fall back to the passages, and say so
        log.exception("answering from the knowledge base: the language model failed")
        note = reply("knowledge_model_failed", error=type(exc).__name__)
        return f"{note}\n\n{quote_passages(ctx.brand.name, hits)}"
    return f"{answer}\n\n{sources_of(answer, hits)}"


def quote_passages(brand_name: str, hits: list[Hit]) -> str:
    """The closest passage of each hit, quoted as written, with its file and section."""
    blocks = [f"> {excerpt(h)}\n> — _{h.citation()}_" for h in hits]
    return f"From {brand_name}'s brand knowledge:\n\n" + "\n\n".join(blocks)


def excerpt(hit: Hit) -> str:
    """The hit's sentence closest to the question, with the next one when it is short; one line, trimmed."""
    parts = sentences(hit.text)
    best = hit.excerpt or (parts[0] if parts else hit.text)
    if best in parts:
        at = parts.index(best)
        while len(best) < EXCERPT_CHARS // 2 and at + 1 < len(parts):
            at += 1
            best = f"{best} {parts[at]}"
    best = " ".join(best.split())
    return best if len(best) <= EXCERPT_CHARS else best[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"


def sources_of(answer: str, hits: list[Hit]) -> str:
    """The 'Sources' list: the passages the answer cites as [n], or all of them when it cites none."""
    cited = sorted({int(n) for n in re.findall(r"\[(\d{1,2})\]", answer) if 1 <= int(n) <= len(hits)})
    numbers = cited or list(range(1, len(hits) + 1))
    return "Sources:\n" + "\n".join(f"[{n}] {hits[n - 1].citation()}" for n in numbers)
