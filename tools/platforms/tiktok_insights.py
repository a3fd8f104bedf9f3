"""TikTok video insights from the Display API's video query (`POST /v2/video/query/`), at most 20 videos a request.

How TikTok's video fields become BrandPilot's totals:

    video_views  view_count
    engagements  like_count + comment_count + share_count

TikTok reports no impressions, reach or clicks per video through this API. The query needs the video.list
scope and answers only videos of the token's own account; a video TikTok no longer has is simply not in the
answer and is left out. Ids that are not numbers (a publish id kept for a post still in moderation) can't be
queried and are left out unasked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tools.platforms.base import PostInsights
from tools.platforms.insights import count, distinct, read_listed, total, totals

PLATFORM = "tiktok"
QUERY_PATH = "/v2/video/query/"
FIELDS = "id,like_count,comment_count,share_count,view_count"
MAX_IDS = 20

Query = Callable[[list[str]], dict[str, Any]]  # video ids -> the answer's `data` object


def read_insights(external_ids: Sequence[str], query: Query) -> list[PostInsights]:
    """The numbers of the account's videos TikTok still has, in the order asked."""
    ids = [i for i in distinct(external_ids) if i.isdigit()]
    return read_listed(ids, MAX_IDS, query, "videos", tiktok_totals, platform=PLATFORM, name="TikTok")


def tiktok_totals(video: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one video object of the query."""
    return totals(
        video_views=count(video.get("view_count")),
        engagements=total(
            count(video.get("like_count")), count(video.get("comment_count")), count(video.get("share_count"))
        ),
    )
