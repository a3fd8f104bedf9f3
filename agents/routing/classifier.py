"""A softmax classifier over MiniLM embeddings plus platform and intent cues."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from agents.routing.exemplars import OUT_OF_SCOPE, SpecialistExemplars
from agents.routing.text import PLATFORM_WORDS, normalize, platforms_mentioned
from tools.embeddings import encode

FEATURE_VERSION = "4"
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
class RouterModel:
    """Trained weights: one row of `coef` per label."""

    labels: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    fingerprint: str

    def probabilities(self, features: sp.csr_matrix | np.ndarray) -> np.ndarray:
        """Softmax probabilities, one row per feature row."""
        logits = np.asarray(features @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        """Write the weights as a compressed `.npz` file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = np.flatnonzero(np.abs(self.coef).max(axis=0) > 1e-7)
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            width=np.array(self.coef.shape[1]),
            columns=columns.astype(np.int32),
            coef=self.coef[:, columns].astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            fingerprint=np.array(self.fingerprint),
        )

    @classmethod
    def load(cls, path: Path) -> RouterModel:
        """Read weights written by `save`."""
        with np.load(path, allow_pickle=False) as data:
            coef = np.zeros((len(data["labels"]), int(data["width"])), dtype=np.float32)
            coef[:, data["columns"]] = data["coef"]
            return cls(
                labels=tuple(str(x) for x in data["labels"]),
                coef=coef,
                intercept=data["intercept"],
                fingerprint=str(data["fingerprint"]),
            )


def cue_features(normalized: str) -> np.ndarray:
    """Platform indicators, a several-platforms flag and a quoted-draft flag."""
    found = platforms_mentioned(normalized)
    cues = [1.0 if p in found else 0.0 for p in PLATFORM_WORDS]
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


def featurize(texts: list[str]) -> sp.csr_matrix:
    """Feature rows for raw messages: sentence embedding, cues, word and character n-grams."""
    normalized = [normalize(t) or "(empty)" for t in texts]
    lowered = [t.lower() for t in normalized]
    embeddings = encode(normalized)
    cues = np.stack([cue_features(t) for t in normalized])
    words, chars = _vectorizers()
    return sp.hstack(
        [sp.csr_matrix(np.hstack([embeddings, cues])), words.transform(lowered), chars.transform(lowered)]
    ).tocsr()


def training_set(data: dict[str, SpecialistExemplars]) -> tuple[list[str], list[str]]:
    """Flatten exemplars into texts and labels (out-of-scope last)."""
    texts: list[str] = []
    labels: list[str] = []
    for name in sorted(data, key=lambda n: (n == OUT_OF_SCOPE, n)):
        texts.extend(data[name].exemplars)
        labels.extend([name] * len(data[name].exemplars))
    return texts, labels


def fit(
    features: sp.csr_matrix, labels: list[str], *, c: float = 32.0
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Fit a multinomial logistic regression with balanced class weights."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(features, labels)
    return tuple(str(x) for x in clf.classes_), clf.coef_, clf.intercept_


def train(data: dict[str, SpecialistExemplars], fingerprint: str, *, c: float = 32.0) -> RouterModel:
    """Train the router's classifier on the exemplars."""
    texts, labels = training_set(data)
    classes, coef, intercept = fit(featurize(texts), labels, c=c)
    return RouterModel(classes, coef, intercept, fingerprint)
