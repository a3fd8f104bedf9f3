"""The brands' post history and its daily metrics: what best times, hashtags and predictions learn from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from urllib.parse import parse_qs

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from memory.models import PostMetric, PublishedPost, ScheduledPost, utcnow
from memory.repository import upsert_insert
from tools.analytics.best_times import PostRecord
from tools.analytics.metrics_csv import ImportedPost
from tools.content.text import find_hashtags, find_links, find_markers, split_link

COUNTS = ("impressions", "reach", "engagements", "clicks", "video_views", "conversions")
AMOUNTS = ("spend", "revenue")


@dataclass(frozen=True)
class NewPost:
    """A post that is live on a platform, to add to a brand's history."""

    brand_id: str
    platform: str
    published_at: datetime
    text: str = ""
    external_id: str | None = None
    url: str | None = None
    media_kind: str | None = None
    campaign: str | None = None
    source: str = "import"
    hashtags: tuple[str, ...] | None = None  # None: the hashtags found in the text


@dataclass(frozen=True)
class DailyMetrics:
    """One post's numbers for one day."""

    day: date
    impressions: int = 0
    reach: int = 0
    engagements: int = 0
    clicks: int = 0
    video_views: int = 0
    conversions: int = 0
    spend: float = 0.0
    revenue: float = 0.0


@dataclass(frozen=True)
class PostOutcome:
    """A past post with its metrics summed over every recorded day."""

    id: str
    platform: str
    published_at: datetime
    text: str
    hashtags: tuple[str, ...]
    media_kind: str | None
    campaign: str | None
    totals: dict[str, float] = field(default_factory=dict)

    def total(self, name: str) -> int:
        """A summed count (impressions, reach, engagements, ...), 0 when never recorded."""
        return int(self.totals.get(name, 0))

    def record(self) -> PostRecord:
        """The post as the best-time and prediction models see it."""
        return PostRecord(self.platform, self.published_at, self.total("impressions"), self.total("engagements"))

    def hashtag_rows(self) -> list[tuple[str, int, int]]:
        """(hashtag, the post's reach, its engagements) for each of its hashtags; impressions stand in for reach."""
        reach = self.total("reach") or self.total("impressions")
        return [(tag, reach, self.total("engagements")) for tag in self.hashtags]


def add_post(session: Session, post: NewPost) -> str:
    """Add a post to the history and return its id; a post the history already has (same platform id) is kept."""
    if post.external_id is not None:
        known = session.scalar(
            select(PublishedPost.id).where(
                PublishedPost.platform == post.platform, PublishedPost.external_id == post.external_id
            )
        )
        if known is not None:
            return known
    values = {f.name: getattr(post, f.name) for f in fields(post)}
    values["hashtags"] = list(post.hashtags if post.hashtags is not None else find_hashtags(post.text))
    row = PublishedPost(**values)
    session.add(row)
    session.flush()
    return row.id


def record_published(session: Session, post: ScheduledPost) -> None:
    """Put a post BrandPilot just published into the history (once per scheduled post; dry runs never).

    A reply to a mention or a direct message is not a brand post: it never enters the history, so best times,
    hashtag rankings and the metrics sync never see it. One INSERT that gives way on either unique key: a post
    recorded before stays as it is, and one imported before it was confirmed (same platform id) is linked to this
    scheduled post instead of added again.
    """
    private = any(marker.kind == "message" for marker in find_markers(post.text))
    if post.dry_run or post.status != "published" or post.answers_mention_id or private:
        return
    insert = upsert_insert(session.get_bind().dialect.name)
    row = {
        "brand_id": post.brand_id,
        "platform": post.platform,
        "external_id": post.external_id,
        "url": post.url,
        "published_at": post.published_at or utcnow(),
        "text": post.text,
        "hashtags": find_hashtags(post.text),
        "media_kind": media_kind(post.text),
        "campaign": (post.options or {}).get("campaign") or utm_campaign(post.text),
        "source": "published",
        "scheduled_post_id": post.id,
    }
    added = session.execute(
        insert(PublishedPost).values(**row).on_conflict_do_nothing().returning(PublishedPost.id)
    ).first()
    if added is None and post.external_id is not None:
        session.execute(
            update(PublishedPost)
            .where(
                PublishedPost.platform == post.platform,
                PublishedPost.external_id == post.external_id,
                PublishedPost.scheduled_post_id.is_(None),
            )
            .values(scheduled_post_id=post.id)
            .execution_options(synchronize_session=False)
        )


def media_kind(text: str) -> str:
    """What a post carries, from its draft markers: text, image, video or carousel (several)."""
    kinds = [marker.kind for marker in find_markers(text) if marker.kind in ("image", "video")]
    if len(kinds) > 1:
        return "carousel"
    return kinds[0] if kinds else "text"


def utm_campaign(text: str) -> str | None:
    """The `utm_campaign` of the first link in the text that has one."""
    for link in find_links(text):
        parts = split_link(link)
        values = parse_qs(parts.query).get("utm_campaign") if parts else None
        if values and values[0].strip():
            return values[0].strip()[:128]
    return None


def set_metrics(session: Session, post_id: str, days: Iterable[DailyMetrics]) -> int:
    """Insert or replace a post's numbers per day; returns how many days were written."""
    rows = [{"post_id": post_id, **{f.name: getattr(day, f.name) for f in fields(day)}} for day in days]
    if not rows:
        return 0
    insert = upsert_insert(session.get_bind().dialect.name)
    statement = insert(PostMetric).values(rows)
    changed = {name: statement.excluded[name] for name in (*COUNTS, *AMOUNTS)}
    session.execute(
        statement.on_conflict_do_update(index_elements=["post_id", "day"], set_={**changed, "updated_at": utcnow()})
    )
    return len(rows)


def synced_posts(session: Session, brand_id: str, platform: str, since: datetime) -> dict[str, str]:
    """The brand's posts on the platform published since `since` that have a platform id: {platform id: post id}."""
    query = select(PublishedPost.external_id, PublishedPost.id).where(
        PublishedPost.brand_id == brand_id,
        PublishedPost.platform == platform,
        PublishedPost.external_id.is_not(None),
        PublishedPost.source != "demo",
        PublishedPost.published_at >= since,
    )
    return {str(external_id): post_id for external_id, post_id in session.execute(query)}


def record_snapshot(session: Session, post_id: str, day: date, lifetime: Mapping[str, float]) -> dict[str, float]:
    """Turn a post's lifetime numbers into `day`'s: each count less what its other days hold; returns what was written.

    A count the platform lowered since (likes taken back) is written as 0 for the day rather than negative.
    Reach is people, not views, so the day gets the lifetime reach (a post's reach is read as its best day's).
    Only the metrics in `lifetime` are written; the day's other columns (spend from an import) stay as they are.
    """
    names = [name for name in lifetime if name in COUNTS]
    if not names:
        return {}
    earlier = session.execute(
        select(*[func.coalesce(func.sum(getattr(PostMetric, n)), 0) for n in names]).where(
            PostMetric.post_id == post_id, PostMetric.day != day
        )
    ).one()
    values = {
        name: int(lifetime[name]) if name == "reach" else max(0, int(lifetime[name]) - int(before))
        for name, before in zip(names, earlier, strict=True)
    }
    insert = upsert_insert(session.get_bind().dialect.name)
    statement = insert(PostMetric).values(post_id=post_id, day=day, **values)
    changed = {**{name: statement.excluded[name] for name in names}, "updated_at": utcnow()}
    session.execute(statement.on_conflict_do_update(index_elements=["post_id", "day"], set_=changed))
    return values


class HistoryStore:
    """Reads a brand's past posts with their summed metrics."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def outcomes(
        self, brand_id: str, *, platform: str | None = None, since: datetime | None = None, limit: int = 5000
    ) -> list[PostOutcome]:
        """The brand's posts (newest first, at most `limit`) with their metrics summed over all days."""
        sums = [  # reach is people, not views: it doesn't add up over days, so a post's reach is its best day's
            func.coalesce((func.max if name == "reach" else func.sum)(getattr(PostMetric, name)), 0).label(name)
            for name in (*COUNTS, *AMOUNTS)
        ]
        query = (
            select(PublishedPost, *sums)
            .outerjoin(PostMetric, PostMetric.post_id == PublishedPost.id)
            .where(PublishedPost.brand_id == brand_id)
            .group_by(PublishedPost.id)
            .order_by(PublishedPost.published_at.desc())
            .limit(limit)
        )
        if platform is not None:
            query = query.where(PublishedPost.platform == platform)
        if since is not None:
            query = query.where(PublishedPost.published_at >= since)
        with self._sessions() as session:
            return [_outcome(row[0], row[1:]) for row in session.execute(query)]

    def count(self, brand_id: str) -> int:
        """How many posts the brand's history holds."""
        with self._sessions() as session:
            query = select(func.count()).select_from(PublishedPost).where(PublishedPost.brand_id == brand_id)
            return int(session.scalar(query) or 0)


def _outcome(post: PublishedPost, sums: tuple) -> PostOutcome:
    totals = {name: float(value or 0) for name, value in zip((*COUNTS, *AMOUNTS), sums, strict=True)}
    return PostOutcome(
        id=post.id,
        platform=post.platform,
        published_at=post.published_at,
        text=post.text,
        hashtags=tuple(post.hashtags or ()),
        media_kind=post.media_kind,
        campaign=post.campaign,
        totals=totals,
    )


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote."""

    posts: int
    new_posts: int
    days: int


def import_posts(session: Session, brand_id: str, posts: Iterable[ImportedPost]) -> ImportSummary:
    """Add imported posts (or find them) and write their daily metrics, in the caller's transaction.

    Raises:
        ValueError: a post of the file is already recorded for another brand (nothing should be committed).
    """
    count = new = days = 0
    for post in posts:
        owner = session.scalar(
            select(PublishedPost.brand_id).where(
                PublishedPost.platform == post.platform, PublishedPost.external_id == post.post_id
            )
        )
        if owner is not None and owner != brand_id:
            raise ValueError(f"{post.platform} post {post.post_id} is recorded for brand {owner!r}, not {brand_id!r}")
        new += owner is None
        post_id = add_post(
            session,
            NewPost(
                brand_id=brand_id,
                platform=post.platform,
                published_at=post.published_at,
                text=post.text,
                external_id=post.post_id,
                url=post.url,
                media_kind=post.media_kind,
                campaign=post.campaign,
            ),
        )
        days += set_metrics(session, post_id, [DailyMetrics(day, **_ints(values)) for day, values in post.days.items()])
        count += 1
    return ImportSummary(count, new, days)


def _ints(values: dict[str, float]) -> dict[str, float]:
    return {name: (int(value) if name in COUNTS else value) for name, value in values.items()}
