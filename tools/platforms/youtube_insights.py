"""YouTube video insights from the Data API's `videos.list` (`part=statistics`), at most 50 videos a request.

How YouTube's `statistics` (counts sent as strings) become BrandPilot's totals:

    video_views  viewCount
    engagements  likeCount + commentCount (likeCount is missing when the channel hides likes; dislikes are private)

The Data API has no impressions, reach or clicks (those are in the YouTube Analytics API, which needs another
scope). Each request costs one quota unit. A video YouTube no longer has is simply not in `items` and is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tools.platforms.base import PostInsights
from tools.platforms.insights import count, distinct, read_listed, total, totals

PLATFORM = "youtube"
VIDEOS_PATH = "/youtube/v3/videos"
MAX_IDS = 50

ListVideos = Callable[[list[str]], dict[str, Any]]  # video ids -> the answer's JSON object


def read_insights(external_ids: Sequence[str], list_videos: ListVideos) -> list[PostInsights]:
    """The numbers of the videos YouTube still has, in the order asked."""
    ids = distinct(external_ids)
    return read_listed(ids, MAX_IDS, list_videos, "items", youtube_totals, platform=PLATFORM, name="YouTube")


def youtube_totals(video: Mapping[str, Any]) -> dict[str, float]:
    """BrandPilot's totals from one video resource's statistics."""
    stats = video.get("statistics")
    stats = stats if isinstance(stats, Mapping) else {}
    return totals(
        video_views=count(stats.get("viewCount")),
        engagements=total(count(stats.get("likeCount")), count(stats.get("commentCount"))),
    )
