"""Content ideas for calendar slots and pillars: from the model when one is set, else from the brand's passages."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from agents.context import AgentContext
from agents.llm import USER_TEXT_TAG
from agents.specialists.knowledge_answer import excerpt
from agents.specialists.strategy_facts import label
from knowledge.chunking import sentences
from knowledge.retrieval import Hit
from prompts.loader import data_block, render
from tools.analytics.calendar_plan import PlannedSlot
from tools.chat_reply import reply_text
from tools.content.brand_plan import Pillar

log = logging.getLogger(__name__)
PASSAGES_PER_PILLAR = 4
IDEA_CHARS = 140
_NOT_SEEDS = {"platform playbooks", "how the checks work", "visual identity", "working with creators"}
_NOT_A_STORY = re.compile(r"\*\*|\||^#|\b(?:may not|must not|never|claims?|do not|don't)\b", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s*(.+?)\s*$")


def pillar_passages(ctx: AgentContext, pillar: str, k: int = PASSAGES_PER_PILLAR, *, about: str = "") -> list[Hit]:
    """The brand passages closest to a pillar (and `about`) that can seed a post; rules and playbooks are left out."""
    if ctx.knowledge is None:
        return []
    rule_sections = {rule.guideline.lower() for _, rule in ctx.brand.rulebook.rules.iter_rules()}
    hits = ctx.knowledge.search(f"{pillar} {about}".strip(), k * 3)
    usable = [
        hit
        for hit in hits
        if hit.section.lower() not in rule_sections | _NOT_SEEDS and "|" not in (hit.excerpt or hit.text)
    ]
    return usable[:k]


def _seed(hit: Hit) -> str:
    text = _story_sentence(hit)
    if len(text) > IDEA_CHARS:
        text = text[: IDEA_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return f"build it on “{text}” ({hit.citation()})"


def _story_sentence(hit: Hit) -> str:
    """The passage's first sentence that tells something (not a rule, a label or a table row)."""
    for sentence in sentences(hit.text):
        flat = " ".join(sentence.split())
        if len(flat.split()) >= 6 and not _NOT_A_STORY.search(flat):
            return flat
    return excerpt(hit)


def offline_ideas(ctx: AgentContext, pillars: Sequence[Pillar], topic: str = "") -> list[str]:
    """One idea per entry of `pillars`, each grounded in a cited brand passage (none repeated while others are left)."""
    cache: dict[str, list[Hit]] = {}
    used: set[str] = set()
    ideas = []
    for pillar in pillars:
        about = f"{pillar.description} {topic}".strip()
        hits = cache.setdefault(pillar.name, pillar_passages(ctx, pillar.name, about=about))
        fresh = [hit for hit in hits if _seed(hit) not in used]
        if not hits:
            ideas.append(f"a {pillar.name.lower()} post in the brand's voice")
            continue
        seed = _seed((fresh or hits)[0])
        used.add(seed)
        ideas.append(seed)
    return ideas


def ideas_for_slots(ctx: AgentContext, slots: Sequence[PlannedSlot], known: Sequence[Pillar] = ()) -> list[str]:
    """An idea for each planned slot: written by the model when one is set (falling back offline if it fails)."""
    described = {pillar.name: pillar for pillar in known}
    pillars = [slot.pillar for slot in slots]
    if ctx.llm is None or not slots:
        return offline_ideas(ctx, [described.get(name, Pillar(name)) for name in pillars])
    zone = ZoneInfo(ctx.options.timezone)
    lines = [
        f"{n}. {slot.at.astimezone(zone):%a %d %b} {label(slot.platform)} {slot.format or 'post'}: {slot.pillar}"
        for n, slot in enumerate(slots, 1)
    ]
    ideas = model_lines(ctx, "slot_ideas", len(slots), slots="\n".join(lines), pillars=sorted(set(pillars)))
    return ideas or offline_ideas(ctx, [described.get(name, Pillar(name)) for name in pillars])


def model_lines(ctx: AgentContext, prompt: str, count: int, *, pillars: Sequence[str], **values: str) -> list[str]:
    """`count` numbered lines from the model for a prompt, grounded in the pillars' passages; [] when it fails."""
    hits = [hit for pillar in pillars for hit in pillar_passages(ctx, pillar, 2)]
    passages = "\n\n".join(data_block("passage", h.text, source=h.citation()) for h in hits)
    text = render(prompt, brand=ctx.brand.name, passages=passages or "(none)", count=count, **values)
    try:
        answer = reply_text(ctx.llm.invoke(text, config={"tags": [USER_TEXT_TAG]}))
    except Exception:  # a provider outage must not lose the plan: the offline ideas stand in
        log.exception("writing content ideas: the language model failed")
        return []
    numbered = {int(m[1]): m[2] for line in answer.splitlines() if (m := _NUMBERED.match(line))}
    ideas = [numbered.get(n, "") for n in range(1, count + 1)]
    return [idea[:300] for idea in ideas] if all(ideas) else []
