"""The Instagram specialist's copy: feed, carousel or Reels captions with ranked hashtags and media gaps; Stories."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.captions import bio_caption, script_lines
from agents.specialists.drafting import voice_kit
from agents.specialists.hashtags import HashtagRecord, choose_hashtags, hashtag_note, past_hashtags
from agents.specialists.platform_copy import (
    Copy,
    CopyRequest,
    Package,
    disclosure,
    fill_values,
    topic_from,
    write_copy,
)
from agents.specialists.platform_templates import by_intent, fill, gap, templates_for
from agents.specialists.products import brand_products, products_named
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.platforms.specs import get_platform

PLATFORM = "instagram"
MAX_SLIDES = 10
DEFAULT_POINTS = 3
_FORMATS = (
    ("carousel", re.compile(r"\b(?:carousels?|slides?|swipe)\b", re.IGNORECASE)),
    ("reels", re.compile(r"\breels?\b", re.IGNORECASE)),
    ("stories", re.compile(r"\b(?:story|stories)\b", re.IGNORECASE)),
)
_COUNT = re.compile(
    r"\b(\d{1,2})[\s-]*(?:slides?|ways|tips|steps|things|ideas|reasons|mistakes|facts)\b", re.IGNORECASE
)


def instagram_format(request: str) -> str:
    """`carousel`, `reels` or `stories` when the request asks for one, else `feed`."""
    return next((name for name, pattern in _FORMATS if pattern.search(request)), "feed")


def slide_count(request: str) -> int:
    """Slides for a carousel: a cover, one per point the request counts ("5 ways": 5), and a closing slide."""
    match = _COUNT.search(request)
    if match and "slide" in match.group(0).lower():
        return max(3, min(int(match.group(1)), MAX_SLIDES))
    points = int(match.group(1)) if match else DEFAULT_POINTS
    return max(3, min(points + 2, MAX_SLIDES))


def _template_pieces(topic: str, intent: str, quoted: str | None, slides: int, values: dict[str, str]) -> dict:
    t = templates_for(PLATFORM)
    caption = quoted or fill(by_intent(t["hook"], intent) + "\n\n" + t["body"], **values)
    points = [fill(t["slides"]["point"], n=n, **values) for n in range(1, slides - 1)]
    return {
        "caption": caption,
        "hashtags": [],
        "slides": [fill(t["slides"]["cover"], **values), *points, fill(t["slides"]["closing"], **values)],
        "hook": fill(t["reels"]["hook"], **values),
        "beats": [{key: fill(value, **values) for key, value in beat.items()} for beat in t["reels"]["beats"]],
        "frames": [fill(frame, **values) for frame in t["stories"]],
    }


def _cta(fmt: str, intent: str) -> str:
    t = templates_for(PLATFORM)
    return t.get(f"{fmt}_cta") or by_intent(t["cta"], intent)


def _media_lines(fmt: str, slides: int) -> str:
    if fmt == "reels":
        return f"[video: {gap('video')}]"
    if fmt == "carousel":
        return "\n".join(f"[image: {gap('slide', n=n)}]\n[alt: {gap('alt')}]" for n in range(1, slides + 1))
    return f"[image: {gap('image')}]\n[alt: {gap('alt')}]"


def compose_instagram(
    request: str, runtime: Runtime[AgentContext], *, variant: int = 0, history: Sequence[HashtagRecord] | None = None
) -> Package:
    """Instagram copy for a request; `history` holds past hashtag results (default: the brand's own)."""
    ctx = runtime.context
    history = past_hashtags(ctx, PLATFORM) if history is None else history
    brief = parse_brief(request)
    fmt = instagram_format(request)
    topic = topic_from(brief)
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    spec = get_platform(PLATFORM)
    slides = slide_count(request)
    products = products_named(request, brand_products(ctx.brand.pack))
    prefix = disclosure(ctx.brand) if brief.sponsored else ""

    def assemble(pieces: dict[str, Any]) -> Copy:
        if fmt == "stories":
            frames = "\n".join(f"{n}. {frame}" for n, frame in enumerate(pieces["frames"], 1))
            return Copy(None, [reply("stories_frames", frames=frames)], [])
        tags = choose_hashtags(topic, kit, history, suggested=pieces["hashtags"])
        tag_note = hashtag_note(tags, history)
        caption = bio_caption(
            pieces["caption"],
            hashtags=tags,
            cta=_cta(fmt, brief.intent),
            preview=spec.preview_chars or 125,
            limit=max_chars(PLATFORM, ctx.brand.rulebook),
            prefix=prefix,
        )
        notes = []
        count = min(len(pieces["slides"]), MAX_SLIDES)
        if fmt == "carousel":
            listed = "\n".join(f"{n}. {text}" for n, text in enumerate(pieces["slides"][:MAX_SLIDES], 1))
            notes.append(reply("carousel_slides", slides=listed))
        elif fmt == "reels":
            notes.append(
                reply(
                    "reels_script",
                    script=script_lines(pieces["hook"], pieces["beats"], hook_label="Hook (first 2 seconds)"),
                )
            )
        notes.append(tag_note)
        if products:
            notes.append(reply("product_tag", products=", ".join(products)))
        notes.append(reply({"reels": "add_video", "carousel": "add_photos"}.get(fmt, "add_photo")))
        text = f"{caption}\n\n{_media_lines(fmt, count)}"
        return Copy(text, notes, [caption])

    values = fill_values(topic, kit, PLATFORM, variant)
    job = CopyRequest(
        platform=PLATFORM,
        format_name=fmt,
        request=request,
        sponsored=brief.sponsored,
        pieces=_template_pieces(topic, brief.opening, brief.quoted, slides, values),
        plain_key="caption",
        details=f"Products named: {', '.join(products)}" if products else "",
    )
    copy, source, sources = write_copy(job, assemble, runtime)
    shape = {"carousel": "a carousel caption", "reels": "a Reels caption", "stories": "Stories frames"}
    return Package(
        platform=PLATFORM,
        shape=shape.get(fmt, "a feed caption"),
        topic=topic,
        text=copy.text,
        notes=copy.notes,
        source=source,
        sponsored=brief.sponsored,
        sources=sources,
        headline=reply("stories_only", topic=topic) if copy.text is None else "",
    )
