"""Storing mentions: one statement per batch, and under a race only the writer that inserted a mention reports it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from memory import mentions as store
from memory.db import create_db_engine, normalize_database_url, session_factory, upgrade_database
from memory.mentions import ScoredMention, add_mentions
from memory.models_listening import StoredMention
from tools.monitor.mentions import Mention
from tools.sentiment.scorer import SentimentResult

AT = datetime(2026, 11, 20, 15, tzinfo=UTC)
NEGATIVE = SentimentResult("negative", {"negative": 0.8, "neutral": 0.1, "positive": 0.1}, {"anger": 0.5}, -0.6)


@pytest.fixture(params=["sqlite", "postgres"])
def sessions(request: pytest.FixtureRequest, tmp_path: Path):
    url = request.getfixturevalue("postgres_db_url") if request.param == "postgres" else None
    url = normalize_database_url(url, tmp_path)
    upgrade_database(url)
    engine = create_db_engine(url)
    yield session_factory(engine)
    engine.dispose()


def scored(external_id: str, author: str, text: str, minutes: int = 0) -> ScoredMention:
    return ScoredMention(Mention("x", external_id, author, AT + timedelta(minutes=minutes), text, 10), NEGATIVE)


def test_a_batch_is_stored_in_order_without_its_own_duplicates(sessions):
    batch = [
        scored("1", "ana", "the jar arrived cracked"),
        scored("2", "bo", "shipping took three weeks"),
        scored("1", "ana", "the jar arrived cracked"),  # the same id twice in one batch
        scored("3", "ana", "the jar arrived cracked", minutes=2),  # a repost: same author, same words
        scored("4", "cy", "love the fir scent"),
    ]
    with sessions.begin() as session:
        new = add_mentions(session, "brand", batch)
    assert [s.mention.external_id for s in new] == ["1", "2", "4"]
    with sessions() as session:
        stored = session.scalars(select(StoredMention).order_by(StoredMention.external_id)).all()
    assert [(m.external_id, m.sentiment, m.negative_score) for m in stored] == [
        ("1", "negative", 0.8),
        ("2", "negative", 0.8),
        ("4", "negative", 0.8),
    ]


def test_a_mention_another_writer_stored_first_is_not_reported_new(sessions, monkeypatch):
    with sessions.begin() as session:
        add_mentions(session, "brand", [scored("1", "ana", "the jar arrived cracked")])
    # the other writer's row lands between this writer's lookup and its INSERT: the lookup saw nothing
    monkeypatch.setattr(store, "known_keys", lambda *args: set())
    with sessions.begin() as session:
        new = add_mentions(session, "brand", [scored("1", "ana", "different words"), scored("2", "bo", "late again")])
    assert [s.mention.external_id for s in new] == ["2"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(StoredMention)) == 2
