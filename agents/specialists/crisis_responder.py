"""The crisis responder: a holding statement written to the brand's playbook, approved role by role in order."""

from __future__ import annotations

import re
from datetime import UTC

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import latest_request, new_draft
from agents.state import BrandPilotState, ChainStep, Draft
from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.threads import split_thread
from tools.monitor.playbook import CrisisPlaybook, PlaybookError, load_playbook
from tools.platforms.specs import get_platform

NAME = "crisis_responder"
EVIDENCE = "\nEvidence:\n"  # how an alert's Draft response button lists the sample mentions (bot/slack/alerts.py)
MAX_MENTIONS = 8
TYPE_LABELS = {
    "product_safety": "product safety",
    "reputation": "reputation",
    "legal": "legal",
    "outage": "outage",
    "data_privacy": "data privacy",
    "service_surge": "customer-service",
}
_LABEL_WORDS = {
    "product_safety": ("product safety", "recall"),
    "data_privacy": ("data privacy", "privacy"),
    "service_surge": ("customer-service surge", "customer service surge"),
    "outage": ("technical or outage", "outage"),
    "legal": ("legal",),
    "reputation": ("pr or reputation", "reputation"),
}
_SEVERITY = re.compile(r"\bsev(?:erity)?[ -]?([1-3])\b|\b(critical|major|minor|high)\b", re.IGNORECASE)
_WORD_LEVEL = {"critical": "SEV1", "high": "SEV2", "major": "SEV2", "minor": "SEV3"}
TEMPLATE = (
    "We know some of you are seeing [what happened, in plain words]. We're sorry, and we're looking into it now. "
    "[What we are doing now, and what you should do, if anything.] "
    "Updates will be at [one place for updates], with the next one by [time of the next update]."
)


def split_evidence(request: str) -> tuple[str, list[str]]:
    """The request without the mentions an alert attached, and those mentions (untrusted text) one per item."""
    head, found, tail = request.partition(EVIDENCE)
    if not found:
        return request, []
    items = [line.removeprefix("- ").strip() for line in tail.splitlines() if line.strip()]
    return head.strip(), items[:MAX_MENTIONS]


def crisis_of(ask: str, playbook: CrisisPlaybook) -> tuple[str, str]:
    """(crisis type, severity) the request names, else the type its words read as and the playbook's default."""
    lowered = ask.lower()
    named = next((kind for kind, words in _LABEL_WORDS.items() if any(w in lowered for w in words)), None)
    if named is None:
        from tools.monitor.crisis_types import classify_crisis

        named = classify_crisis([ask]).type
    severity = None
    if m := _SEVERITY.search(ask):
        severity = f"SEV{m[1]}" if m[1] else _WORD_LEVEL[m[2].lower()]
    if severity not in playbook.levels:
        default = playbook.types.get(named)
        severity = default.severity if default else playbook.levels[-1]
    return named, severity


def respond_to_crisis(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft the holding statement, give it the playbook's approval chain and say who must be told."""
    ctx = runtime.context
    ask, mentions = split_evidence(latest_request(state))
    try:
        playbook = load_playbook(ctx.brand.pack)
    except PlaybookError as error:
        return _answer(reply("crisis_playbook_broken", problem=str(error)), [])
    crisis_type, severity = crisis_of(ask, playbook)
    platform = next((p for p in ("x", "linkedin", "facebook", "instagram") if _names(ask, p)), "x")
    spec = get_platform(platform)
    text, source = TEMPLATE, "template"
    if ctx.llm is not None:
        text, source = _written(ctx, playbook, crisis_type, severity, platform, ask, mentions), "llm"
    parts = split_thread(text, limit=spec.max_chars) if spec.supports_threads else [text]
    chain = [
        ChainStep(role=role.slug, title=f"{role.title} ({role.person})" if role.person else role.title)
        for role in playbook.approvers(crisis_type, severity)
    ]
    draft = Draft(
        **{
            **new_draft(parts, platform, False, source, runtime, request=ask),
            "scheduled_for": ctx.now().astimezone(UTC).isoformat(),
            "urgent": True,
            "chain": chain,
        }
    )
    label = TYPE_LABELS.get(crisis_type, crisis_type)
    lines = [reply("crisis_statement", platform=spec.label, severity=severity, type_label=label)]
    if chain:
        lines.append(reply("crisis_chain", chain=" → ".join(step["title"] for step in chain)))
    told = playbook.notified(crisis_type, severity)
    if told:
        who = ", ".join(f"{r.title}" + (f" within {m} min" if m else "") for r, m in told)
        lines.append(reply("crisis_notify", who=who))
    if "[" in text:
        lines.append(reply("crisis_gaps"))
    return _answer("\n\n".join(lines), [draft])


def _names(ask: str, platform: str) -> bool:
    words = {"x": r"\b(?:x|twitter|tweet)\b", "linkedin": r"\blinkedin\b", "facebook": r"\bfacebook\b"}
    words["instagram"] = r"\b(?:instagram|insta|ig)\b"
    return re.search(words[platform], ask, re.IGNORECASE) is not None


def _written(
    ctx: AgentContext,
    playbook: CrisisPlaybook,
    crisis_type: str,
    severity: str,
    platform: str,
    ask: str,
    mentions: list[str],
) -> str:
    """The model's statement; mentions go in as quoted data, never as part of the request."""
    spec = get_platform(platform)
    prompt = render(
        "crisis_statement",
        brand=ctx.brand.name,
        severity=severity,
        type_label=TYPE_LABELS.get(crisis_type, crisis_type),
        platform_label=spec.label,
        max_chars=spec.max_chars,
        principles="\n".join(f"- {p}" for p in playbook.principles) or "- (none given)",
        example=quoted(playbook.examples.get(crisis_type, "(none for this type)")),
        mentions="\n".join(data_block("mention", m) for m in mentions) or "(none attached)",
        request=quoted(ask),
    )
    text = reply_text(ctx.llm.invoke(prompt)).strip()
    return text or TEMPLATE


def _answer(text: str, drafts: list[Draft]) -> dict:
    return {"messages": [AIMessage(text, name=NAME)], "drafts": drafts, "outcomes": []}
