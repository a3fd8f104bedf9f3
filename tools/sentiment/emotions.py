"""Emotion scores per mention from the sentiment probabilities and MiniLM similarity to written prototypes.

There is no labelled emotion data here, so the method is a documented heuristic, not a trained model:

1. Each emotion has a few hand-written prototype sentences; a mention's affinity to an emotion is the highest
   cosine similarity between its embedding and those prototypes.
2. Emotions belong to a valence: anger, disgust, fear and sadness are negative, joy and trust positive, and
   surprise both. Within each valence the affinities are softmaxed (temperature `TEMPERATURE`).
3. The negative share is weighted by P(negative), the positive share by P(positive), so the scores sum to
   1 - P(neutral): a neutral mention gets low scores everywhere, and "happy" text cannot score high on anger.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from tools.sentiment.encoder import encode

TEMPERATURE = 0.05  # cosine similarities of MiniLM differ by a few hundredths between close prototypes
NEGATIVE = ("anger", "disgust", "fear", "sadness", "surprise")
POSITIVE = ("joy", "trust", "surprise")
EMOTIONS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "trust")

PROTOTYPES: dict[str, tuple[str, ...]] = {
    "anger": (
        "I am furious with this company.",
        "This makes me so angry, absolutely outrageous.",
        "I'm sick of being ignored, fix it now!",
        "How dare they treat customers like this, I'm livid.",
    ),
    "disgust": (
        "That is disgusting, it made me feel sick.",
        "Gross. The food was rotten and the place was filthy.",
        "Their behaviour is revolting and shameful.",
        "Yuck, I can't believe anyone would eat that.",
    ),
    "fear": (
        "I'm scared this will happen to me too.",
        "This is terrifying, I'm worried about my safety.",
        "I'm anxious and nervous about what comes next.",
        "Frightening news, I fear the worst.",
    ),
    "joy": (
        "I'm so happy, this made my day!",
        "Absolutely love it, what a wonderful time.",
        "Best day ever, I'm thrilled and delighted.",
        "This is fun, I'm smiling from ear to ear.",
    ),
    "sadness": (
        "I feel so sad and heartbroken.",
        "This is depressing, I miss them so much.",
        "Such a disappointing, lonely day, I want to cry.",
        "Rest in peace, a sad loss for all of us.",
    ),
    "surprise": (
        "Wow, I did not expect that at all!",
        "I can't believe it, what a shock.",
        "No way, that was totally unexpected.",
        "Whoa, that came out of nowhere.",
    ),
    "trust": (
        "I trust this brand, they always deliver.",
        "Reliable service, I can count on them every time.",
        "They kept their promise, honest and dependable.",
        "I'd recommend them to anyone, they never let me down.",
    ),
}


@lru_cache(maxsize=1)
def prototype_embeddings() -> dict[str, np.ndarray]:
    """The prototypes' embeddings per emotion, encoded once per process."""
    sentences = [sentence for emotion in EMOTIONS for sentence in PROTOTYPES[emotion]]
    vectors = encode(sentences)
    out: dict[str, np.ndarray] = {}
    start = 0
    for emotion in EMOTIONS:
        out[emotion] = vectors[start : start + len(PROTOTYPES[emotion])]
        start += len(PROTOTYPES[emotion])
    return out


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp((values - values.max(axis=1, keepdims=True)) / TEMPERATURE)
    return shifted / shifted.sum(axis=1, keepdims=True)


def emotion_scores(embeddings: np.ndarray, negative: np.ndarray, positive: np.ndarray) -> list[dict[str, float]]:
    """Scores for `EMOTIONS` per mention from its L2-normalised embedding and P(negative), P(positive)."""
    prototypes = prototype_embeddings()
    affinity = {emotion: (embeddings @ prototypes[emotion].T).max(axis=1) for emotion in EMOTIONS}
    totals = {emotion: np.zeros(len(embeddings)) for emotion in EMOTIONS}
    for group, weight in ((NEGATIVE, negative), (POSITIVE, positive)):
        shares = _softmax(np.stack([affinity[emotion] for emotion in group], axis=1))
        for column, emotion in enumerate(group):
            totals[emotion] += weight * shares[:, column]
    return [{emotion: float(totals[emotion][i]) for emotion in EMOTIONS} for i in range(len(embeddings))]
