"""The platform compositions by name, and how a composed package becomes a draft and a reply."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import grounding_note, new_draft
from agents.specialists.facebook import compose_facebook
from agents.specialists.instagram import compose_instagram
from agents.specialists.linkedin import compose_linkedin
from agents.specialists.platform_copy import Package
from agents.specialists.tiktok import compose_tiktok
from agents.specialists.youtube import compose_youtube
from tools.platforms.specs import get_platform

COMPOSERS: dict[str, Callable[..., Package]] = {
    "instagram": compose_instagram,
    "linkedin": compose_linkedin,
    "facebook": compose_facebook,
    "tiktok": compose_tiktok,
    "youtube": compose_youtube,
}


def has_composer(platform: str) -> bool:
    """Whether a platform has its own composition (else the generic post writer serves it)."""
    return platform in COMPOSERS


def compose_package(platform: str, request: str, runtime: Runtime[AgentContext], *, variant: int = 0) -> Package:
    """The platform's copy for a request; `variant` picks other voice lines for "another version"."""
    return COMPOSERS[platform](request, runtime, variant=variant)


def package_update(package: Package, request: str, runtime: Runtime[AgentContext], *, name: str) -> dict:
    """The state update for a package: its draft (when there is one to publish) and the reply with its notes."""
    label = get_platform(package.platform).label
    drafts = []
    if package.text is not None:
        drafts.append(
            new_draft([package.text], package.platform, package.sponsored, package.source, runtime, request=request)
        )
    head = package.headline or reply("drafted", shape=package.shape, platform=label, topic=package.topic)
    lines = [head, *package.notes]
    if package.source == "template":
        lines.append(reply("template_note"))
    if package.sources:
        lines.append(grounding_note(package.sources))
    return {"messages": [AIMessage("\n\n".join(lines), name=name)], "drafts": drafts, "outcomes": []}
