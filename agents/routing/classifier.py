"""A two-stage softmax classifier: n-grams and cues first, MiniLM embeddings when unsure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.feature_extraction.text import HashingVectorizer

from agents.routing.exemplars import OUT_OF_SCOPE, SpecialistExemplars
from agents.routing.hashing import NgramHasher
from agents.routing.text import normalize
from tools.content.brief import platforms_in
from tools.embeddings import encode
from tools.platforms.specs import PLATFORMS

FEATURE_VERSION = "7"
CUE_WEIGHT = 0.35
HASH_FEATURES = 2**16
_INTENT_CUES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # review a supplied draft
        r"\b(check|review|proof ?read|audit|grade|rate|score|vet|scan|look over|sanity|red flags?|compliant|"
        r"compliance|ok to (post|publish|send)|good to go|follow(s)? (our )?guidelines|legal(ly)?)\b",
        # write something new
        r"\b(write|draft|create|compose|script|caption|outline|brainstorm|come up with|ideas?)\b",
        # numbers about results
        r"\b(how (did|'d|is|are)|views|reach|impressions|engagement rate|ctr|roas|cpa|cac|cpc|cpm|watch time|"
        r"subs|subscribers|follower growth|conversions?|signups?|revenue|report|metrics?|perform(ed|ance)?)\b",
        # something went wrong
        r"\b(apolog\w*|sorry|statement|backlash|recall|outage|incident|pile-?on|boycott|lawsuit|scandal|"
        r"angry|outrage|crisis)\b",
        # money and ads
        r"\b(budget|spend|ads?|paid|pause|cap|allocate|move \$?\d|shift|a/b)\b",
    )
)
_QUOTE_SPAN = re.compile(r"[\"“‘'][^\"”’']*[\"”’']|:\s.*$", re.DOTALL)
_QUOTED = re.compile(r"[\"“'‘][^\"”'’]{12,}[\"”'’]|:\s*\S.{20,}$", re.DOTALL)


@dataclass(frozen=True)
class LinearLayer:
    """Multinomial logistic-regression weights over one feature layout."""

    weights: np.ndarray  # (features, labels), C-contiguous for fast sparse products
    bias: np.ndarray

    def probabilities(self, features: sp.csr_matrix) -> np.ndarray:
        """Softmax probabilities, one row per feature row."""
        logits = np.asarray(features.astype(np.float32, copy=False) @ self.weights) + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def row_probabilities(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Softmax probabilities of one feature row given as ascending indices and their values."""
        # Summed term by term in index order, as scipy's sparse product does, so the float32 sums round alike
        logits = np.add.reduce(values.astype(np.float32)[:, None] * self.weights[indices], axis=0) + self.bias
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Compact arrays for saving: only feature rows with a non-zero weight."""
        rows = np.flatnonzero(np.abs(self.weights).max(axis=1) > 1e-7)
        return {
            f"{prefix}_rows": rows.astype(np.int32),
            f"{prefix}_weights": self.weights[rows].astype(np.float16),
            f"{prefix}_height": np.array(self.weights.shape[0]),
            f"{prefix}_bias": self.bias.astype(np.float32),
        }

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> LinearLayer:
        """Rebuild a layer written by `arrays`."""
        rows, compact = data[f"{prefix}_rows"], data[f"{prefix}_weights"]
        weights = np.zeros((int(data[f"{prefix}_height"]), compact.shape[1]), dtype=np.float32)
        weights[rows] = compact.astype(np.float32)
        return cls(np.ascontiguousarray(weights), data[f"{prefix}_bias"].astype(np.float32))


@dataclass(frozen=True)
class RouterModel:
    """A cascade: a lexical layer answers when sure, else the layer that adds the MiniLM embedding."""

    labels: tuple[str, ...]
    lexical: LinearLayer
    full: LinearLayer
    fingerprint: str
    fast_threshold: float = 0.9

    def probabilities_for(self, texts: list[str]) -> np.ndarray:
        """Label probabilities for raw messages, one row each."""
        if len(texts) == 1:  # a turn's message: the same numbers without sparse matrices, several times faster
            return self._probabilities_for_one(texts[0])[np.newaxis]
        normalized = [normalize(t) or "(empty)" for t in texts]
        lexical = lexical_features(normalized)
        probs = self.lexical.probabilities(lexical)
        unsure = np.flatnonzero(probs.max(axis=1) < self.fast_threshold)
        if len(unsure):
            embedded = embedding_features([normalized[i] for i in unsure])
            probs[unsure] = self.full.probabilities(sp.hstack([embedded, lexical[unsure]]).tocsr())
        return probs

    def _probabilities_for_one(self, text: str) -> np.ndarray:
        normalized = normalize(text) or "(empty)"
        indices, values = lexical_row(normalized)
        probs = self.lexical.row_probabilities(indices, values)
        if probs.max() < self.fast_threshold:
            probs = self.full.row_probabilities(*full_row(encode([normalized])[0], indices, values))
        return probs

    def save(self, path: Path) -> None:
        """Write the weights as a compressed `.npz` file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            fingerprint=np.array(self.fingerprint),
            fast_threshold=np.array(self.fast_threshold),
            **self.lexical.arrays("lexical"),
            **self.full.arrays("full"),
        )

    @classmethod
    def load(cls, path: Path) -> RouterModel:
        """Read weights written by `save`."""
        with np.load(path, allow_pickle=False) as stored:
            data = dict(stored)
        return cls(
            labels=tuple(str(x) for x in data["labels"]),
            lexical=LinearLayer.from_arrays(data, "lexical"),
            full=LinearLayer.from_arrays(data, "full"),
            fingerprint=str(data["fingerprint"]),
            fast_threshold=float(data["fast_threshold"]),
        )


def cue_features(normalized: str) -> np.ndarray:
    """Platform indicators, a several-platforms flag and a quoted-draft flag."""
    found = platforms_in(normalized)
    cues = [1.0 if p in found else 0.0 for p in PLATFORMS]
    cues.append(1.0 if len(found) >= 2 else 0.0)
    cues.append(1.0 if _QUOTED.search(normalized) else 0.0)
    instruction = _QUOTE_SPAN.sub(" ", normalized)  # the request, without the material it quotes
    cues.extend(1.0 if cue.search(instruction) else 0.0 for cue in _INTENT_CUES)
    return np.asarray(cues, dtype=np.float32) * CUE_WEIGHT


@lru_cache(maxsize=1)
def _vectorizers() -> tuple[HashingVectorizer, HashingVectorizer]:
    words = HashingVectorizer(n_features=HASH_FEATURES, ngram_range=(1, 2), alternate_sign=False, norm="l2")
    chars = HashingVectorizer(
        n_features=HASH_FEATURES, analyzer="char_wb", ngram_range=(2, 5), alternate_sign=False, norm="l2"
    )
    return words, chars


@lru_cache(maxsize=1)
def _hashers() -> tuple[NgramHasher, NgramHasher]:
    words, chars = _vectorizers()
    return NgramHasher(words), NgramHasher(chars)


def lexical_features(normalized: list[str]) -> sp.csr_matrix:
    """Cues plus word and character n-grams of normalised messages."""
    lowered = [t.lower() for t in normalized]
    cues = sp.csr_matrix(np.stack([cue_features(t) for t in normalized]))
    words, chars = _vectorizers()
    with config_context(skip_parameter_validation=True, assume_finite=True):
        return sp.hstack([cues, words.transform(lowered), chars.transform(lowered)]).tocsr()


def lexical_row(normalized: str) -> tuple[np.ndarray, np.ndarray]:
    """The one row of `lexical_features([normalized])` as its column indices and values."""
    cues = cue_features(normalized)
    cue_columns = np.flatnonzero(cues)
    words, chars = _hashers()
    lowered = normalized.lower()
    word_columns, word_values = words.row(lowered)
    char_columns, char_values = chars.row(lowered)
    indices = np.concatenate([cue_columns, len(cues) + word_columns, len(cues) + HASH_FEATURES + char_columns])
    return indices, np.concatenate([cues[cue_columns], word_values, char_values])  # float64, as sp.hstack makes


def full_row(embedded: np.ndarray, indices: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The full layer's row: every embedding column (a zero adds nothing), then the lexical row's columns."""
    columns = np.concatenate([np.arange(len(embedded)), len(embedded) + indices])
    return columns, np.concatenate([embedded, values])


def embedding_features(normalized: list[str]) -> sp.csr_matrix:
    """MiniLM sentence embeddings of normalised messages."""
    return sp.csr_matrix(encode(normalized))


def featurize(texts: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """(lexical, full) feature rows for raw messages; full = embedding then lexical."""
    normalized = [normalize(t) or "(empty)" for t in texts]
    lexical = lexical_features(normalized)
    return lexical, sp.hstack([embedding_features(normalized), lexical]).tocsr()


def training_set(data: dict[str, SpecialistExemplars]) -> tuple[list[str], list[str]]:
    """Flatten exemplars into texts and labels (out-of-scope last)."""
    texts: list[str] = []
    labels: list[str] = []
    for name in sorted(data, key=lambda n: (n == OUT_OF_SCOPE, n)):
        texts.extend(data[name].exemplars)
        labels.extend([name] * len(data[name].exemplars))
    return texts, labels


def fit(features: sp.csr_matrix, labels: list[str], *, c: float = 32.0) -> tuple[tuple[str, ...], LinearLayer]:
    """Fit a multinomial logistic regression with balanced class weights."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(features, labels)
    layer = LinearLayer(np.ascontiguousarray(clf.coef_.T.astype(np.float32)), clf.intercept_.astype(np.float32))
    return tuple(str(x) for x in clf.classes_), layer


def fit_cascade(
    lexical: sp.csr_matrix, full: sp.csr_matrix, labels: list[str], fingerprint: str, *, c: float = 32.0
) -> RouterModel:
    """Fit both layers of the cascade on the same rows."""
    classes, lexical_layer = fit(lexical, labels, c=c)
    full_classes, full_layer = fit(full, labels, c=c)
    assert classes == full_classes
    return RouterModel(classes, lexical_layer, full_layer, fingerprint)


def train(data: dict[str, SpecialistExemplars], fingerprint: str, *, c: float = 32.0) -> RouterModel:
    """Train the router's classifier on the exemplars."""
    texts, labels = training_set(data)
    lexical, full = featurize(texts)
    return fit_cascade(lexical, full, labels, fingerprint, c=c)
