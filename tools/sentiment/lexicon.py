"""The lexicon baseline: VADER scores and labels at the usual compound thresholds of +-0.05."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

Label = Literal["negative", "neutral", "positive"]
VADER_FEATURES = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")
THRESHOLD = 0.05


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """VADER's analyser; its lexicons are read from the installed package, with no network."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: list[str]) -> np.ndarray:
    """VADER's neg, neu, pos and compound scores, one row of `VADER_FEATURES` per text (empty text is neutral)."""
    rows = np.zeros((len(texts), len(VADER_FEATURES)), dtype=np.float64)
    rows[:, 1] = 1.0
    for i, text in enumerate(texts):
        if text.strip():
            scores = analyzer().polarity_scores(text)
            rows[i] = [scores["neg"], scores["neu"], scores["pos"], scores["compound"]]
    return rows


def compound_label(compound: float) -> Label:
    """The label VADER's authors recommend: positive at compound >= 0.05, negative at <= -0.05, else neutral."""
    if compound >= THRESHOLD:
        return "positive"
    if compound <= -THRESHOLD:
        return "negative"
    return "neutral"


def vader_label(text: str) -> Label:
    """VADER's label for one text."""
    return compound_label(float(vader_scores([text])[0, 3]))
