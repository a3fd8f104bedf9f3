"""Scores how well a piece of content suits each platform, with the reasons behind the score."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (pattern, {platform: weight}, reason shown to the user)
_SIGNALS: tuple[tuple[str, dict[str, float], str], ...] = (
    (
        r"\b(video|clip|footage|reel|reels|short|shorts|unboxing|behind[- ]the[- ]scenes|timelapse|demo)\b",
        {"tiktok": 2.0, "instagram": 1.5, "youtube": 1.5, "facebook": 0.5},
        "it is video",
    ),
    (
        r"\b(tutorial|how[- ]to|guide|walkthrough|review|deep dive|explainer|masterclass|training)\b",
        {"youtube": 2.0, "linkedin": 0.5, "instagram": 0.5},
        "it teaches something step by step",
    ),
    (
        r"\b(photo|photos|image|picture|carousel|recipe|look|flat ?lay|gallery|before and after)\b",
        {"instagram": 2.0, "facebook": 0.5, "tiktok": 0.5},
        "it is visual",
    ),
    (
        r"\b(hiring|job|career|team|partner|partners|wholesale|b2b|investor|leadership|industry|milestone|"
        r"award|sustainability report|producer|supplier|funding|head of)\b",
        {"linkedin": 2.5},
        "it is about the company, its people or partners",
    ),
    (
        r"\b(restock|back in stock|sale|today|now live|live now|announcement|update|news|price change|"
        r"reminder|deadline|shipping|outage)\b",
        {"x": 1.5, "facebook": 1.0, "instagram": 0.5},
        "it is timely news",
    ),
    (
        r"\b(event|community|neighbo(u)?rs?|local|group|open house|tasting|meetup|workshop|reopening|cafe|store)\b",
        {"facebook": 2.0, "instagram": 0.5},
        "it is local or community news",
    ),
    (
        r"\b(trend|challenge|duet|stitch|sound|meme|gen ?z|viral)\b",
        {"tiktok": 2.0, "instagram": 0.5},
        "it rides a trend",
    ),
    (
        r"\b(thread|opinion|hot take|question|poll|live[- ]tweet|conversation)\b",
        {"x": 2.0, "linkedin": 0.5},
        "it invites a quick conversation",
    ),
)
_BASE = {"x": 0.3, "linkedin": 0.2, "instagram": 0.4, "facebook": 0.3, "tiktok": 0.2, "youtube": 0.1}


@dataclass(frozen=True)
class PlatformFit:
    """One platform's fit score and why."""

    platform: str
    score: float
    reasons: tuple[str, ...]


def rank_platforms(text: str, platforms: list[str]) -> list[PlatformFit]:
    """Platforms ordered by how well the content suits them (ties keep the given order)."""
    lowered = text.lower()
    scores = {p: _BASE.get(p, 0.0) for p in platforms}
    reasons: dict[str, list[str]] = {p: [] for p in platforms}
    for pattern, weights, reason in _SIGNALS:
        if re.search(pattern, lowered):
            for platform, weight in weights.items():
                if platform in scores:
                    scores[platform] += weight
                    reasons[platform].append(reason)
    if len(text) > 600:
        for platform in ("linkedin", "facebook", "youtube"):
            if platform in scores:
                scores[platform] += 0.8
                reasons[platform].append("it is long-form")
    if len(text) <= 240:
        for platform in ("x",):
            if platform in scores:
                scores[platform] += 0.6
                reasons[platform].append("it fits in one short post")
    order = {p: i for i, p in enumerate(platforms)}
    ranked = sorted(platforms, key=lambda p: (-scores[p], order[p]))
    return [PlatformFit(p, round(scores[p], 2), tuple(reasons[p])) for p in ranked]
