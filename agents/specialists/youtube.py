"""The YouTube specialist's copy: a title, an SEO description with chapters, tags, A/B ideas and Shorts scripts."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.captions import without_links_and_tags
from agents.specialists.drafting import voice_kit
from agents.specialists.hashtags import choose_hashtags
from agents.specialists.markers import title_limit
from agents.specialists.platform_copy import (
    Copy,
    CopyRequest,
    Package,
    capitalise,
    disclosure,
    fill_values,
    topic_from,
    write_copy,
)
from agents.specialists.platform_templates import by_intent, fill, gap, templates_for
from agents.specialists.products import brand_products, products_named
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.content.threads import shorten
from tools.content.topic_tags import topic_tags

PLATFORM = "youtube"
TAGS_MAX_CHARS = 500  # YouTube's limit on all tags together
MAX_VARIANTS = 3
HASHTAGS_SHOWN = 3  # YouTube shows three hashtags above the title; more only dilute them
_SHORTS = re.compile(r"\bshorts?\b", re.IGNORECASE)
_TIMESTAMP = re.compile(r"(?<![\d:])(\d{1,2}:\d{2}(?::\d{2})?)(?![\d:])")
_CHAPTER_CUE = re.compile(
    r"[\s,;:-]*\b(?:with\s+)?(?:the\s+)?(?:timestamps?|chapters?)\b.*$", re.IGNORECASE | re.DOTALL
)
_NOT_IN_TITLE = re.compile(r"[<>\[\]]")


def youtube_format(request: str) -> str:
    """`shorts` when the request asks for a Short, else `video`."""
    return "shorts" if _SHORTS.search(request) else "video"


def _clock(stamp: str) -> str:
    parts = [int(p) for p in stamp.split(":")]
    if len(parts) == 2:
        return f"{parts[0]:02d}:{parts[1]:02d}"
    return f"{parts[0]}:{parts[1]:02d}:{parts[2]:02d}"


def chapters_in(request: str) -> list[tuple[str, str]]:
    """(time, title) chapters a request gives as "0:00 intro, 1:30 melting wax", times as 00:00."""
    stamps = list(_TIMESTAMP.finditer(request))
    chapters = []
    for index, stamp in enumerate(stamps):
        end = stamps[index + 1].start() if index + 1 < len(stamps) else len(request)
        title = re.split(r"[.;\n]", request[stamp.end() : end].strip(" ,;:-–—"), maxsplit=1)[0]
        title = re.sub(r"[\s,]+(?:and|then)$", "", title.strip(" ,")).strip()
        if title:
            chapters.append((_clock(stamp.group(1)), capitalise(title)))
    return chapters


def chapter_lines(chapters: list[tuple[str, str]]) -> list[str]:
    """Description lines for chapters, starting at 00:00; gaps to fill when the request gave none."""
    if not chapters:
        return ["00:00 Intro", gap("chapter"), gap("chapter")]
    if chapters[0][0] not in ("00:00", "0:00:00"):
        chapters = [("00:00", "Intro"), *chapters]
    return [f"{time} {title}" for time, title in chapters]


def fit_title(title: str, limit: int) -> str:
    """A title without <, >, [ or ], cut between words to at most `limit` characters."""
    title = re.sub(r"\s+", " ", _NOT_IN_TITLE.sub("", title)).strip().rstrip(".")
    if len(title) <= limit:
        return title
    return title[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:|-") or title[:limit]


def search_tags(topic: str, brand: str, products: list[str], *, shorts: bool) -> list[str]:
    """Search tags from the topic, its word pairs, the brand and named products."""
    phrase = re.sub(r"^(?:our|the|a|an)\s+", "", topic.lower()).strip()
    pairs = [re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tag[1:]).lower() for tag in topic_tags(topic)]
    return [phrase, *pairs, brand.lower(), *(p.lower() for p in products), *(["shorts"] if shorts else [])]


def fit_tags(tags: list[str]) -> list[str]:
    """Tags without # or angle brackets, no repeats, within YouTube's 500 characters in all."""
    kept: list[str] = []
    for tag in tags:
        clean = re.sub(r"[#<>]", "", tag).strip()
        if clean and clean.lower() not in {k.lower() for k in kept}:
            if len(", ".join([*kept, clean])) > TAGS_MAX_CHARS:
                break
            kept.append(clean)
    return kept


def keywords_first(description: str, topic: str) -> str:
    """The description, opened with the topic when none of its words shows in the first 150 characters."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", topic)]
    if not words or any(w in description[:150].lower() for w in words):
        return description
    return f"{capitalise(topic)}. {description}"


def _template_pieces(topic: str, intent: str, quoted: str | None, values: dict[str, str], tags: list[str]) -> dict:
    t = templates_for(PLATFORM)
    short = " ".join(capitalise(w) for w in re.findall(r"[\w'’-]+", re.sub(r"^(?:our|the)\s+", "", topic))[:3])
    shorts = t["shorts"]
    beats = [shorts["hook"], *shorts["beats"]]
    return {
        "title": fill(by_intent(t["title"], intent), **values) if not quoted else re.split(r"(?<=[.!?])\s", quoted)[0],
        "description": quoted or fill(by_intent(t["description"], intent), **values),
        "tags": tags,
        "variants": [{k: fill(v, Short=short, **values) for k, v in item.items()} for item in t["variants"]],
        "beats": [{k: fill(v, **values) for k, v in beat.items()} for beat in beats],
    }


def compose_youtube(request: str, runtime: Runtime[AgentContext], *, variant: int = 0) -> Package:
    """A YouTube title, description and video gap (the draft), with tags, A/B ideas and any Shorts script."""
    ctx = runtime.context
    brief = parse_brief(request)
    fmt = youtube_format(request)
    chapters = chapters_in(request)
    topic = topic_from(brief, _TIMESTAMP.split(_CHAPTER_CUE.sub("", brief.topic))[0]) or brief.topic
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    values = fill_values(topic, kit, PLATFORM, variant)
    products = products_named(request, brand_products(ctx.brand.pack))
    longest = title_limit(PLATFORM, ctx.brand)
    tags = search_tags(topic, kit.brand_name, products, shorts=fmt == "shorts")
    template = _template_pieces(topic, brief.opening, brief.quoted, values, tags)
    prefix = disclosure(ctx.brand) if brief.sponsored else ""

    def assemble(pieces: dict[str, Any]) -> Copy:
        title = fit_title(pieces["title"], longest)
        most = min(kit.hashtag_limit, HASHTAGS_SHOWN)
        hashtags = (["#Shorts"] if fmt == "shorts" else []) + choose_hashtags(topic, kit)
        hashtags = hashtags[:most]
        body = keywords_first(_NOT_IN_TITLE.sub("", without_links_and_tags(pieces["description"])), topic)
        if prefix and not body.lower().startswith(prefix.lower()):
            body = f"{prefix} {body}"
        lines = chapter_lines(chapters) if fmt == "video" else []
        tail = [
            "\n".join([templates_for(PLATFORM)["chapters_heading"], *lines]) if lines else "",
            fill(templates_for(PLATFORM)["link"], **values),
            " ".join(hashtags),
        ]
        tail_text = "\n\n".join(part for part in tail if part)
        body = shorten(body, max(max_chars(PLATFORM, ctx.brand.rulebook) - len(tail_text) - 2, 0))
        description = f"{body}\n\n{tail_text}"
        variants = [v for v in pieces["variants"] if v.get("title")][:MAX_VARIANTS] or template["variants"]
        listed = "\n".join(f'- "{fit_title(v["title"], longest)}" / thumbnail: {v["thumbnail"]}' for v in variants)
        notes = []
        if fmt == "shorts":
            script = "\n".join(f'- {b["time"]}: {b["shot"]} On screen: "{b["on_screen"]}"' for b in pieces["beats"])
            notes.append(reply("shorts_script", script=script))
        notes += [
            reply("youtube_tags", tags=", ".join(fit_tags(pieces["tags"]))),
            reply("youtube_variants", variants=listed),
        ]
        if fmt == "video" and not chapters:
            notes.append(reply("chapter_gaps"))
        notes.append(reply("add_video"))
        return Copy(f"[title: {title}]\n\n{description}\n\n[video: {gap('video')}]", notes, [description])

    job = CopyRequest(
        platform=PLATFORM,
        format_name=fmt,
        request=request,
        sponsored=brief.sponsored,
        pieces=template,
        plain_key="description",
        details="; ".join(f"{time} {title}" for time, title in chapters),
    )
    copy, source, sources = write_copy(job, assemble, runtime)
    shape = "a Shorts title and description" if fmt == "shorts" else "a video title and description"
    return Package(PLATFORM, shape, topic, copy.text, copy.notes, source, brief.sponsored, sources)
