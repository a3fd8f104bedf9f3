"""Emotion scores: the obvious emotion leads on clear mentions, and they sum to the non-neutral probability."""

import pytest

from tools.sentiment.emotions import EMOTIONS
from tools.sentiment.features import normalise_tweet
from tools.sentiment.scorer import load_scorer

pytestmark = pytest.mark.slow

# Written independently of the prototypes in tools/sentiment/emotions.py; a sanity check, not a benchmark.
CLEAR = {
    "Ugh, they cancelled my order AGAIN without telling me. I am beyond mad right now.": "anger",
    "There was a hair in my salad and the toilets smelled like sewage. Nasty.": "disgust",
    "My hands are shaking, I think someone is following me home from the station.": "fear",
    "We won the final!!! Celebrating with the whole team tonight, what a feeling!": "joy",
    "Our grandmother passed away this morning. Missing her already.": "sadness",
}


@pytest.fixture(scope="module")
def results():
    return dict(zip(CLEAR, load_scorer().score(list(CLEAR)), strict=True))


@pytest.mark.parametrize("text", list(CLEAR))
def test_the_obvious_emotion_scores_highest(results, text):
    emotions = results[text].emotions
    assert max(emotions, key=emotions.get) == CLEAR[text]


def test_emotions_share_out_the_non_neutral_probability(results):
    for result in results.values():
        assert tuple(result.emotions) == EMOTIONS and all(v >= 0 for v in result.emotions.values())
        assert sum(result.emotions.values()) == pytest.approx(1.0 - result.scores["neutral"], abs=1e-6)


def test_a_plainly_positive_mention_scores_little_on_negative_emotions():
    (result,) = load_scorer().score(["Thanks for the quick delivery, really pleased with it!"])
    negative = sum(result.emotions[e] for e in ("anger", "disgust", "fear", "sadness"))
    assert negative < 0.2 < result.emotions["joy"] + result.emotions["trust"]


def test_tweets_are_normalised_for_the_encoder():
    text = normalise_tweet("@Acme_Help fix this &amp; now https://t.co/abc 😡  ")
    assert text == "@user fix this & now http enraged face"
