"""Instagram media insights through the Graph API: one `?ids=` read of up to 50 media for their insights.

How Graph's media insights become BrandPilot's totals:

    impressions  views (Meta's replacement for the retired impressions and plays metrics)
    reach        reach
    engagements  total_interactions (likes + comments + saves + shares, net of those undone);
                 without it, likes + comments + shares + saved

Instagram gives no clicks or separate video views per media here. Insights need the instagram_manage_insights
permission; media posted before the account became a professional one has none. A media object the account
no longer has is left out (see `meta_insights`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tools.platforms.base import PostInsights
from tools.platforms.insights import distinct, total, totals
from tools.platforms.meta import GraphApi
from tools.platforms.meta_insights import count_of, metric_values, read_nodes

METRICS = ("reach", "likes", "comments", "shares", "saved", "total_interactions", "views")
FIELDS = f"insights.metric({','.join(METRICS)})"


def read_insights(graph: GraphApi, external_ids: Sequence[str], token: str) -> list[PostInsights]:
    """The numbers of the media Graph still has, in the order asked."""
    nodes = read_nodes(graph, external_ids, token, FIELDS)
    return [
        PostInsights(external_id=i, totals=instagram_totals(nodes[i])) for i in distinct(external_ids) if i in nodes
    ]


def instagram_totals(node: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one media object's insights."""
    values = metric_values(node)
    interactions = count_of(values, "total_interactions")
    if interactions is None:
        interactions = total(*(count_of(values, name) for name in ("likes", "comments", "shares", "saved")))
    return totals(impressions=count_of(values, "views"), reach=count_of(values, "reach"), engagements=interactions)
