"""LinkedIn post insights: an organization's lifetime share statistics (`organizationalEntityShareStatistics`).

How LinkedIn's `totalShareStatistics` become BrandPilot's totals:

    impressions  impressionCount
    reach        uniqueImpressionsCount
    clicks       clickCount
    engagements  likeCount + commentCount + shareCount

LinkedIn's own `engagement` rate also counts clicks; BrandPilot keeps clicks apart, as on every platform.

Only organization pages have these statistics; a member's own posts need LinkedIn's restricted member analytics
permission, so the client refuses a person author before any call. Posts are asked for by URN, shares with
`shares=List(...)` and others with `ugcPosts=List(...)` (Rest.li 2.0: each URN percent-encoded inside the
literal `List(...)`), ten URNs a request so every answer fits LinkedIn's default page of ten elements. LinkedIn
keeps statistics for a rolling 12 months: a post it no longer has, or one older than that, gets no element and
is left out, as are ids that are not share or ugcPost URNs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from tools.platforms.base import PostInsights
from tools.platforms.insights import batches, count, distinct, malformed, total, totals

PLATFORM = "linkedin"
STATISTICS_PATH = "/rest/organizationalEntityShareStatistics"
MAX_URNS = 10
SHARE_PREFIX = "urn:li:share:"
UGC_POST_PREFIX = "urn:li:ugcPost:"

Fetch = Callable[[str], dict[str, Any]]  # an encoded query string -> the answer's JSON object


def statistics_query(organization: str, urns: Sequence[str]) -> str:
    """The finder's query string for these post URNs, encoded the Rest.li 2.0 way."""
    parts = ["q=organizationalEntity", f"organizationalEntity={quote(organization, safe='')}"]
    for name, prefix in (("shares", SHARE_PREFIX), ("ugcPosts", UGC_POST_PREFIX)):
        chosen = [quote(urn, safe="") for urn in urns if urn.startswith(prefix)]
        if chosen:
            parts.append(f"{name}=List({','.join(chosen)})")
    return "&".join(parts)


def read_insights(external_ids: Sequence[str], organization: str, fetch: Fetch) -> list[PostInsights]:
    """The numbers of the organization's posts LinkedIn has statistics for, in the order asked."""
    urns = [u for u in distinct(external_ids) if u.startswith((SHARE_PREFIX, UGC_POST_PREFIX))]
    found: dict[str, dict[str, float]] = {}
    for batch in batches(urns, MAX_URNS):
        elements = fetch(statistics_query(organization, batch)).get("elements")
        if not isinstance(elements, list):
            raise malformed(PLATFORM, "LinkedIn", "no list of elements")
        for element in elements:
            if not isinstance(element, Mapping):
                continue
            urn = element.get("share") or element.get("ugcPost")
            if urn in batch:
                found[str(urn)] = linkedin_totals(element)
    return [PostInsights(external_id=u, totals=found[u]) for u in urns if u in found]


def linkedin_totals(element: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one element of the statistics answer."""
    stats = element.get("totalShareStatistics")
    stats = stats if isinstance(stats, Mapping) else {}
    return totals(
        impressions=count(stats.get("impressionCount")),
        reach=count(stats.get("uniqueImpressionsCount")),
        clicks=count(stats.get("clickCount")),
        engagements=total(
            count(stats.get("likeCount")), count(stats.get("commentCount")), count(stats.get("shareCount"))
        ),
    )
