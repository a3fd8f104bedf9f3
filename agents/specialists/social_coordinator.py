"""The social coordinator: one message adapted to several platforms, and the best fit explained."""

from __future__ import annotations

import re

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.routing.strategy_asks import PLAN
from agents.specialists.content_strategist import plan_period, safe_answer
from agents.specialists.drafting import grounding_note, latest_request, new_draft, write_parts
from agents.specialists.follow_up import revise_last_draft
from agents.specialists.packages import compose_package, has_composer
from agents.specialists.platform_compare import compare_performance
from agents.state import BrandPilotState
from tools.content.brief import parse_brief
from tools.content.platform_fit import rank_platforms
from tools.platforms.specs import get_platform

_DRAFTING = re.compile(
    r"\b(adapt|versions?|cross[- ]?post|repurpose|write|draft|create|make|rewrite|turn|announce|post (?:it|this))\b",
    re.IGNORECASE,
)


_COMPARE = re.compile(
    r"\b(?:compare|comparison|versus|vs\.?|which (?:platform|channel|network|one)s?|"
    r"(?:best|top|worst) (?:platform|channel)s?|how (?:do|does|are|is)\b[^.?!]*\b(?:doing|performing|compare))\b",
    re.IGNORECASE,
)
_PERFORMANCE = re.compile(
    r"\b(?:perform\w*|engagement|results?|doing|numbers|reach|works? (?:best|better)|(?:best|better) for us)\b", re.I
)


def coordinate_platforms(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Compare how the platforms perform, plan a cross-platform schedule, or adapt content and recommend a fit."""
    follow_up = revise_last_draft(state, runtime, name="social_coordinator")
    if follow_up is not None:
        return follow_up
    request = latest_request(state)
    if not _DRAFTING.search(request):
        answer = None
        if _COMPARE.search(request) and _PERFORMANCE.search(request):
            answer = compare_performance
        elif PLAN.search(request):
            answer = plan_period
        if answer is not None:
            text = safe_answer(runtime.context, request, state, lambda ctx, words, _: answer(ctx, words))
            return {"messages": [AIMessage(text, name="social_coordinator")], "drafts": [], "outcomes": []}
    brief = parse_brief(request)
    enabled = list(runtime.context.options.enabled_platforms)
    platforms = [p for p in brief.platforms if p in enabled] or enabled
    ranked = rank_platforms(brief.quoted or brief.topic or request, platforms)
    best = ranked[0]
    why = ", ".join(best.reasons) or "it is a general update that works there by default"
    lines = [reply("best_fit", platform=get_platform(best.platform).label, why=why)]
    others = [f"{get_platform(f.platform).label} ({f.score:.1f})" for f in ranked[1:4]]
    if others:
        lines.append(reply("next_best", others=", ".join(others)))
    drafts = []
    if _DRAFTING.search(request) or brief.quoted:
        sources, grounded, notes, learned = set(), {}, [], []
        for platform in platforms:
            if has_composer(platform):  # Instagram, Facebook, TikTok and YouTube copy has its own shape
                package = compose_package(platform, request, runtime)
                sources.add(package.source)
                grounded.update(dict.fromkeys(package.sources))
                if package.text is not None:
                    drafts.append(
                        new_draft([package.text], platform, package.sponsored, package.source, runtime, request=request)
                    )
                notes.append(f"**{get_platform(platform).label}**\n" + "\n".join(package.notes))
                continue
            written = write_parts(brief, platform, runtime)
            sources.add(written.source)
            grounded.update(dict.fromkeys(written.sources))
            learned += written.notes
            drafts.append(
                new_draft(written.parts, platform, brief.sponsored, written.source, runtime, request=brief.request)
            )
        summary = ", ".join(
            f"{get_platform(d['platform']).label} ({len(d['text'])} chars"
            + (f", {len(d['parts'])}-post thread" if len(d["parts"]) > 1 else "")
            + ")"
            for d in drafts
        )
        lines.append(reply("adapted", count=len(drafts), summary=summary))
        lines += notes
        if "template" in sources:
            lines.append(reply("template_note"))
        if grounded:
            lines.append(grounding_note(list(grounded)))
        lines += learned
    return {"messages": [AIMessage("\n\n".join(lines), name="social_coordinator")], "drafts": drafts, "outcomes": []}
