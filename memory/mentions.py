"""Stored mentions: added once (by platform id, or by content within the repost window), read per period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, sessionmaker

from memory.models import ScheduledPost
from memory.models_listening import StoredMention
from memory.repository import upsert_insert
from tools.monitor.mentions import REPOST_WINDOW, Mention, content_fingerprint
from tools.sentiment.scorer import SentimentResult

NEGATIVE_ENOUGH = 0.25  # P(negative) above the three-class chance level: worth showing as crisis evidence
ANSWERABLE = ("comment", "reply", "dm")
UNANSWERED_POST = ("failed", "cancelled")  # a reply post in these states did not answer the mention


@dataclass(frozen=True)
class ScoredMention:
    """A mention with its sentiment, ready to store."""

    mention: Mention
    sentiment: SentimentResult


def known_keys(session: Session, brand_id: str, mentions: list[Mention]) -> set[tuple[str, str]]:
    """The (platform, platform id) pairs of these mentions that the brand already has."""
    if not mentions:
        return set()
    query = select(StoredMention.platform, StoredMention.external_id).where(
        StoredMention.brand_id == brand_id, StoredMention.external_id.in_({m.external_id for m in mentions})
    )
    return {(platform, external_id) for platform, external_id in session.execute(query)}


def add_mentions(session: Session, brand_id: str, scored: list[ScoredMention]) -> list[ScoredMention]:
    """Store the mentions the brand doesn't have yet; returns those that were new, in the order given.

    A mention is already there when the brand has its platform id, or the same author's same words
    (`content_fingerprint`) within `REPOST_WINDOW` of it. Two readers storing the same mention at once both
    try the INSERT; the unique key lets one of them win, and only that one reports it as new.
    """
    if not scored:
        return []
    known = known_keys(session, brand_id, [s.mention for s in scored])
    prints = {s.mention: content_fingerprint(s.mention) for s in scored}
    earliest = min(s.mention.created_at for s in scored) - REPOST_WINDOW
    seen: dict[str, list[datetime]] = {}
    for fingerprint, at in session.execute(
        select(StoredMention.fingerprint, StoredMention.created_at).where(
            StoredMention.brand_id == brand_id,
            StoredMention.fingerprint.in_({p for p in prints.values() if p}),
            StoredMention.created_at >= earliest,
        )
    ):
        seen.setdefault(fingerprint, []).append(at)
    rows: dict[tuple[str, str], tuple[ScoredMention, dict[str, object]]] = {}
    for item in scored:
        mention, fingerprint = item.mention, prints[item.mention]
        key = (mention.platform, mention.external_id)
        if key in known or key in rows:
            continue
        if fingerprint and any(abs(mention.created_at - at) <= REPOST_WINDOW for at in seen.get(fingerprint, ())):
            continue
        rows[key] = (item, _row(brand_id, item, fingerprint))
        if fingerprint:
            seen.setdefault(fingerprint, []).append(mention.created_at)
    if not rows:
        return []
    table = StoredMention.__table__
    statement = (
        upsert_insert(session.get_bind().dialect.name)(table)
        .on_conflict_do_nothing(index_elements=["brand_id", "platform", "external_id"])
        .returning(table.c.platform, table.c.external_id)
    )
    inserted = {
        (platform, external_id) for platform, external_id in session.execute(statement, [r for _, r in rows.values()])
    }
    return [item for key, (item, _) in rows.items() if key in inserted]


def _row(brand_id: str, item: ScoredMention, fingerprint: str | None) -> dict[str, object]:
    m, s = item.mention, item.sentiment
    return {
        "brand_id": brand_id,
        "platform": m.platform,
        "external_id": m.external_id,
        "kind": m.kind,
        "author": m.author[:255],
        "author_name": (m.author_name or None) and m.author_name[:255],
        "author_id": (m.author_id or None) and m.author_id[:128],
        "subject": m.subject,
        "followers": m.followers,
        "created_at": m.created_at,
        "text": m.text,
        "language": m.language,
        "url": m.url,
        "in_reply_to": m.in_reply_to,
        "source": m.source,
        "fingerprint": fingerprint,
        "sentiment": s.label,
        "negative_score": float(s.scores.get("negative", 0.0)),
        "sentiment_scores": dict(s.scores),
        "emotions": dict(s.emotions),
    }


@dataclass(frozen=True)
class MentionView:
    """A stored mention as reports, alert cards and reply drafts use it (its text is untrusted data)."""

    platform: str
    author: str
    followers: int
    created_at: datetime
    text: str
    sentiment: str
    url: str | None
    id: str = ""
    kind: str = "mention"
    external_id: str = ""
    author_id: str | None = None
    negative: float = 0.0


@dataclass(frozen=True)
class SentimentSummary:
    """Counts per sentiment over a period, the negative share and the most felt emotions."""

    total: int
    counts: dict[str, int]
    negative_share: float
    emotions: dict[str, float]


class MentionStore:
    """Reads a brand's mentions for alert evidence, reputation summaries and warm-starting the detectors."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def samples(
        self,
        brand_id: str,
        start: datetime,
        end: datetime,
        *,
        min_negative: float = NEGATIVE_ENOUGH,
        limit: int = 5,
        subject: str | None = None,
    ) -> list[MentionView]:
        """The period's mentions (of `subject`) at least `min_negative` likely to be negative, widest reach first."""
        query = select(StoredMention).where(
            *_within(brand_id, start, end, subject), StoredMention.negative_score >= min_negative
        )
        query = query.order_by(StoredMention.followers.desc(), StoredMention.created_at).limit(limit)
        with self._sessions() as session:
            return [_view(row) for row in session.scalars(query)]

    def top_sources(self, brand_id: str, start: datetime, end: datetime, *, limit: int = 5) -> list[tuple[str, int]]:
        """(platform: author, mentions) of the authors who said most in the period, widest reach first on ties."""
        query = (
            select(StoredMention.platform, StoredMention.author, func.count(), func.max(StoredMention.followers))
            .where(*_within(brand_id, start, end))
            .group_by(StoredMention.platform, StoredMention.author)
            .order_by(func.count().desc(), func.max(StoredMention.followers).desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [(f"{platform}: {author}", int(n)) for platform, author, n, _ in session.execute(query)]

    def summary(self, brand_id: str, start: datetime, end: datetime, *, subject: str | None = None) -> SentimentSummary:
        """Sentiment counts, negative share and mean emotion scores of the period's mentions (of `subject`)."""
        query = select(StoredMention.sentiment, StoredMention.emotions).where(*_within(brand_id, start, end, subject))
        counts: Counter[str] = Counter()
        felt: Counter[str] = Counter()
        with self._sessions() as session:
            for sentiment, emotions in session.execute(query):
                counts[sentiment] += 1
                felt.update(emotions or {})
        total = sum(counts.values())
        return SentimentSummary(
            total,
            {name: counts.get(name, 0) for name in ("negative", "neutral", "positive")},
            counts["negative"] / total if total else 0.0,
            {name: value / total for name, value in felt.most_common()} if total else {},
        )

    def needing_reply(self, brand_id: str, since: datetime, *, limit: int = 10) -> list[MentionView]:
        """Comments, replies and DMs to the brand since `since` with no reply queued or sent, newest first.

        A mention counts as answered once an approved reply post names it (`answers_mention_id`) and that post
        has not failed or been cancelled.
        """
        answered = exists().where(
            ScheduledPost.answers_mention_id == StoredMention.id, ScheduledPost.status.not_in(UNANSWERED_POST)
        )
        query = (
            select(StoredMention)
            .where(
                StoredMention.brand_id == brand_id,
                StoredMention.subject.is_(None),
                StoredMention.created_at >= since,
                StoredMention.kind.in_(ANSWERABLE),
                ~answered,
            )
            .order_by(StoredMention.created_at.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [_view(row) for row in session.scalars(query)]

    def influencers(
        self, brand_id: str, start: datetime, end: datetime, *, min_followers: int, limit: int = 10
    ) -> list[MentionView]:
        """Mentions by authors with at least `min_followers`, the widest reach first."""
        query = (
            select(StoredMention)
            .where(*_within(brand_id, start, end), StoredMention.followers >= min_followers)
            .order_by(StoredMention.followers.desc(), StoredMention.created_at.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [_view(row) for row in session.scalars(query)]

    def by_platform(self, brand_id: str, start: datetime, end: datetime) -> dict[str, tuple[int, int]]:
        """(mentions, negative ones) per platform in the period."""
        negative = func.sum(case((StoredMention.sentiment == "negative", 1), else_=0))
        query = (
            select(StoredMention.platform, func.count(), negative)
            .where(*_within(brand_id, start, end))
            .group_by(StoredMention.platform)
        )
        with self._sessions() as session:
            return {platform: (int(n), int(neg or 0)) for platform, n, neg in session.execute(query)}

    def find(self, brand_id: str, mention_id: str) -> MentionView | None:
        """One of the brand's stored mentions by BrandPilot's id, or None."""
        with self._sessions() as session:
            row = session.get(StoredMention, mention_id)
            return _view(row) if row is not None and row.brand_id == brand_id else None

    def subjects(self, brand_id: str, start: datetime, end: datetime) -> dict[str | None, tuple[int, float]]:
        """(mentions, negative share) per subject in the period: None is the brand, the others its competitors."""
        negative = func.sum(case((StoredMention.sentiment == "negative", 1), else_=0))
        query = (
            select(StoredMention.subject, func.count(), negative)
            .where(StoredMention.brand_id == brand_id, StoredMention.created_at.between(start, end))
            .where(StoredMention.created_at < end)
            .group_by(StoredMention.subject)
        )
        with self._sessions() as session:
            return {subject: (int(n), int(neg or 0) / int(n)) for subject, n, neg in session.execute(query) if n}

    def texts(
        self, brand_id: str, start: datetime, end: datetime, *, subject: str | None = None, limit: int = 50_000
    ) -> list[tuple[str, str, datetime, int, float]]:
        """(text, author, time, followers, P(negative)) of the period's mentions, newest first, at most `limit`."""
        query = (
            select(
                StoredMention.text,
                StoredMention.author,
                StoredMention.created_at,
                StoredMention.followers,
                StoredMention.negative_score,
            )
            .where(*_within(brand_id, start, end, subject))
            .order_by(StoredMention.created_at.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            return [(t, a, at, int(f), float(n)) for t, a, at, f, n in session.execute(query)]

    def series(self, brand_id: str, start: datetime, end: datetime) -> list[tuple[datetime, float, int]]:
        """(time, P(negative), followers) of each mention in [start, end), oldest first: what the detectors read."""
        query = (
            select(StoredMention.created_at, StoredMention.negative_score, StoredMention.followers)
            .where(*_within(brand_id, start, end))
            .order_by(StoredMention.created_at)
        )
        with self._sessions() as session:
            return [(at, float(negative), int(followers)) for at, negative, followers in session.execute(query)]


def _within(brand_id: str, start: datetime, end: datetime, subject: str | None = None) -> tuple:
    """The mentions of the brand (or of its competitor `subject`) created in [start, end)."""
    about = StoredMention.subject.is_(None) if subject is None else StoredMention.subject == subject
    return StoredMention.brand_id == brand_id, about, StoredMention.created_at >= start, StoredMention.created_at < end


def _view(row: StoredMention) -> MentionView:
    return MentionView(
        row.platform,
        row.author,
        row.followers,
        row.created_at,
        row.text,
        row.sentiment,
        row.url,
        id=row.id,
        kind=row.kind,
        external_id=row.external_id,
        author_id=row.author_id,
        negative=row.negative_score,
    )
