"""X post insights from the posts lookup (`GET /2/tweets?ids=...`), at most 100 posts a request.

How X's fields become BrandPilot's totals:

    impressions  non_public_metrics.impression_count, else public_metrics.impression_count
    engagements  public_metrics like_count + reply_count + retweet_count + quote_count + bookmark_count
    clicks       non_public_metrics url_link_clicks + user_profile_clicks

X serves non-public metrics only for the account's own posts from the last 30 days. For an older post the lookup
answers a "Field Authorization Error" instead of the post, so those posts are asked again with public metrics
only (they then have no clicks). A post X no longer shows (deleted, or its author suspended or protected) comes
back as an error item and is left out; ids that are not numbers can't be X posts and are left out unasked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tools.platforms.base import PostInsights
from tools.platforms.insights import batches, count, distinct, malformed, total, totals

PLATFORM = "x"
MAX_IDS = 100
ALL_FIELDS = "public_metrics,non_public_metrics"
PUBLIC_FIELDS = "public_metrics"
FIELD_DENIED = "https://api.twitter.com/2/problems/not-authorized-for-field"
ENGAGEMENT_COUNTS = ("like_count", "reply_count", "retweet_count", "quote_count", "bookmark_count")

Lookup = Callable[[Mapping[str, str]], dict[str, Any]]  # query parameters -> the answer's JSON object


def read_insights(external_ids: Sequence[str], lookup: Lookup) -> list[PostInsights]:
    """The numbers of the posts X still has, in the order asked; `lookup` sends one `GET /2/tweets`."""
    ids = [i for i in distinct(external_ids) if i.isdigit()]
    found: dict[str, dict[str, float]] = {}
    for batch in batches(ids, MAX_IDS):
        posts, denied = _lookup(lookup, batch, ALL_FIELDS)
        found.update(posts)
        retry = [i for i in denied if i not in found]
        if retry:
            found.update(_lookup(lookup, retry, PUBLIC_FIELDS)[0])
    return [PostInsights(external_id=i, totals=found[i]) for i in ids if i in found]


def x_totals(post: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one post object of the lookup."""
    public = post.get("public_metrics")
    public = public if isinstance(public, Mapping) else {}
    private = post.get("non_public_metrics")
    private = private if isinstance(private, Mapping) else {}
    impressions = count(private.get("impression_count"))
    return totals(
        impressions=impressions if impressions is not None else count(public.get("impression_count")),
        engagements=total(*(count(public.get(name)) for name in ENGAGEMENT_COUNTS)),
        clicks=total(count(private.get("url_link_clicks")), count(private.get("user_profile_clicks"))),
    )


def _lookup(lookup: Lookup, ids: list[str], fields: str) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Totals by post id, and the ids refused only for a field (older than 30 days)."""
    body = lookup({"ids": ",".join(ids), "tweet.fields": fields})
    data, errors = body.get("data", []), body.get("errors", [])
    if ("data" not in body and "errors" not in body) or not isinstance(data, list) or not isinstance(errors, list):
        raise malformed(PLATFORM, "X", "neither a list of posts nor a list of errors")
    posts = {str(p["id"]): x_totals(p) for p in data if isinstance(p, Mapping) and p.get("id")}
    denied = [
        str(e.get("resource_id") or e.get("value"))
        for e in errors
        if isinstance(e, Mapping) and e.get("type") == FIELD_DENIED and (e.get("resource_id") or e.get("value"))
    ]
    return posts, list(dict.fromkeys(denied))
