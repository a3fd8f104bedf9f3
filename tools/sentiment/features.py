"""Turn mentions into the classifier's features: the MiniLM embedding of a normalised tweet plus VADER's scores."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np

from tools.embeddings import EMBEDDING_DIM
from tools.sentiment.encoder import encode
from tools.sentiment.lexicon import VADER_FEATURES, vader_scores

FEATURE_NAMES = tuple(f"minilm_{i:03d}" for i in range(EMBEDDING_DIM)) + VADER_FEATURES
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_SPACE = re.compile(r"\s+")


def normalise_tweet(text: str) -> str:
    """The text as the encoder sees it: entities unescaped, links to `http`, handles to `@user`, emoji to words.

    TweetEval, the training data, already writes every handle as `@user`; emoji become their English names
    because MiniLM's vocabulary has no tokens for most of them.
    """
    import emoji

    text = html.unescape(text)
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    if not text.isascii():  # every emoji is outside ASCII: plain text skips the (slow) emoji scan
        text = emoji.demojize(text, delimiters=(" ", " "))
    text = re.sub(r"(?<=[a-z])_(?=[a-z])", " ", text)  # demojize's names use underscores: smiling_face
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class MentionFeatures:
    """What is computed once per text and shared by the sentiment model and the emotion scores."""

    embeddings: np.ndarray  # (n, 384), L2-normalised
    lexicon: np.ndarray  # (n, 4) VADER neg, neu, pos, compound

    @property
    def matrix(self) -> np.ndarray:
        """The classifier's input, columns in `FEATURE_NAMES` order."""
        return np.hstack([self.embeddings.astype(np.float64), self.lexicon])


def mention_features(texts: list[str]) -> MentionFeatures:
    """Embed every text once (one per encoder run) and score it with VADER (on the unescaped original, with emoji)."""
    embeddings = encode([normalise_tweet(text) for text in texts])
    lexicon = vader_scores([html.unescape(text) for text in texts])
    return MentionFeatures(embeddings=embeddings, lexicon=lexicon)
