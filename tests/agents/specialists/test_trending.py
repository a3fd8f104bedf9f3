"""Trends the monitor reports: listed by the social monitor, ridden by the X writer unless people are unhappy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from graph_runs import pending, run

from bot.listening.ingest import Ingestor
from memory.mentions import MentionStore
from tools.monitor.mentions import Mention

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # the tests' fixed now
WORDS = "candle wick scent jar shipping gift order pine cedar winter evening cozy room shelf friend box".split()


def _chatter(rng: random.Random) -> list[Mention]:
    """Two weeks of ordinary mentions: a few a day, from many people, about everyday things."""
    mentions = []
    for i in range(150):
        at = NOW - timedelta(hours=rng.uniform(1, 24 * 15))
        text = f"the {rng.choice(WORDS)} and the {rng.choice(WORDS)} from harbor pine, {rng.choice(WORDS)} again"
        mentions.append(Mention("x", f"c{i}", f"user{rng.randrange(80)}", at, text, rng.randrange(10, 500)))
    return mentions


def _burst(prefix: str, texts: list[str]) -> list[Mention]:
    return [
        Mention("x", f"{prefix}{i}", f"{prefix}author{i}", NOW - timedelta(hours=1 + i / 2), text, 200)
        for i, text in enumerate(texts)
    ]


COZY = _burst(
    "cozy",
    [
        "Loving the #CozySeason vibes tonight",
        "#CozySeason is here and I am so happy",
        "my #CozySeason setup is finally complete, love it",
        "best part of #CozySeason: candles and tea",
        "#cozyseason starts now, wonderful",
        "who else is into #CozySeason this year? great times",
        "#CozySeason with a good book, perfect",
    ],
)
CRACKED = _burst(
    "crack",
    [
        "the lid cracked on arrival, awful",
        "my lid cracked again, terrible quality",
        "lid cracked in the box, so disappointed",
        "another lid cracked, worst purchase",
        "lid cracked after one day, angry",
        "the lid cracked and glass everywhere, furious",
    ],
)


@pytest.fixture
def seeded(make_context, sessions):
    def seed(*bursts: list[Mention]):
        Ingestor(sessions).ingest("harbor-pine", [*_chatter(random.Random(7)), *(m for b in bursts for m in b)])
        return make_context(mentions=MentionStore(sessions))

    return seed


def test_the_social_monitor_lists_what_is_rising_with_its_evidence(graph, seeded):
    snapshot = run(graph, seeded(COZY, CRACKED), "what's trending in our mentions today?")
    assert snapshot.values["agent"] == "social_monitor"
    text = snapshot.values["messages"][-1].content
    assert "**#CozySeason**: 7 mentions by 7 people in the last day (new;" in text
    assert "lid cracked" in text and "negative" in text.split("lid cracked")[1].split("\n")[0]
    trends = [line for line in text.splitlines() if line.startswith("- **")]
    assert len(trends) == 2 and not any("harbor" in line.lower() for line in trends)  # the brand's own name


def test_the_x_writer_rides_the_trend_the_monitor_reports(graph, seeded):
    snapshot = run(graph, seeded(COZY), "write an X post about our fir candle riding today's trend")
    assert snapshot.values["agent"] == "x"
    [card] = pending(snapshot)
    assert "#CozySeason" in card["draft"]["text"]
    text = snapshot.values["messages"][-1].content
    assert "The monitor reports this trend in your mentions" in text and "Trend hook: #CozySeason" in text


def test_a_trend_people_are_unhappy_about_is_never_ridden(graph, seeded):
    snapshot = run(graph, seeded(CRACKED), "write an X post about our fir candle riding today's trend")
    [card] = pending(snapshot)
    assert "cracked" not in card["draft"]["text"].lower()
    assert "no trend worth riding" in snapshot.values["messages"][-1].content
    assert "people are unhappy about them" in snapshot.values["messages"][-1].content


def test_without_the_monitor_the_writer_asks_for_the_trend_by_name(graph, make_context):
    snapshot = run(graph, make_context(), "write an X post about our fir candle riding today's trend")
    assert "Name the trend to ride" in snapshot.values["messages"][-1].content
    assert pending(snapshot)  # the post is still drafted
