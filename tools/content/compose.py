"""Composes offline (template) drafts from a brief, the brand's voice and platform rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from string import Template
from urllib.parse import urlencode

import yaml

from prompts.loader import PROMPTS_DIR
from tools.content.brief import Brief
from tools.content.threads import shorten, split_thread
from tools.content.topic_tags import pairs_and_words
from tools.platforms.specs import get_platform

PLACEHOLDER = re.compile(r"\[(?!image:|alt:)[^\]]{3,}\]")


@dataclass(frozen=True)
class VoiceKit:
    """The brand facts a template draft is filled with."""

    brand_name: str
    website: str
    exemplars: tuple[str, ...]
    brand_tags: tuple[str, ...]
    hashtag_limit: int
    campaign_code: str


@lru_cache(maxsize=1)
def _templates() -> dict[str, dict[str, str]]:
    return yaml.safe_load((PROMPTS_DIR / "templates" / "drafts.yaml").read_text(encoding="utf-8"))


def tracked_link(website: str, platform: str, campaign: str) -> str:
    """The brand's site with utm_source, utm_medium and utm_campaign."""
    query = urlencode({"utm_source": platform, "utm_medium": "social", "utm_campaign": campaign})
    return f"{website.rstrip('/')}/?{query}"


def topic_hashtag(topic: str) -> str | None:
    """A CamelCase hashtag from the topic: its first two words that stand together (#ColdBrew), else its first word."""
    joined, words = pairs_and_words(topic, 1, 1)
    return (joined or words or [None])[0]


def hashtags_for(topic: str, kit: VoiceKit) -> str:
    """Brand tag first, then a topic tag, within the platform's limit."""
    tags = list(kit.brand_tags[:1])
    extra = topic_hashtag(topic)
    if extra and extra.lower() not in {t.lower() for t in tags}:
        tags.append(extra)
    return " ".join(tags[: max(kit.hashtag_limit, 0)])


def _pick_voice(kit: VoiceKit, topic: str, offset: int = 0) -> str:
    if not kit.exemplars:
        return ""
    index = (sum(map(ord, topic)) + offset) % len(kit.exemplars)
    return kit.exemplars[index]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def compose_post(brief: Brief, platform: str, kit: VoiceKit, *, variant: int = 0) -> list[str]:
    """Posts for one platform: one item, or a numbered X thread; `variant` picks other voice lines."""
    spec = get_platform(platform)
    link = tracked_link(kit.website, platform, kit.campaign_code)
    if brief.quoted:
        return adapt_text(brief.quoted, platform, kit, thread=brief.wants_thread)
    if platform == "x" and brief.wants_thread:
        return _compose_thread(brief, kit, link)
    family = _templates().get(platform) or _templates()["generic"]
    template = family.get(brief.opening) or family["general"]
    text = Template(template).safe_substitute(
        Topic=_capitalise(brief.topic),
        topic=brief.topic,
        brand=kit.brand_name,
        link=link,
        voice=_pick_voice(kit, brief.topic, 2 * variant),
        voice2=_pick_voice(kit, brief.topic, 2 * variant + 1),
        hashtags=hashtags_for(brief.topic, kit),
    )
    text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip()
    if spec.max_chars and len(text) > spec.max_chars:
        text = shorten(text, spec.max_chars)
    return [text]


def _compose_thread(brief: Brief, kit: VoiceKit, link: str) -> list[str]:
    parts = brief.thread_parts or 4
    family = _templates()["x_thread"]
    values = {"Topic": _capitalise(brief.topic), "topic": brief.topic, "link": link}
    posts = [Template(family["intro"]).safe_substitute(values)]
    posts += [Template(family["body"]).safe_substitute(values) for _ in range(parts - 2)]
    posts.append(Template(family["outro"]).safe_substitute(values))
    total = len(posts)
    return [f"{post} {i}/{total}" for i, post in enumerate(posts, start=1)]


def adapt_text(text: str, platform: str, kit: VoiceKit, *, thread: bool = False) -> list[str]:
    """Fit supplied text to a platform: thread or shorten for X, add brand tags within limits."""
    spec = get_platform(platform)
    body = text.strip()
    existing = re.findall(r"#[A-Za-z][A-Za-z0-9_]*", body)
    room = kit.hashtag_limit - len(existing)
    if room > 0 and kit.brand_tags and kit.brand_tags[0].lower() not in {t.lower() for t in existing}:
        body = f"{body}\n\n{kit.brand_tags[0]}" if platform != "x" else f"{body} {kit.brand_tags[0]}"
    limit = spec.max_chars or 10_000
    if len(body) <= limit:
        return [body]
    if platform == "x" and (thread or spec.supports_threads):
        return split_thread(body, limit=limit)
    return [shorten(body, limit)]


def unfilled_placeholders(text: str) -> list[str]:
    """Bracketed gaps a template left for a person to fill (draft markers excluded)."""
    return PLACEHOLDER.findall(text)
