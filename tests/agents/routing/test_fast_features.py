"""The one-message path gives the sparse batch path's features and probabilities, message by message."""

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from shared import shared_path

from agents.routing import classifier
from agents.routing.classifier import embedding_features, full_row, lexical_features, lexical_row
from agents.routing.text import normalize

EVAL = Path(__file__).resolve().parents[2] / "eval"
EDGE_CASES = [
    "",
    "   \n\t ",
    "🔥🔥🔥 launch day 🚀✨",
    "🔥",
    "!!! ??? ...",
    "a b c",
    "café ünïcode naïve résumé — Ærøskøbing",
    "写一条关于新蜡烛的推文",
    "word " * 500,
    "x" * 3000,
    "ha ha ha ha ha ha ha ha ha ha",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    'check this caption: "Our new candle smells amazing and lasts forever, buy now before it is gone!"',
    "can you review ‘the fog bell is back, light it tonight and stay cosy’ for our tone?",
    "foo: bar baz qux quux corge grault garply waldo",
    "tweet it on x and ig and fb and li and yt and tt",
    "<@U123ABC> @brandpilot see https://example.com/a?b=c it's 'quoted'",
]


def messages(source: str) -> list[str]:
    if source == "edge":
        return EDGE_CASES
    path = shared_path("data", "routing_dev.jsonl") if source == "dev" else EVAL / source
    return [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]


SOURCES = pytest.mark.parametrize("source", ["dev", "routing_holdout.jsonl", "routing_holdout_2.jsonl", "edge"])


def assert_same_probabilities(got: np.ndarray, expected: np.ndarray, text: str) -> None:
    assert got.shape == expected.shape, text
    assert np.allclose(got, expected, rtol=0, atol=1e-6), (text, np.abs(got - expected).max())
    assert got.argmax() == expected.argmax(), text


@SOURCES
def test_lexical_row_is_the_sparse_row(source):
    normalized = [normalize(t) or "(empty)" for t in messages(source)]
    sparse = lexical_features(normalized)
    for i, text in enumerate(normalized):
        indices, values = lexical_row(text)
        expected = sparse[[i]]
        assert np.array_equal(indices, expected.indices), text
        assert values.dtype == expected.dtype and np.array_equal(values, expected.data), text


@SOURCES
def test_lexical_layer_on_one_row_matches_the_sparse_product(router, source):
    layer = router.model.lexical
    normalized = [normalize(t) or "(empty)" for t in messages(source)]
    expected = layer.probabilities(lexical_features(normalized))
    for i, text in enumerate(normalized):
        assert_same_probabilities(layer.row_probabilities(*lexical_row(text)), expected[i], text)


@pytest.mark.slow  # MiniLM embeddings
@SOURCES
def test_full_layer_on_one_row_matches_the_sparse_product(router, source):
    layer = router.model.full
    normalized = [normalize(t) or "(empty)" for t in messages(source)]
    embedded = embedding_features(normalized)
    expected = layer.probabilities(sp.hstack([embedded, lexical_features(normalized)]).tocsr())
    for i, text in enumerate(normalized):
        got = layer.row_probabilities(*full_row(embedded[[i]].toarray()[0], *lexical_row(text)))
        assert_same_probabilities(got, expected[i], text)


def sparse_cascade(model: classifier.RouterModel, text: str) -> np.ndarray:
    """One message through sparse features and products, as `probabilities_for` did for every batch size."""
    normalized = [normalize(text) or "(empty)"]
    lexical = lexical_features(normalized)
    probs = model.lexical.probabilities(lexical)
    if probs.max() < model.fast_threshold:
        probs = model.full.probabilities(sp.hstack([embedding_features(normalized), lexical]).tocsr())
    return probs[0]


@pytest.mark.slow  # MiniLM embeddings for the messages the lexical layer is unsure of
@SOURCES
def test_one_message_gets_the_sparse_cascades_probabilities(router, source):
    for text in messages(source):
        got = router.model.probabilities_for([text])
        assert got.shape == (1, len(router.model.labels)) and got.dtype == np.float32
        assert_same_probabilities(got[0], sparse_cascade(router.model, text), text)


def test_one_message_builds_no_sparse_matrices(router, monkeypatch):
    def refuse(normalized):
        raise AssertionError("a single message took the sparse path")

    monkeypatch.setattr(classifier, "lexical_features", refuse)
    monkeypatch.setattr(classifier, "embedding_features", refuse)
    for text in ["write a tweet about our winter candle sale", "something about our channel", ""]:
        assert router.model.probabilities_for([text]).shape == (1, len(router.model.labels))


def test_batches_keep_the_sparse_path(router, monkeypatch):
    seen = []
    sparse = classifier.lexical_features

    def recording(normalized):
        seen.append(normalized)
        return sparse(normalized)

    monkeypatch.setattr(classifier, "lexical_features", recording)
    router.model.probabilities_for(["write a tweet", "draft a linkedin post"])
    assert seen == [["write a tweet", "draft a linkedin post"]]
