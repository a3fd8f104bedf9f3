"""Routing text normalisation: misspelt platform names are read as the platform."""

from __future__ import annotations

import pytest

from agents.routing.text import normalize, typo_distance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("story ideas for instgram", "story ideas for instagram"),  # a dropped letter
        ("the youtbue title box", "the youtube title box"),  # two letters swapped
        ("Linkedln post re hiring", "linkedin post re hiring"),  # one letter for another
        ("faceboook ad", "facebook ad"),  # a doubled letter
        ("tiktk trends.", "tiktok trends."),
        ("insatgram carousel", "instagram carousel"),  # the longer names take two typos
    ],
)
def test_a_misspelt_platform_name_is_read_as_the_platform(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the post linked above",  # a real word two letters from "linkedin"
        "a fitness youtuber roasted us",
        "a sweet tweet",
        "the twister campaign",
        "hashtag #instagarm",  # a hashtag is content, not the request's words
        "see instagarm.com/shop",  # part of an address
        "Youtube and LinkedIn",  # already right: left as written
        "our instantly famous wax",  # close in letters, far in typos
    ],
)
def test_real_words_hashtags_and_addresses_are_kept(text):
    assert normalize(text) == text


def test_typo_distance_counts_a_swap_as_one_edit_and_stops_past_the_limit():
    assert typo_distance("instagarm", "instagram", 2) == 1
    assert typo_distance("linked", "linkedin", 2) == 2
    assert typo_distance("candle", "tiktok", 1) == 2  # anything over the limit reads as limit + 1
    assert typo_distance("", "tiktok", 1) == 2
