"""Facebook Page post insights through the Graph API: one `?ids=` read of up to 50 posts for counts and insights.

How Graph's fields become BrandPilot's totals:

    impressions  insights post_media_view (Meta's "views", which replaced post_impressions in November 2025)
    reach        insights post_total_media_view_unique (replaced post_impressions_unique)
    clicks       insights post_clicks
    engagements  reactions of every type (insights post_reactions_by_type_total) + comments.summary.total_count
                 + shares.count (Graph leaves `shares` out of a post nobody shared: 0)

Insights need a Page token with pages_read_engagement and read_insights; Meta serves them for Pages with at
least 100 likes. A post the Page no longer has is left out (see `meta_insights`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tools.platforms.base import PostInsights
from tools.platforms.insights import count, distinct, total, totals
from tools.platforms.meta import GraphApi
from tools.platforms.meta_insights import count_of, metric_values, read_nodes

METRICS = ("post_media_view", "post_total_media_view_unique", "post_clicks", "post_reactions_by_type_total")
FIELDS = f"shares,comments.summary(true).limit(0),insights.metric({','.join(METRICS)})"


def read_insights(graph: GraphApi, external_ids: Sequence[str], token: str) -> list[PostInsights]:
    """The numbers of the Page posts Graph still has, in the order asked."""
    nodes = read_nodes(graph, external_ids, token, FIELDS)
    return [PostInsights(external_id=i, totals=facebook_totals(nodes[i])) for i in distinct(external_ids) if i in nodes]


def facebook_totals(node: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one post's fields and insights."""
    values = metric_values(node)
    comments = node.get("comments")
    summary = comments.get("summary") if isinstance(comments, Mapping) else None
    shares = node.get("shares")
    return totals(
        impressions=count_of(values, "post_media_view"),
        reach=count_of(values, "post_total_media_view_unique"),
        clicks=count_of(values, "post_clicks"),
        engagements=total(
            count_of(values, "post_reactions_by_type_total"),
            count(summary.get("total_count")) if isinstance(summary, Mapping) else None,
            count(shares.get("count")) if isinstance(shares, Mapping) else 0.0,
        ),
    )
