"""Writes and revises posts with the configured chat model, grounded in the brand's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompts.loader import data_block, quoted, render
from tools.chat_reply import reply_text
from tools.content.compose import VoiceKit, tracked_link
from tools.platforms.specs import get_platform

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

THREAD_SEPARATOR = "\n---\n"


def _thread_rule(thread_parts: int | None) -> str:
    if not thread_parts:
        return "Write one post."
    return (
        f"Write a thread of {thread_parts} posts separated by a line with only '---'; end each with 'n/{thread_parts}'."
    )


def _split(text: str, thread_parts: int | None) -> list[str]:
    if not thread_parts:
        return [text]
    return [p.strip() for p in text.split("---") if p.strip()]


def write_post(
    llm: BaseChatModel,
    *,
    request: str,
    platform: str,
    kit: VoiceKit,
    adjectives: list[str],
    anti_exemplars: list[str],
    emoji_limit: int,
    thread_parts: int | None = None,
    passages: list[tuple[str, str]] | None = None,
    examples: str = "",
) -> list[str]:
    """Draft a post (or thread) for one platform from brand passages ((citation, text) pairs) and post examples."""
    spec = get_platform(platform)
    prompt = render(
        "write_post",
        brand=kit.brand_name,
        adjectives=", ".join(adjectives) or "clear and friendly",
        exemplars="\n".join(f"- {e}" for e in kit.exemplars) or "- (none given)",
        anti_exemplars="\n".join(f"- {e}" for e in anti_exemplars) or "- (none given)",
        platform_label=spec.label,
        max_chars=spec.max_chars,
        hashtag_limit=kit.hashtag_limit,
        emoji_limit=emoji_limit,
        link=tracked_link(kit.website, platform, kit.campaign_code),
        thread_rule=_thread_rule(thread_parts),
        request=quoted(request),
        passages="\n\n".join(data_block("passage", text, source=citation) for citation, text in passages or [])
        or "(none found)",
        examples=examples or "(no measured posts yet)",
    )
    return _split(reply_text(llm.invoke(prompt)), thread_parts)


def revise_post(llm: BaseChatModel, *, parts: list[str], findings: list[str], thread_parts: int | None) -> list[str]:
    """Ask the model to fix the findings of a draft."""
    prompt = render(
        "revise_post",
        findings="\n".join(f"- {f}" for f in findings),
        thread_rule=_thread_rule(thread_parts),
        draft=quoted(THREAD_SEPARATOR.join(parts)),
    )
    return _split(reply_text(llm.invoke(prompt)), thread_parts)


def edit_post(llm: BaseChatModel, *, parts: list[str], request: str, platform: str) -> list[str]:
    """Apply a teammate's follow-up request ("make it shorter") to a draft."""
    thread_parts = len(parts) if len(parts) > 1 else None
    prompt = render(
        "edit_post",
        max_chars=get_platform(platform).max_chars,
        thread_rule=_thread_rule(thread_parts),
        request=quoted(request),
        draft=quoted(THREAD_SEPARATOR.join(parts)),
    )
    return _split(reply_text(llm.invoke(prompt)), thread_parts)
