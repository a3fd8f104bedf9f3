"""The one registry of specialists: names, titles, what each does, and its node."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SPECIALIST_NAMES: tuple[str, ...] = (
    "campaign_manager",
    "content_strategist",
    "market_researcher",
    "social_coordinator",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "facebook",
    "youtube",
    "content_quality",
    "performance_analyst",
    "sentiment_analyst",
    "crisis_detector",
    "crisis_responder",
    "social_monitor",
)

Node = Callable[..., Any]


@dataclass(frozen=True)
class Specialist:
    """A specialist's identity; `node` is None until its capability is built."""

    name: str
    title: str
    will_do: str
    node: Node | None = None

    @property
    def available(self) -> bool:
        """Whether the capability is built."""
        return self.node is not None


def build_registry() -> dict[str, Specialist]:
    """All sixteen specialists, built ones with their nodes."""
    from agents.specialists.campaign_manager import manage_campaigns
    from agents.specialists.content_quality import review_content
    from agents.specialists.content_strategist import plan_content
    from agents.specialists.crisis_responder import respond_to_crisis
    from agents.specialists.listening import analyse_sentiment, check_for_crisis, monitor_social
    from agents.specialists.performance_analyst import analyse_performance
    from agents.specialists.platform_nodes import (
        write_facebook_post,
        write_instagram_post,
        write_linkedin_post,
        write_tiktok_video,
        write_youtube_video,
    )
    from agents.specialists.social_coordinator import coordinate_platforms
    from agents.specialists.x_writer import write_x_post

    nodes: dict[str, Node] = {
        "x": write_x_post,
        "linkedin": write_linkedin_post,
        "instagram": write_instagram_post,
        "facebook": write_facebook_post,
        "tiktok": write_tiktok_video,
        "youtube": write_youtube_video,
        "social_coordinator": coordinate_platforms,
        "content_quality": review_content,
        "content_strategist": plan_content,
        "performance_analyst": analyse_performance,
        "campaign_manager": manage_campaigns,
        "sentiment_analyst": analyse_sentiment,
        "crisis_detector": check_for_crisis,
        "social_monitor": monitor_social,
        "crisis_responder": respond_to_crisis,
    }
    registry = {}
    for name in SPECIALIST_NAMES:
        title, will_do = PLANNED[name]
        registry[name] = Specialist(name, title, will_do, nodes.get(name))
    return registry


PLANNED: dict[str, tuple[str, str]] = {
    "campaign_manager": (
        "Campaign manager",
        "plan campaigns and their KPIs, pace and split budgets across channels, and design and read A/B tests",
    ),
    "content_strategist": (
        "Content strategist",
        "build content calendars and pillars, suggest ideas and best posting times, and predict how a post will do",
    ),
    "market_researcher": (
        "Market researcher",
        "research markets, trends, competitors' strategy and audience personas",
    ),
    "social_coordinator": (
        "Social coordinator",
        "adapt one message to several platforms and say which platform suits it best",
    ),
    "instagram": ("Instagram specialist", "write captions, carousels, Reels scripts and Stories with hashtag strategy"),
    "linkedin": ("LinkedIn specialist", "write company-page and thought-leadership posts"),
    "x": ("X specialist", "write posts and numbered threads for X"),
    "tiktok": ("TikTok specialist", "write short video scripts with hooks, beats, on-screen text and captions"),
    "facebook": ("Facebook specialist", "write page posts, Event and Group posts and Messenger reply templates"),
    "youtube": ("YouTube specialist", "write titles, descriptions, chapters and tags with SEO, and Shorts scripts"),
    "content_quality": (
        "Content quality reviewer",
        "check drafts against the brand rulebook and cite the rule behind every finding",
    ),
    "performance_analyst": (
        "Performance analyst",
        "report on performance, ROI and attribution, and forecast results with intervals",
    ),
    "sentiment_analyst": ("Sentiment analyst", "measure how people feel about the brand and its competitors"),
    "crisis_detector": ("Crisis detector", "spot unusual spikes in negative mentions and rate their severity"),
    "crisis_responder": (
        "Crisis responder",
        "draft holding statements and apologies and run them through an approval chain",
    ),
    "social_monitor": (
        "Social monitor",
        "track mentions, influencers, competitors' posts and the comments and DMs that need a reply",
    ),
}
