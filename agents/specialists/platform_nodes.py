"""The LinkedIn, Instagram, Facebook, TikTok and YouTube specialists: one draft (or reply-only copy) per request."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.specialists.drafting import latest_request
from agents.specialists.follow_up import revise_last_draft
from agents.specialists.packages import compose_package, package_update
from agents.state import BrandPilotState


def _write_for(platform: str, state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    follow_up = revise_last_draft(state, runtime, name=platform)
    if follow_up is not None:
        return follow_up
    request = latest_request(state)
    return package_update(compose_package(platform, request, runtime), request, runtime, name=platform)


def write_linkedin_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft a LinkedIn company-page post, thought-leadership post, B2B post or document post."""
    return _write_for("linkedin", state, runtime)


def write_instagram_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft an Instagram feed, carousel or Reels caption with hashtags and media gaps, or Stories frames."""
    return _write_for("instagram", state, runtime)


def write_facebook_post(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft a Facebook Page, Event or Group post, or write Messenger reply templates (not published)."""
    return _write_for("facebook", state, runtime)


def write_tiktok_video(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Write a TikTok script (in the reply) and draft its caption with a gap for the video."""
    return _write_for("tiktok", state, runtime)


def write_youtube_video(state: BrandPilotState, runtime: Runtime[AgentContext]) -> dict:
    """Draft a YouTube title and description with a video gap; tags, A/B ideas and any Shorts script in the reply."""
    return _write_for("youtube", state, runtime)
