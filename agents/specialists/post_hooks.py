"""Per-platform finishing touches on written posts: an X trend hook, LinkedIn lead-tracking fields."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlunsplit

from tools.content.text import find_hashtags, find_links, split_link

MAX_SLUG = 40


def trend_hook(parts: list[str], trend: str, *, hashtag_limit: int, max_chars: int) -> list[str]:
    """The first post riding a trend the user named: a hashtag trend leads its hashtags, a named one opens it.

    A hashtag trend replaces the last other hashtag when the post is at its limit; nothing is added that
    would push the post over `max_chars`.
    """
    first = parts[0]
    if trend.startswith("#") and hashtag_limit < 1:
        return parts
    if trend.startswith("#"):
        if trend.lower() in (tag.lower() for tag in find_hashtags(first)):
            return parts
        tags = find_hashtags(first)
        if tags and len(tags) >= hashtag_limit:
            first = re.sub(rf"\s*{re.escape(tags[-1])}(?!\w)", "", first, count=1)
        hooked = f"{first.rstrip()} {trend}"
    else:
        name = trend.strip()
        hooked = f"{name[:1].upper()}{name[1:]}, our take: {first}"
    return [hooked, *parts[1:]] if len(hooked) <= max_chars else parts


def lead_tracking(parts: list[str], topic: str, platform: str) -> tuple[list[str], dict[str, str] | None]:
    """Give each tracked link of the post a `utm_content` naming the post, so leads it brings are attributed to it.

    Returns the parts and the tracking fields (for a Lead Gen Form's hidden fields), or None when the post has
    no tracked link. A link that already says `utm_content` is left as it is.
    """
    slug = _slug(f"{platform[:2]} {topic}")
    fields: dict[str, str] | None = None
    tagged = []
    for part in parts:
        for link in find_links(part):
            address = split_link(link)
            if address is None:  # a link the check reports as broken ("http://[x"): nothing to track
                continue
            query = dict(parse_qsl(address.query))
            if "utm_source" not in query:
                continue
            query.setdefault("utm_content", slug)
            fields = {k: query[k] for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content") if k in query}
            part = part.replace(link, urlunsplit(address._replace(query=urlencode(query))), 1)
        tagged.append(part)
    return tagged, fields


_SLUG_STOP = frozenset("a an the our your new about for of and to on in with".split())


def _slug(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _SLUG_STOP]
    return "-".join(words)[:MAX_SLUG].rstrip("-") or "post"
