"""Competitors in chat: share of voice and sentiment against them, and what people say about each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from graph_runs import run

from bot.listening.ingest import Ingestor
from memory.mentions import MentionStore
from tools.monitor.mentions import Mention

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # the tests' fixed now


def _m(i: int, text: str, subject: str | None = None, days: float = 1, followers: int = 50) -> Mention:
    return Mention("x", f"m{i}", f"user{i}", NOW - timedelta(days=days), text, followers, subject=subject)


@pytest.fixture
def compared(make_context, sessions):
    ours = [_m(i, "lovely fir candle, great scent") for i in range(6)]
    theirs = [_m(10 + i, "their wax tunnels badly, awful burn", "wickwright") for i in range(3)]
    theirs.append(_m(20, "Wickwright shipping was terrible and slow", "wickwright", followers=9000))
    older = [_m(30 + i, "nice candles", "wickwright", days=9) for i in range(2)]
    Ingestor(sessions).ingest("harbor-pine", [*ours, *theirs, *older])
    return make_context(mentions=MentionStore(sessions))


def test_sentiment_against_competitors_gives_share_of_voice_and_negative_share(graph, compared):
    snapshot = run(graph, compared, "how does sentiment about us compare with our competitors this week?")
    assert snapshot.values["agent"] == "sentiment_analyst"
    text = snapshot.values["messages"][-1].content
    assert "- Harbor & Pine: 6 mentions, 60% of voice" in text
    assert "- Wickwright: 4 mentions, 40% of voice" in text and "was 0% negative on 2 mentions" in text
    assert "- Lumen Lane: no mentions recorded" in text
    assert "Sentiment for Harbor & Pine" in text and "10 mentions" not in text  # competitors don't count as ours


def test_competitor_activity_names_what_is_said_and_the_widest_reaching_complaint(graph, compared):
    snapshot = run(graph, compared, "what are our competitors up to this week?")
    assert snapshot.values["agent"] == "social_monitor"
    text = snapshot.values["messages"][-1].content
    assert "**Wickwright**: 4 mentions" in text
    assert '@user20 (9,000): "Wickwright shipping was terrible and slow"' in text


def test_without_competitor_mentions_the_reply_says_how_to_track_them(graph, make_context, sessions):
    Ingestor(sessions).ingest("harbor-pine", [_m(1, "lovely fir candle")])
    snapshot = run(graph, make_context(mentions=MentionStore(sessions)), "what are our competitors up to this week?")
    assert "--competitor ID" in snapshot.values["messages"][-1].content
