"""Score mentions: a sentiment label with probabilities, emotion scores and VADER's compound, in batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np

from tools.sentiment.emotions import EMOTIONS, emotion_scores
from tools.sentiment.encoder import load_session
from tools.sentiment.features import FEATURE_NAMES, mention_features
from tools.sentiment.model import MODEL_PATH, RETRAIN_HINT, LinearModel, ModelFileError, load_model

Label = Literal["negative", "neutral", "positive"]
LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class SentimentResult:
    """One mention's sentiment: `scores` are probabilities summing to 1; `compound` is VADER's, in [-1, 1]."""

    label: Label
    scores: dict[str, float]
    emotions: dict[str, float]
    compound: float
    note: str | None = field(default=None)  # set when the text was not scored, e.g. empty


EMPTY_RESULT = SentimentResult(
    label="neutral",
    scores={"negative": 0.0, "neutral": 1.0, "positive": 0.0},
    emotions=dict.fromkeys(EMOTIONS, 0.0),
    compound=0.0,
    note="empty text",
)


class SentimentScorer:
    """The shipped linear model on MiniLM embeddings plus VADER scores; each text is embedded once."""

    def __init__(self, model: LinearModel) -> None:
        if model.feature_names != FEATURE_NAMES or set(model.classes) != set(LABELS):
            raise ModelFileError(
                f"the sentiment model expects other features or classes than this code computes; "
                f"rebuild it with `{RETRAIN_HINT}`"
            )
        self.model = model
        self._columns = [model.classes.index(label) for label in LABELS]

    def score(self, texts: list[str]) -> list[SentimentResult]:
        """Score each text, in input order; empty or blank texts are neutral with a note and are not embedded."""
        results: list[SentimentResult] = [EMPTY_RESULT] * len(texts)
        kept = [i for i, text in enumerate(texts) if text.strip()]
        if not kept:
            return results
        features = mention_features([texts[i] for i in kept])
        probabilities = self.model.probabilities(features.matrix)[:, self._columns]
        emotions = emotion_scores(features.embeddings, probabilities[:, 0], probabilities[:, 2])
        for row, i in enumerate(kept):
            scores = {label: float(probabilities[row, k]) for k, label in enumerate(LABELS)}
            results[i] = SentimentResult(
                label=LABELS[int(np.argmax(probabilities[row]))],
                scores=scores,
                emotions=emotions[row],
                compound=float(features.lexicon[row, 3]),
            )
        return results


@lru_cache(maxsize=4)
def load_scorer(path: Path = MODEL_PATH) -> SentimentScorer:
    """The scorer for the weights at `path` (the shipped ones by default), loaded once per process.

    Raises:
        ModelFileError: the file is missing, corrupt or does not match this code, or the encoder cannot be built
            or loaded; the message says what to do.
    """
    scorer = SentimentScorer(load_model(path))
    load_session()  # the encoder is built (once per machine) and loaded now, so its errors surface here
    return scorer
