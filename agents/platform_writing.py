"""Writes and revises Instagram, Facebook, TikTok and YouTube copy with the chat model, as JSON pieces."""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.compose import VoiceKit, tracked_link
from tools.platforms.specs import get_platform

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)


def parse_pieces(reply: str) -> dict[str, Any] | None:
    """The JSON object in a reply (bare or fenced), or None when it holds none."""
    fenced = _FENCE.search(reply)
    body = (fenced.group(1) if fenced else reply).strip()
    for candidate in (body, body[body.find("{") : body.rfind("}") + 1] if "{" in body else ""):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None


def _pieces_or_text(reply: str, plain_key: str, platform: str) -> dict[str, Any]:
    pieces = parse_pieces(reply)
    if pieces is not None:
        return pieces
    if reply:
        log.warning("%s copy: the model answered with plain text, not JSON; using it as the %s", platform, plain_key)
        return {plain_key: reply}
    return {}


def write_pieces(
    llm: BaseChatModel,
    *,
    platform: str,
    format_name: str,
    kit: VoiceKit,
    adjectives: list[str],
    anti_exemplars: list[str],
    emoji_limit: int,
    request: str,
    details: str,
    plain_key: str,
    passages: list[tuple[str, str]] | None = None,
    examples: str = "",
) -> dict[str, Any]:
    """The model's pieces (caption, script beats, title ...) for one platform and format, as a dict.

    The platform's rules and JSON shape come from `prompts/copy_<platform>.md`. A reply that is not
    JSON becomes `{plain_key: reply}`; an empty one gives `{}`.
    """
    spec = get_platform(platform)
    rules = render(
        f"copy_{platform}",
        format=format_name,
        link=tracked_link(kit.website, platform, kit.campaign_code),
        hashtag_limit=kit.hashtag_limit,
        max_chars=spec.max_chars,
        title_max_chars=spec.title_max_chars or 100,
    )
    prompt = render(
        "write_platform_copy",
        brand=kit.brand_name,
        platform_label=spec.label,
        adjectives=", ".join(adjectives) or "clear and friendly",
        exemplars="\n".join(f"- {e}" for e in kit.exemplars) or "- (none given)",
        anti_exemplars="\n".join(f"- {e}" for e in anti_exemplars) or "- (none given)",
        emoji_limit=emoji_limit,
        platform_rules=rules,
        passages="\n\n".join(data_block("passage", text, source=citation) for citation, text in passages or [])
        or "(none found)",
        examples=examples or "(no measured posts yet)",
        request=quoted(request),
        details=quoted(details) or "(none)",
    )
    return _pieces_or_text(reply_text(llm.invoke(prompt)), plain_key, platform)


def revise_pieces(
    llm: BaseChatModel, *, platform: str, pieces: dict[str, Any], findings: list[str], plain_key: str
) -> dict[str, Any]:
    """Ask the model to fix the findings in its pieces; the answer has the same JSON keys."""
    prompt = render(
        "revise_platform_copy",
        platform_label=get_platform(platform).label,
        findings="\n".join(f"- {f}" for f in findings),
        draft=quoted(json.dumps(pieces, ensure_ascii=False, indent=2)),
    )
    return _pieces_or_text(reply_text(llm.invoke(prompt)), plain_key, platform)
