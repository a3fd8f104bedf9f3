"""The shipped scorer: clear mentions get the obvious label, probabilities are well formed, blanks don't crash."""

import numpy as np
import pytest

from tools.sentiment.emotions import EMOTIONS
from tools.sentiment.lexicon import vader_scores
from tools.sentiment.scorer import LABELS, load_scorer

pytestmark = pytest.mark.slow

CLEAR = {
    "Just got my order and it's perfect, thank you so much, you guys are amazing!": "positive",
    "Three weeks and still no refund. Your support team keeps hanging up on me. Pathetic.": "negative",
    "The new store on Main Street opens at 10am on Saturday.": "neutral",
}


@pytest.fixture(scope="module")
def scorer():
    return load_scorer()


def test_clear_mentions_get_the_obvious_label(scorer):
    results = scorer.score(list(CLEAR))
    assert [result.label for result in results] == list(CLEAR.values())


def test_scores_are_probabilities_over_the_three_labels_and_the_label_is_the_most_likely(scorer):
    for result in scorer.score(["meh, it's ok I guess", "love love love", "worst app ever"]):
        assert tuple(result.scores) == LABELS
        assert all(0.0 <= p <= 1.0 for p in result.scores.values())
        assert sum(result.scores.values()) == pytest.approx(1.0)
        assert result.label == max(result.scores, key=result.scores.get)
        assert tuple(result.emotions) == EMOTIONS and result.note is None


def test_blank_texts_are_neutral_with_a_note_and_keep_their_place(scorer):
    texts = ["", "I hate waiting in this queue", "  \t ", "I adore this place"]
    results = scorer.score(texts)
    assert len(results) == 4
    for blank in (results[0], results[2]):
        assert blank.label == "neutral" and blank.scores["neutral"] == 1.0 and blank.note == "empty text"
        assert blank.compound == 0.0 and not any(blank.emotions.values())
    assert results[1].label == "negative" and results[3].label == "positive"


def test_only_blank_texts_and_no_texts_are_fine(scorer):
    assert scorer.score([]) == []
    assert [result.label for result in scorer.score(["", " "])] == ["neutral", "neutral"]


def test_very_long_text_is_truncated_by_the_encoder_not_refused(scorer):
    (result,) = scorer.score(["This is a lovely, lovely day. " * 2000])
    assert result.label == "positive"


def test_compound_is_vaders_and_results_do_not_depend_on_the_batch(scorer):
    texts = ["so happy today", "this is a disaster", "ok", "a &amp; b @someone https://t.co/x 😡"]
    together = scorer.score(texts)
    alone = [scorer.score([text])[0] for text in texts]
    assert [r.compound for r in together] == pytest.approx(list(vader_scores(texts)[:, 3]))
    for a, b in zip(together, alone, strict=True):
        assert a.label == b.label
        assert np.allclose(list(a.scores.values()), list(b.scores.values()), atol=1e-4)
