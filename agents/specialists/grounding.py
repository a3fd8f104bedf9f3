"""Grounds model-written drafts in the brand's knowledge: passages to write from, and a judgement of voice."""

from __future__ import annotations

import logging

from agents.context import AgentContext
from agents.hitl import Finding
from knowledge.retrieval import Hit
from tools.content.judgement import JUDGEMENT_RULE_ID, judge_voice

log = logging.getLogger(__name__)

WRITING_PASSAGES = 3
JUDGING_PASSAGES = 3


def passages_for(ctx: AgentContext, query: str, k: int = WRITING_PASSAGES) -> list[Hit]:
    """The brand passages (guidelines, products, past campaigns) closest to a request; none without knowledge."""
    if ctx.knowledge is None or not query.strip():
        return []
    return ctx.knowledge.search(query, k)


def judge_parts(ctx: AgentContext, parts: list[str], platform: str) -> list[Finding]:
    """With a model configured, its advisory judgement of the draft's voice against the closest guidelines."""
    if ctx.llm is None:
        return []
    text = "\n\n".join(parts)
    voice = ctx.brand.rulebook.voice
    sections = [(hit.citation(), hit.text) for hit in passages_for(ctx, text, JUDGING_PASSAGES)]
    try:
        found = judge_voice(
            ctx.llm,
            text=text,
            platform=platform,
            brand_name=ctx.brand.name,
            adjectives=list(voice.adjectives),
            exemplars=list(voice.exemplars),
            anti_exemplars=list(voice.anti_exemplars),
            guidelines=sections,
        )
    except Exception as exc:  # the rule checks stand on their own: report the failed judgement on the card
        log.exception("voice judgement failed for a %s draft of %s", platform, ctx.brand.id)
        return [
            Finding(
                rule=JUDGEMENT_RULE_ID,
                severity="warning",
                message=f"The voice check by the language model could not run ({type(exc).__name__}).",
                guideline="Voice and tone",
                span=None,
                fix="read the draft against the voice guidelines yourself, or edit it to run the check again",
                kind="judgement",
            )
        ]
    return [Finding(**finding.to_dict()) for finding in found]
