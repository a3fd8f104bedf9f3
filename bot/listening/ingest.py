"""Ingest: mentions deduplicated, their language and sentiment read (one batch through the model), then stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session, sessionmaker

from memory.db import write_transaction
from memory.mentions import ScoredMention, add_mentions, known_keys
from tools.monitor.mentions import UNDETERMINED, Mention, deduplicate, detect_language
from tools.sentiment.scorer import SentimentScorer, load_scorer


@dataclass(frozen=True)
class IngestResult:
    """What one batch did: mentions received, newly stored, repeats dropped, and how many new ones read negative."""

    received: int
    new: int
    duplicates: int
    negative: int


class Ingestor:
    """Stores mentions for one deployment; the sentiment model loads on first use and is shared by every batch.

    Mention text is data throughout: it is scored and stored, never passed to a model that can act.
    """

    def __init__(self, sessions: sessionmaker[Session], scorer: Callable[[], SentimentScorer] = load_scorer) -> None:
        """Store through `sessions`; `scorer()` gives the sentiment scorer (cached by `load_scorer`)."""
        self.sessions = sessions
        self._scorer = scorer

    def ingest(self, brand_id: str, mentions: Sequence[Mention]) -> IngestResult:
        """Deduplicate, detect language, score and store a batch; mentions the brand has are not scored again."""
        unique = deduplicate(mentions)
        with self.sessions() as session:
            known = known_keys(session, brand_id, unique)
        fresh = [
            replace(m, language=detect_language(m.text)) if m.language == UNDETERMINED else m
            for m in unique
            if (m.platform, m.external_id) not in known
        ]
        results = self._scorer().score([m.text for m in fresh]) if fresh else []
        with write_transaction(self.sessions) as session:
            new = add_mentions(session, brand_id, [ScoredMention(m, r) for m, r in zip(fresh, results, strict=True)])
        negative = sum(1 for item in new if item.sentiment.label == "negative")
        return IngestResult(len(mentions), len(new), len(mentions) - len(new), negative)
