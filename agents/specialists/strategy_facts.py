"""What the content strategist knows about a brand: its plan from the pack, its post history and best times."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from agents.context import AgentContext
from memory.history import PostOutcome
from tools.analytics.best_times import BestTimes, best_times
from tools.content.brand_plan import BrandPlan, load_brand_plan
from tools.content.brief import platforms_in
from tools.platforms.specs import get_platform

log = logging.getLogger(__name__)
HISTORY_POSTS = 5000


@lru_cache(maxsize=32)
def _plan(pack: Path, platforms: tuple[str, ...], stamp: float) -> BrandPlan:
    return load_brand_plan(pack, platforms)


def brand_plan(ctx: AgentContext) -> BrandPlan:
    """Pillars and cadence for the enabled platforms, re-read when the pack's files change."""
    pack = ctx.brand.pack
    files = [pack / "brand.yaml", pack / "guidelines.md"]
    stamp = max((f.stat().st_mtime for f in files if f.exists()), default=0.0)
    return _plan(pack, tuple(ctx.options.enabled_platforms), stamp)


def platforms_for(ctx: AgentContext, request: str) -> list[str]:
    """The enabled platforms the request names, or all enabled ones when it names none."""
    enabled = list(ctx.options.enabled_platforms)
    return [p for p in platforms_in(request) if p in enabled] or enabled


def past_posts(ctx: AgentContext, platform: str | None = None) -> list[PostOutcome]:
    """The brand's recent posts with metrics (empty when there is no history store or it can't be read)."""
    if ctx.history is None:
        return []
    try:
        return ctx.history.outcomes(ctx.brand.id, platform=platform, limit=HISTORY_POSTS)
    except SQLAlchemyError:  # planning goes on from the prior; the reply says no history was used
        log.warning("could not read the post history", exc_info=True)
        return []


def times_by_platform(ctx: AgentContext, platforms: list[str], outcomes: list[PostOutcome]) -> dict[str, BestTimes]:
    """Best posting times per platform from the measured posts (the prior alone where there are none)."""
    records = [o.record() for o in outcomes]
    return {p: best_times(records, p, ctx.options.timezone) for p in platforms}


def local_bounds(start: date, end: date, timezone: str) -> tuple[datetime, datetime]:
    """UTC instants from the start of `start` to the end of `end` (inclusive local days)."""
    zone = ZoneInfo(timezone)
    first = datetime.combine(start, time(0), zone)
    after = datetime.combine(end + timedelta(days=1), time(0), zone)
    return first.astimezone(ZoneInfo("UTC")), after.astimezone(ZoneInfo("UTC"))


def label(platform: str) -> str:
    """The platform's display name."""
    return get_platform(platform).label


def posting_rate(outcomes: list[PostOutcome], platform: str, now: datetime, weeks: int = 8) -> float:
    """Posts a week on the platform over the last `weeks` weeks."""
    since = now - timedelta(weeks=weeks)
    return sum(1 for o in outcomes if o.platform == platform and o.published_at >= since) / weeks
