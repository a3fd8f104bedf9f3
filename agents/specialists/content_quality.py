"""The content-quality reviewer: checks a supplied draft against the brand rulebook."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.hitl import Finding
from agents.replies import reply
from agents.specialists.drafting import check_parts, latest_request
from agents.specialists.grounding import judge_parts
from agents.state import BrandPilotState
from tools.content.brief import parse_brief
from tools.platforms.specs import get_platform


def format_findings(findings: list[Finding]) -> str:
    """Findings as a Markdown list, errors first, each with its rule id, fix and guideline section."""
    if not findings:
        return "No findings: it follows every rule in the brand rulebook."
    lines = []
    for f in findings:  # findings from older checkpoints have no kind or fix
        if f.get("kind") == "judgement":
            mark = "Judgement"
        else:
            mark = "Must fix" if f["severity"] == "error" else "Warning"
        fix = f" — fix: {f['fix']}" if f.get("fix") else ""
        lines.append(f"- **{mark}** `{f['rule']}`: {f['message']}{fix} _(Source: {f['guideline']})_")
    return "\n".join(lines)


def review_content(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Check the quoted draft for one named platform, or for each enabled platform."""
    request = latest_request(state)
    brief = parse_brief(request)
    ctx = runtime.context
    if not brief.quoted:
        return {"messages": [AIMessage(reply("ask_for_text"), name="content_quality")], "drafts": [], "outcomes": []}
    platforms = brief.platforms[:1] or list(ctx.options.enabled_platforms)
    results = {p: check_parts([brief.quoted], p, ctx.brand, brief.sponsored, for_publishing=False) for p in platforms}
    judged = judge_parts(ctx, [brief.quoted], platforms[0])  # voice is the same on every platform: judge once
    sponsored_note = " as sponsored content" if brief.sponsored else ""
    if len(platforms) == 1:
        platform = platforms[0]
        passed, findings = results[platform]
        findings = findings + judged
        verdict = "Ready to go" if passed else "Not ready"
        head = f"**{verdict}** for {get_platform(platform).label}{sponsored_note}: {len(findings)} finding(s)."
        body = format_findings(findings)
    else:
        common = _common_findings(results)
        head = f"No platform named, so I checked it{sponsored_note} for {len(platforms)} platforms."
        body = format_findings(common + judged)
        specific = [
            f"- {get_platform(p).label}: " + ", ".join(f"`{f['rule']}`" for f in found if f not in common)
            for p, (_, found) in results.items()
            if any(f not in common for f in found)
        ]
        if specific:
            body += "\n\nPlatform-specific:\n" + "\n".join(specific)
    return {"messages": [AIMessage(f"{head}\n\n{body}", name="content_quality")], "drafts": [], "outcomes": []}


def _common_findings(results: dict[str, tuple[bool, list[Finding]]]) -> list[Finding]:
    lists = [found for _, found in results.values()]
    return [f for f in lists[0] if all(f in other for other in lists[1:])]
