"""Hybrid retrieval over one brand's chunks: Chroma vector search, best sentence, BM25 keywords, campaign facts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from knowledge.chunking import seasons_in
from knowledge.keywords import KeywordIndex
from tools.content.brief import platforms_in

_YEAR = re.compile(
    r"\b20(\d\d)\b|['’](\d\d)\b|\b(?:spring|summer|fall|autumn|winter|holiday|holidays)\s+(\d\d)\b", re.I
)


@dataclass(frozen=True)
class Weights:
    """How the signals combine; chosen by measurement on tests/eval/retrieval_sample.jsonl (see README)."""

    vector: float = 1.0  # the chunk (with its headings) against the question
    sentence: float = 1.0  # the chunk's best-matching sentence, list item or table row
    keyword: float = 0.35  # BM25, scaled to the best keyword score of the query
    year: float = 0.05
    season: float = 0.06
    platform: float = 0.03
    candidates: int = 40


PLAIN = Weights(sentence=0.0, keyword=0.0, year=0.0, season=0.0, platform=0.0)


@dataclass(frozen=True)
class Hit:
    """One ranked chunk with where it comes from."""

    source: str
    section: str
    subsection: str
    score: float
    text: str
    title: str
    excerpt: str = ""  # the chunk's sentence closest to the question
    match: float = 0.0  # that sentence's cosine similarity to the question

    def citation(self) -> str:
        """`file § section › subsection`, as replies cite it."""
        path = " › ".join(h for h in (self.section, self.subsection) if h)
        return f"{self.source} § {path}"

    def to_dict(self) -> dict[str, Any]:
        """The `knowledge search --json` shape."""
        return {
            "source": self.source,
            "section": self.section,
            "subsection": self.subsection,
            "heading_path": [h for h in (self.section, self.subsection) if h],
            "score": round(self.score, 4),
            "text": self.text,
        }


class Retriever:
    """Search one brand's knowledge; built from the brand's collection and kept in memory."""

    def __init__(
        self,
        collection: Any,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict[str, Any]],
        embeddings: Any,
        weights: Weights | None = None,
    ) -> None:
        """Split the stored rows into chunks and their sentences; index the chunks' keywords."""
        vectors = np.asarray(embeddings, dtype=np.float32).reshape(len(ids), -1)
        chunk_rows = [i for i, m in enumerate(metadatas) if m.get("kind", "chunk") == "chunk"]
        self.collection = collection
        self.weights = weights or Weights()
        self.texts = [texts[i] for i in chunk_rows]
        self.metadatas = [metadatas[i] for i in chunk_rows]
        self.embeddings = vectors[chunk_rows]
        self.position = {ids[i]: n for n, i in enumerate(chunk_rows)}
        sentence_rows = [i for i, m in enumerate(metadatas) if m.get("kind") == "sentence"]
        self.sentence_vectors = vectors[sentence_rows]
        self.sentence_texts = [texts[i] for i in sentence_rows]
        owners = [self.position.get(str(metadatas[i].get("parent")), -1) for i in sentence_rows]
        for i, owner in zip(sentence_rows, owners, strict=True):
            self.position[ids[i]] = owner
        self.sentences_of: list[list[int]] = [[] for _ in chunk_rows]
        for n, owner in enumerate(owners):
            if owner >= 0:
                self.sentences_of[owner].append(n)
        self.keywords = KeywordIndex([f"{_headings(m)}\n{t}" for m, t in zip(self.metadatas, self.texts, strict=True)])
        self.facts = [_facts(m) for m in self.metadatas]

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The k best chunks, one per heading path, best first but different sections before sibling ones."""
        from tools.embeddings import encode

        if not self.texts or not question.strip():
            return []
        w = self.weights
        query = encode([question])[0]
        candidates = set(self._vector_candidates(query, w.candidates))
        keyword_scores = self.keywords.scores(question)
        if w.keyword:
            candidates.update(int(i) for i in np.argsort(-keyword_scores)[: w.candidates] if keyword_scores[i] > 0)
        rows = np.fromiter(candidates, dtype=np.int64)
        top_keyword = float(keyword_scores.max()) or 1.0
        score = w.vector * (self.embeddings[rows] @ query)
        best, which = self._best_sentence(rows, query)
        score += w.sentence * best
        score += w.keyword * (keyword_scores[rows] / top_keyword)
        score += self._fact_boosts(question, rows)
        ranked = sorted(range(len(rows)), key=lambda n: -score[n])
        hits = [self._hit(int(rows[n]), float(score[n]), int(which[n]), float(best[n])) for n in ranked]
        return _diversified(hits, k)

    def _best_sentence(self, rows: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each chunk's best sentence similarity and that sentence (re-ranking with the same encoder, finer grained)."""
        best = np.zeros(len(rows), dtype=np.float32)
        which = np.full(len(rows), -1, dtype=np.int64)
        for n, row in enumerate(rows.tolist()):
            members = self.sentences_of[row]
            if members:
                similarity = self.sentence_vectors[members] @ query
                top = int(similarity.argmax())
                best[n], which[n] = float(similarity[top]), members[top]
        return best, which

    def _hit(self, row: int, score: float, sentence: int, match: float) -> Hit:
        meta = self.metadatas[row]
        return Hit(
            str(meta["file"]),
            str(meta["section"]),
            str(meta.get("subsection", "")),
            score,
            self.texts[row],
            str(meta.get("title", "")),
            self.sentence_texts[sentence] if sentence >= 0 else "",
            match,
        )

    def _vector_candidates(self, query: np.ndarray, n: int) -> list[int]:
        """Chunks near the question in Chroma's HNSW index, directly or through one of their sentences."""
        found = self.collection.query(query_embeddings=[query], n_results=n * 3, include=[])
        rows = (self.position.get(i, -1) for i in found["ids"][0])
        return list(dict.fromkeys(row for row in rows if row >= 0))[:n]

    def _fact_boosts(self, question: str, rows: np.ndarray) -> np.ndarray:
        """Campaign facts named in the question (year, season, platform) lift the matching documents."""
        w = self.weights
        years, seasons, platforms = question_facts(question)
        boosts = np.zeros(len(rows), dtype=np.float32)
        for n, row in enumerate(rows.tolist()):
            doc_years, doc_seasons, doc_platforms = self.facts[row]
            if years and doc_years:
                boosts[n] += w.year if years & doc_years else -w.year
            if seasons and doc_seasons:
                boosts[n] += w.season if seasons & doc_seasons else -w.season
            if platforms and platforms & doc_platforms:
                boosts[n] += w.platform
        return boosts


def _diversified(ranked: list[Hit], k: int) -> list[Hit]:
    """One hit per heading path; the first hits cover as many different sections as the ranking offers."""
    seen_paths: set[tuple[str, str, str]] = set()
    unique = []
    for hit in ranked:
        if (hit.source, hit.section, hit.subsection) not in seen_paths:
            seen_paths.add((hit.source, hit.section, hit.subsection))
            unique.append(hit)
    seen_sections: set[tuple[str, str]] = set()
    leading, rest = [], []
    for hit in unique:
        (rest if (hit.source, hit.section) in seen_sections else leading).append(hit)
        seen_sections.add((hit.source, hit.section))
    return (leading + rest)[:k]


def question_facts(question: str) -> tuple[set[str], set[str], set[str]]:
    """Years ("2024", "'24"), seasons and platforms a question names."""
    years = {"20" + "".join(groups) for groups in _YEAR.findall(question)}
    return years, set(seasons_in(question)), set(platforms_in(question))


def _facts(meta: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    def split(key: str) -> set[str]:
        return {v for v in str(meta.get(key, "")).split(",") if v}

    return split("fact_years"), split("fact_seasons"), split("fact_platforms")


def _headings(meta: dict[str, Any]) -> str:
    return " > ".join(str(h) for h in (meta.get("title"), meta.get("section"), meta.get("subsection")) if h)
