"""The VADER baseline: labels at compound +-0.05, blank text neutral, lexicon read from the installed package."""

import numpy as np

from tools.sentiment.lexicon import VADER_FEATURES, compound_label, vader_label, vader_scores


def test_clear_texts_get_the_obvious_vader_labels():
    assert vader_label("I love this, it is wonderful!") == "positive"
    assert vader_label("This is awful and I hate it.") == "negative"
    assert vader_label("The meeting is on Tuesday.") == "neutral"


def test_labels_switch_at_the_recommended_thresholds():
    assert compound_label(0.05) == "positive" and compound_label(0.0499) == "neutral"
    assert compound_label(-0.05) == "negative" and compound_label(-0.0499) == "neutral"


def test_scores_have_one_row_per_text_and_blank_text_is_fully_neutral():
    rows = vader_scores(["great", "", "   ", "terrible"])
    assert rows.shape == (4, len(VADER_FEATURES))
    assert np.array_equal(rows[1], [0.0, 1.0, 0.0, 0.0]) and np.array_equal(rows[2], [0.0, 1.0, 0.0, 0.0])
    assert rows[0, 3] > 0 > rows[3, 3]


def test_emoji_are_scored_from_the_bundled_emoji_lexicon():
    assert vader_scores(["😍"])[0, 3] > 0.05
