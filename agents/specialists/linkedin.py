"""The LinkedIn specialist's copy: company-page posts, thought leadership, B2B angles and document posts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langgraph.runtime import Runtime

from agents.context import AgentContext
from agents.replies import reply
from agents.specialists.drafting import voice_kit, write_parts
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
from agents.specialists.platform_templates import fill, templates_for
from agents.specialists.post_hooks import lead_tracking
from agents.state import DraftSource
from tools.content.brief import parse_brief
from tools.content.checks import max_chars
from tools.content.compose import compose_post
from tools.content.text import find_hashtags
from tools.content.threads import shorten
from tools.platforms.linkedin import DOCUMENT_NAMES

PLATFORM = "linkedin"
MIN_PAGES, MAX_PAGES, DEFAULT_POINTS = 3, 12, 5
TITLE_MAX = 100
_I = re.IGNORECASE
_DOCUMENT = re.compile(
    r"\b(?:documents?|pdfs?|carousels?|slides?|slide[\s-]?decks?|decks?|one[\s-]pagers?|white[\s-]?papers?|e-?books?)\b",
    _I,
)
_THOUGHT = re.compile(
    r"\b(?:thought[\s-]leader(?:ship)?|points? of view|pov|perspective|opinion|op[\s-]?ed|our (?:take|view|stance)|"
    r"hot take|lessons?(?: we(?:'ve| have)?)? learn(?:ed|t)|what we(?:'ve| have)? learn(?:ed|t)|reflections?|"
    r"manifesto|essay|(?:why|what) we believe|the future of|industry (?:trends?|insights?)|insights? (?:on|into))\b",
    _I,
)
_B2B = re.compile(
    r"\b(?:b2b|b-to-b|business[\s-]to[\s-]business|wholesale|trade (?:buyers?|customers?|accounts?)|"
    r"(?:business|corporate|enterprise) (?:buyers?|customers?|clients?|accounts?|gifting)|decision[\s-]makers?|"
    r"procurement|(?:return on investment|roi) for)\b",
    _I,
)
# "for café owners on ...", "aimed at HR leaders about ...": the audience a B2B post speaks to.
_LEAD_IN = r"(?:for|to|aimed at|targeting|targeted at|pitched (?:at|to)|written for|speaking to)\s+(?:the\s+|our\s+)?"
_AUDIENCE = re.compile(
    rf"\b{_LEAD_IN}(?P<audience>[^,.:;!?\"]{{3,60}}?)"
    r"(?=\s+(?:on|about|around|re|covering|to|explaining|introducing|who|that)\b|[,.:;!?\"]|$)",
    _I,
)
_BUSINESS_ROLES = re.compile(
    r"\b(?:owners?|managers?|buyers?|leaders?|leadership|teams?|directors?|heads? of|officers?|executives?|"
    r"founders?|retailers?|stockists?|wholesalers?|distributors?|resellers?|restaurants?|caf[eé]s?|hotels?|"
    r"offices?|businesses|companies|brands?|agencies|operators?|planners?|procurement|hr|ops|operations|"
    r"facilities|clinics?|practices|partners?|suppliers?|vendors?|cmos?|ceos?|cfos?|ctos?|coos?|marketers?|"
    r"chains?|franchises?|venues?|employers?|recruiters?|studios?|shops?|stores?)\b",
    _I,
)
_COUNT = re.compile(r"\b(\d{1,2})[\s-]*(pages?|slides?|ways|tips|steps|things|ideas|reasons|lessons|mistakes)\b", _I)
_FORMAT_LEAD = re.compile(
    r"^(?:(?:a|an|our|the|some)\s+)?(?:(?:thought[\s-]leadership|b2b|business|document|pdf|opinion|op[\s-]?ed|pov|"
    r"linkedin|company[\s-]page)\s+)+(?:piece|post|article|angle|pitch|essay|take|document|carousel|deck)?\s*"
    r"(?:about|on|for|re|regarding|covering|with|of)\s+",
    _I,
)
# "looking for a studio manager": what follows "for" is who is sought, not who the post speaks to
_SOUGHT = re.compile(r"\b(?:looking|searching|search|hunting|hiring|recruiting)\s*$", _I)
_PLATFORM_WORDS = re.compile(r"\b(?:linkedin|li|company page|page)\b", _I)


def linkedin_format(request: str) -> str:
    """`document`, `thought_leadership` or `b2b` when the request asks for one, else `company`."""
    if _DOCUMENT.search(request):
        return "document"
    if _THOUGHT.search(request):
        return "thought_leadership"
    if _B2B.search(request) or b2b_audience(request):
        return "b2b"
    return "company"


def b2b_audience(request: str) -> str | None:
    """The business audience a request names ("café owners", "HR leaders"), or None when it names none."""
    for match in _AUDIENCE.finditer(request):
        if _SOUGHT.search(request, 0, match.start()):
            continue
        audience = _PLATFORM_WORDS.sub("", match.group("audience")).strip(" -")
        if audience and _BUSINESS_ROLES.search(audience):
            return audience
    return None


def page_count(request: str) -> int:
    """Pages for a document: a cover, one per point the request counts ("7 tips": 7), and a closing page."""
    match = _COUNT.search(request)
    if match and match.group(2).lower().startswith(("page", "slide")):
        return max(MIN_PAGES, min(int(match.group(1)), MAX_PAGES))
    points = int(match.group(1)) if match else DEFAULT_POINTS
    return max(MIN_PAGES, min(points + 2, MAX_PAGES))


def _subject(topic: str, audience: str | None) -> str:
    """The topic without LinkedIn format words ("thought leadership piece about") and the audience's phrase."""
    topic = _FORMAT_LEAD.sub("", topic, count=1).strip() or topic
    if not audience:
        return topic
    lead_in = rf"(?:^|\b(?:b2b\s+)?(?:angle|post|pitch)?\s*{_LEAD_IN})"
    pattern = rf"{lead_in}{re.escape(audience)}\s*(?:on|about|around|re|covering)?\s*"
    stripped = re.sub(pattern, " ", topic, flags=_I).strip(" ,;:-")
    return stripped or topic


def _template_pieces(fmt: str, quoted: str | None, pages: int, values: dict[str, str]) -> dict[str, Any]:
    t = templates_for(PLATFORM)
    document = t["document"]
    page_texts = [fill(document["page"], n=n, **values) for n in range(2, pages)]
    post = quoted or fill(t[fmt] if fmt != "document" else document["post"], pages=pages, **values)
    return {
        "post": post,
        "title": fill(document["title"], **values),
        "pages": [fill(document["cover"], **values), *page_texts, fill(document["closing"], **values)],
    }


def _company(request: str, runtime: Runtime[AgentContext], variant: int) -> tuple[Copy, DraftSource, list[str]]:
    """A company-page post by the general post writer (a template with other voice lines for `variant`)."""
    ctx = runtime.context
    brief = parse_brief(request)
    if variant:
        kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
        text = "\n\n".join(compose_post(brief, PLATFORM, kit, variant=variant))
        return Copy(text, [], [text]), "template", []
    written = write_parts(brief, PLATFORM, runtime)
    text = "\n\n".join(written.parts)
    return Copy(text, list(written.notes), [text]), written.source, written.sources


def compose_linkedin(
    request: str, runtime: Runtime[AgentContext], *, variant: int = 0, history: Sequence[HashtagRecord] | None = None
) -> Package:
    """LinkedIn copy for a request: a company-page post, thought leadership, a B2B angle or a document post.

    Every tracked link gets lead-tracking fields; `history` holds past hashtag results (default: the brand's own).
    """
    ctx = runtime.context
    brief = parse_brief(request)
    fmt = linkedin_format(request)
    if fmt == "company":
        copy, source, sources = _company(request, runtime, variant)
        topic = brief.topic
    else:
        history = past_hashtags(ctx, PLATFORM) if history is None else history
        audience = b2b_audience(request) if fmt == "b2b" else None
        topic = topic_from(brief, _subject(brief.topic, audience))
        copy, source, sources = _special(fmt, request, runtime, topic, audience, history, variant)
    notes = list(copy.notes)
    text = copy.text or ""
    tracked, fields = lead_tracking([text], topic, PLATFORM)
    if fields:
        notes.append(reply("lead_tracking", fields=", ".join(f"`{k}={v}`" for k, v in fields.items())))
    shapes = {"thought_leadership": "a thought-leadership post", "b2b": "a B2B post", "document": "a document post"}
    return Package(
        platform=PLATFORM,
        shape=shapes.get(fmt, "a post"),
        topic=topic,
        text=tracked[0],
        notes=notes,
        source=source,
        sponsored=brief.sponsored,
        sources=sources,
    )


def _special(
    fmt: str,
    request: str,
    runtime: Runtime[AgentContext],
    topic: str,
    audience: str | None,
    history: Sequence[HashtagRecord],
    variant: int,
) -> tuple[Copy, DraftSource, list[str]]:
    """Thought-leadership, B2B or document copy from the templates, or from the model's pieces."""
    ctx = runtime.context
    brief = parse_brief(request)
    kit = voice_kit(ctx.brand, PLATFORM, ctx.options.campaign_code)
    pages = page_count(request)
    values = fill_values(topic, kit, PLATFORM, variant) | {
        "audience": audience or templates_for(PLATFORM)["audience_gap"]
    }
    prefix = disclosure(ctx.brand) if brief.sponsored else ""
    limit = max_chars(PLATFORM, ctx.brand.rulebook)

    def assemble(pieces: dict[str, Any]) -> Copy:
        post = pieces["post"]
        suggested = find_hashtags(post)
        for tag in suggested:
            post = post.replace(tag, "")
        post = re.sub(r"[ \t]+\n", "\n", re.sub(r"[ \t]{2,}", " ", post)).strip()
        if prefix and not post.lower().startswith(prefix.lower()):
            post = f"{prefix} {post}"
        tags = choose_hashtags(topic, kit, history, suggested=suggested)
        tail = " ".join(tags)
        post = shorten(post, limit - len(tail) - 2) if len(post) + len(tail) + 2 > limit else post
        body = f"{post}\n\n{tail}".strip()
        notes = [hashtag_note(tags, history)]
        if fmt == "document":
            title = shorten(pieces["title"], TITLE_MAX)
            listed = "\n".join(f"{n}. {page}" for n, page in enumerate(pieces["pages"][:MAX_PAGES], 1))
            notes[:0] = [reply("document_pages", pages=listed), reply("add_document", types=DOCUMENT_NAMES)]
            document_gap = templates_for("gaps")["document"]
            return Copy(f"[title: {title}]\n\n{body}\n\n[document: {document_gap}]", notes, [body])
        if fmt == "thought_leadership":
            notes.insert(0, reply("thought_leadership_note"))
        if fmt == "b2b":
            notes.insert(0, reply("b2b_note", audience=audience) if audience else reply("b2b_no_audience"))
        return Copy(body, notes, [body])

    job = CopyRequest(
        platform=PLATFORM,
        format_name=fmt,
        request=request,
        sponsored=brief.sponsored,
        pieces=_template_pieces(fmt, brief.quoted, pages, values),
        plain_key="post",
        details=f"Audience: {audience}" if audience else "",
    )
    return write_copy(job, assemble, runtime)
