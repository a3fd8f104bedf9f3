"""Hashtags from a topic are made of words that stand together in it."""

from __future__ import annotations

import pytest

from tools.content.compose import topic_hashtag
from tools.content.topic_tags import topic_tags, topic_words


def test_pairs_come_only_from_words_next_to_each_other():
    tags = topic_tags("The sentiment around our new scent has been amazing")
    assert tags == ["#Sentiment", "#Scent", "#Amazing"]  # never "#SentimentAround" or "#AroundScent"
    assert topic_tags("winter candle sale")[:2] == ["#WinterCandle", "#CandleSale"]


@pytest.mark.parametrize(
    ("topic", "tag"),
    [
        ("thanks for 10k followers", "#Followers"),  # a number is not a word: never "#ThanksK"
        ("our holiday pop-up in Portland", "#HolidayPopUp"),  # a hyphenated word is one word
        ("we're monitoring the shipping delays", "#ShippingDelays"),  # a contraction is not "#Re…"
        ("this month's workshop tours", "#WorkshopTours"),
        ("the crisis hotline is open", "#CrisisHotline"),
        ("Portland", "#Portland"),  # one word: that word
        ("it is up to us", None),  # nothing meaningful: no tag
    ],
)
def test_a_topic_hashtag_is_the_first_pair_else_the_first_word(topic, tag):
    assert topic_hashtag(topic) == tag


def test_stop_words_numbers_and_punctuation_end_a_run_of_words():
    runs = [["Cold", "Brew"], ["Iced", "Oat", "Latte"], ["Cups", "Sold"]]
    assert topic_words("cold brew, iced oat latte 200 cups sold") == runs
