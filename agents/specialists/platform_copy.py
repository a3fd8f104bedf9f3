"""Shared steps of the Instagram, Facebook, TikTok and YouTube specialists: topic, fill values, model pieces."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext, BrandProfile
from agents.platform_writing import revise_pieces, write_pieces
from agents.specialists.drafting import check_parts, emoji_limit, voice_kit
from agents.specialists.examples import performance_examples
from agents.specialists.grounding import passages_for
from agents.specialists.markers import MARKER_RULES
from agents.state import DraftSource
from tools.content.brief import Brief
from tools.content.compose import VoiceKit, tracked_link
from tools.content.threads import sentences

_FORMAT_WORDS = re.compile(
    r"^(?:(?:a|an|the|some|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\b[\s-]*)?"
    r"(?:(?:short|quick|punchy|new|fun|brief|long|longer|friendly|simple|vertical|casual|\d+\s*(?:s|sec|secs|seconds?)|"
    r"\d+[\s-]*(?:slides?|frames?|parts?|beats?))\b[\s-]*)*"
    r"(?:(?:instagram|insta|ig|facebook|fb|tik\s?tok|tt|youtube|yt|messenger|page|group|event|feed|video|reels?|shorts?|"
    r"stories|story|carousel|captions?|posts?|scripts?|descriptions?|titles?|templates?|replies|reply|frames?|slides?|"
    r"updates?|copy|dm|dms|inbox|promo|promotion)\b[\s-]*)+",
    re.IGNORECASE,
)
_LINK_WORDS = re.compile(
    r"^(?:about|on|for|of|announcing|celebrating|introducing|promoting|sharing|showing|asking(?: people)?(?: about)?|"
    r"answering|to (?:announce|promote|celebrate|share|show)|telling people about|that (?:announces|shows)|re:?)\s+",
    re.IGNORECASE,
)
# Rules the model cannot fix by rewriting: the person adds media, a title or the real details.
NOT_FOR_THE_MODEL = (*MARKER_RULES, "draft-placeholder")


@dataclass(frozen=True)
class Copy:
    """Assembled copy: the draft's text (None when there is nothing to publish), reply notes, texts to check."""

    text: str | None
    notes: list[str]
    checked: list[str]


@dataclass(frozen=True)
class Package:
    """What a platform specialist made for one request, ready to become a Draft (when `text` is set) and a reply."""

    platform: str
    shape: str
    topic: str
    text: str | None
    notes: list[str]
    source: DraftSource
    sponsored: bool = False
    sources: list[str] = field(default_factory=list)
    headline: str = ""  # the reply's first line when there is nothing to publish


def clean_topic(topic: str) -> str:
    """The subject of a request without format words ("reels script for", "carousel about", "event post for")."""
    previous = None
    while previous != topic:
        previous = topic
        topic = _LINK_WORDS.sub("", _FORMAT_WORDS.sub("", topic, count=1).strip(), count=1).strip()
    return topic.strip(" ,;:.-") or previous or topic


def topic_from(brief: Brief, topic: str | None = None) -> str:
    """What a request is about: the first sentence of the text it supplies, else its topic without format words."""
    if brief.quoted:
        first = sentences(brief.quoted)[0] if sentences(brief.quoted) else brief.quoted
        return first.rstrip(" .!?") or brief.quoted
    return clean_topic(topic if topic is not None else brief.topic)


def capitalise(text: str) -> str:
    """The text with its first letter in upper case."""
    return text[:1].upper() + text[1:] if text else text


def _voice(kit: VoiceKit, topic: str, offset: int) -> str:
    if not kit.exemplars:
        return ""
    return kit.exemplars[(sum(map(ord, topic)) + offset) % len(kit.exemplars)]


def fill_values(topic: str, kit: VoiceKit, platform: str, variant: int = 0) -> dict[str, str]:
    """The values templates are filled with: topic (`Subject` without a leading "our"), brand, link, two voice lines."""
    start = 2 * variant + 1 if variant else 0  # odd for every other version, so it never repeats the first one
    return {
        "Topic": capitalise(topic),
        "Subject": capitalise(re.sub(r"^(?:our|the|a|an)\s+", "", topic, flags=re.IGNORECASE)),
        "topic": topic,
        "brand": kit.brand_name,
        "link": tracked_link(kit.website, platform, kit.campaign_code),
        "voice": _voice(kit, topic, start),
        "voice2": _voice(kit, topic, start + 1),
    }


def disclosure(brand: BrandProfile) -> str:
    """The marker a sponsored post starts with in this brand's rulebook ("#ad"), or "" when it has none."""
    for rule in brand.rulebook.rules.required_disclosures:
        if rule.when == "sponsored" and rule.position == "start":
            return rule.any_of[0]
    return ""


def merge_pieces(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """`base` with the values of `update` that have the same shape: a non-empty string, or a list of the same items.

    A list of objects keeps only the objects that have every key of the base's first item, as strings.
    """
    merged = dict(base)
    for key, value in update.items():
        if key not in base:
            continue
        if isinstance(base[key], str) and isinstance(value, str) and value.strip():
            merged[key] = value.strip()
        elif isinstance(base[key], list) and isinstance(value, list):
            items = _like(base[key], value)
            if items:
                merged[key] = items
    return merged


def _like(example: list[Any], values: list[Any]) -> list[Any]:
    if example and isinstance(example[0], dict):
        keys = set(example[0])
        return [
            {k: str(v).strip() for k, v in item.items() if k in keys}
            for item in values
            if isinstance(item, dict) and keys <= set(item) and all(isinstance(item[k], str | int) for k in keys)
        ]
    return [str(item).strip() for item in values if isinstance(item, str | int) and str(item).strip()]


def fixable_findings(texts: list[str], platform: str, brand: BrandProfile, sponsored: bool) -> list[str]:
    """Findings in the texts that a rewrite can fix, written for the revise prompt."""
    found: dict[str, str] = {}
    for text in texts:
        _, findings = check_parts([text], platform, brand, sponsored)
        for f in findings:
            if f["rule"] not in NOT_FOR_THE_MODEL:
                found.setdefault(f["rule"], f"{f['rule']}: {f['message']} Fix: {f.get('fix') or 'see the message'}")
    return list(found.values())


@dataclass(frozen=True)
class CopyRequest:
    """One request to a platform specialist: what to write, in which format, from which template pieces."""

    platform: str
    format_name: str
    request: str
    sponsored: bool
    pieces: dict[str, Any]
    plain_key: str
    details: str = ""


def write_copy(
    job: CopyRequest, assemble: Callable[[dict[str, Any]], Copy], runtime: Runtime[AgentContext]
) -> tuple[Copy, DraftSource, list[str]]:
    """The assembled copy from template pieces, or (with a model) from the model's pieces, revised once on findings.

    Returns the copy, who wrote it and the brand passages it was written from.
    """
    ctx = runtime.context
    if ctx.llm is None:
        return assemble(job.pieces), "template", []
    kit = voice_kit(ctx.brand, job.platform, ctx.options.campaign_code)
    voice = ctx.brand.rulebook.voice
    hits = passages_for(ctx, job.request)
    examples = performance_examples(ctx, job.platform)
    written = write_pieces(
        ctx.llm,
        platform=job.platform,
        format_name=job.format_name,
        kit=kit,
        adjectives=list(voice.adjectives) if voice else [],
        anti_exemplars=list(voice.anti_exemplars) if voice else [],
        emoji_limit=emoji_limit(ctx.brand, job.platform),
        request=job.request,
        details=job.details,
        plain_key=job.plain_key,
        passages=[(hit.citation(), hit.text) for hit in hits],
        examples=examples.prompt_block() if examples else "",
    )
    if not any(key in job.pieces for key in written):
        return assemble(job.pieces), "template", []  # the model gave nothing usable: the template stands
    pieces = merge_pieces(job.pieces, written)
    copy = assemble(pieces)
    findings = fixable_findings(copy.checked, job.platform, ctx.brand, job.sponsored)
    if findings:
        shown = {key: pieces[key] for key in written if key in pieces}
        revised = revise_pieces(
            ctx.llm, platform=job.platform, pieces=shown, findings=findings, plain_key=job.plain_key
        )
        pieces = merge_pieces(pieces, revised)
        copy = assemble(pieces)
    if examples:
        copy.notes.append(examples.note())
    return copy, "llm", [hit.citation() for hit in hits]
