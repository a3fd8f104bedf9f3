"""Requests for a post, told apart from questions about posts."""

from __future__ import annotations

import pytest

from agents.routing.post_asks import asks_for_a_post


@pytest.mark.parametrize(
    "text",
    [
        "shoot out a tweet saying the crisis hotline is open",
        "can u do a quick linkedin post on the new hires",
        "we need a tiktok video about the wick trimming hack",
        "write an instagram caption for the flatlay",
        "tiktok announcement that the sentiment around our new scent has been amazing",  # no verb: the post, then
        "a quick fb update saying the shop opens late",  # what it says
        "linkedin post: our competitor analysis shows we lead on price",
        "Put up a YouTube community post thanking everyone\nand link the video",  # the first line decides
        "post on linkedin and instagram that our sentiment scores are up",
        "share on fb: the shop opens late on tuesday",
    ],
)
def test_a_request_for_a_post_is_one(text):
    assert asks_for_a_post(text)


@pytest.mark.parametrize(
    "text",
    [
        "what's the sentiment on our tiktok posts this week",
        "how did our last linkedin post perform",
        "linkedin post that did best last month?",  # a question, not a request
        "our tiktok posts that flopped",
        "share a summary of the sentiment on our instagram posts",
        "share a post schedule for next week",  # a plan, not a post
        "monitor mentions of our brand on instagram",
        "compare our instagram posts about the sale",
        "tell me which tiktok post that we ran last month got the most likes",
        "share the tiktok post that did best",  # show us, not write
        "share a summary of our tiktok post performance",  # a summary, whatever it is about
        "post on tiktok that did best?",
        "",
    ],
)
def test_a_question_or_another_ask_about_posts_is_not(text):
    assert not asks_for_a_post(text)
