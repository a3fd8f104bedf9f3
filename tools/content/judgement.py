"""The model's judgement of a draft's voice against retrieved guideline sections, as advisory findings."""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.checks import Finding
from tools.platforms.specs import get_platform

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

JUDGEMENT_RULE_ID = "voice-judgement"
DEFAULT_GUIDELINE = "Voice and tone"
MAX_FINDINGS = 5

logger = logging.getLogger(__name__)

_FENCE_RE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)
_QUOTES = "\"'“”‘’"


def judge_voice(
    llm: BaseChatModel,
    *,
    text: str,
    platform: str,
    brand_name: str,
    adjectives: list[str],
    exemplars: list[str],
    anti_exemplars: list[str],
    guidelines: list[tuple[str, str]],
) -> list[Finding]:
    """Ask the model where a draft strays from the brand's voice and the given guideline sections.

    `guidelines` holds (citation, section text) pairs of retrieved sections; they and the draft are
    shown to the model as quoted data. Returns at most five findings with rule id "voice-judgement",
    severity "warning" (so they never block approval) and kind "judgement".

    A reply that is not the JSON asked for gives no findings and a logged warning. A finding whose
    span is not in the draft (ignoring case, spacing and outer quotes) or that lacks an issue or a
    fix is dropped. A guideline that is not one of the citations becomes the citation containing
    it, else the one about voice and tone, else the first (or "Voice and tone" when none were
    given). Errors from the model call itself propagate to the caller.
    """
    citations = [citation for citation, _ in guidelines]
    prompt = render(
        "judge_voice",
        brand=brand_name,
        adjectives=", ".join(adjectives) or "clear and friendly",
        exemplars="\n".join(f"- {line}" for line in exemplars) or "- (none given)",
        anti_exemplars="\n".join(f"- {line}" for line in anti_exemplars) or "- (none given)",
        guidelines="\n\n".join(_guideline_block(citation, section) for citation, section in guidelines)
        or "(No guideline sections were found; judge by the voice above.)",
        platform=get_platform(platform).label,
        draft=quoted(text),
        max_findings=MAX_FINDINGS,
        citations=", ".join(f'"{citation}"' for citation in citations) or f'"{DEFAULT_GUIDELINE}"',
    )
    reply = reply_text(llm.invoke(prompt))
    items = _parse_items(reply)
    if items is None:
        logger.warning(
            "voice judgement for %s on %s: the model did not answer with a JSON list of findings; "
            "showing none. Reply began: %r",
            brand_name,
            platform,
            reply[:200],
        )
        return []
    findings = [finding for item in items if (finding := _finding(item, text, citations)) is not None]
    return findings[:MAX_FINDINGS]


def _guideline_block(citation: str, section: str) -> str:
    return data_block("guideline", section, citation=citation)


def _parse_items(reply: str) -> list[dict[str, Any]] | None:
    """The finding objects in a reply (fenced or bare JSON), or None when it holds no JSON list."""
    fenced = _FENCE_RE.search(reply)
    body = (fenced.group(1) if fenced else reply).strip()
    data = _json_or_none(body)
    if data is None and (start := body.find("[")) >= 0:
        data = _json_or_none(body[start : body.rfind("]") + 1])
    if isinstance(data, dict):
        data = data.get("findings")
    if not isinstance(data, list):
        return None
    return [item for item in data if isinstance(item, dict)]


def _json_or_none(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _finding(item: dict[str, Any], text: str, citations: list[str]) -> Finding | None:
    issue, fix = _field(item, "issue"), _field(item, "fix")
    if not issue or not fix:
        logger.info("voice judgement: dropped a finding without an issue or a fix: %r", item)
        return None
    span = None
    if quote := _field(item, "span"):
        span = _locate(quote, text)
        if span is None:
            logger.info("voice judgement: dropped a finding quoting words not in the draft: %r", quote)
            return None
    message = issue if span is None or span in issue else f'"{span}": {issue}'
    return Finding(
        rule=JUDGEMENT_RULE_ID,
        severity="warning",
        message=message,
        guideline=_guideline(_field(item, "guideline"), citations),
        span=span,
        fix=fix,
        kind="judgement",
    )


def _field(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _locate(quote: str, text: str) -> str | None:
    """The quoted words as written in the draft (ignoring case, spacing and outer quotes), if there."""
    if quote in text:
        return quote
    words = quote.strip(_QUOTES).split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), text, re.IGNORECASE)
    return match.group(0) if match else None


def _guideline(given: str, citations: list[str]) -> str:
    """The citation the model named (exactly, or one containing its words), else the voice section."""
    if given in citations:
        return given
    named = [citation for citation in citations if given and given.lower() in citation.lower()]
    about_voice = [citation for citation in citations if DEFAULT_GUIDELINE.lower() in citation.lower()]
    return (named or about_voice or citations or [DEFAULT_GUIDELINE])[0]
