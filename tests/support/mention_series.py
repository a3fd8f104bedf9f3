"""Synthetic mention streams for listening tests: calm days with a daily cycle, and a burst of complaints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tools.monitor.mentions import Mention

START = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
CALM = [
    "just lit the harbor & pine fir candle, the whole room smells like a forest",
    "does anyone know if harbor and pine ships to canada?",
    "picked up two candles at the portland shop today",
    "the low tide candle is my favourite this winter",
    "harbor & pine posted their holiday hours",
]
ANGRY = [
    "found a shard of glass in my harbor & pine candle, my daughter cut her finger. never again",
    "the jar of my harbor and pine candle cracked and burned my table, this is dangerous",
    "harbor & pine candle exploded on my shelf, glass everywhere. how is this safe???",
]


def background(days: int, start: datetime = START) -> list[Mention]:
    """A few calm mentions per 5 minutes, more in the afternoon than at night, for `days` days."""
    mentions = []
    for step in range(days * 288):
        at = start + timedelta(minutes=5 * step)
        for n in range(1 + (at.hour in range(12, 20)) + (step % 3 == 0)):
            text = CALM[(step + n) % len(CALM)]
            mentions.append(Mention("x", f"c{step}-{n}", f"fan{step}_{n}", at + timedelta(seconds=n), text, 40))
    return mentions


def spike(at: datetime, count: int) -> list[Mention]:
    """`count` complaints about broken, dangerous jars within a few minutes of `at`."""
    return [
        Mention("x", f"a{at:%d%H%M}-{i}", f"upset{i}", at + timedelta(seconds=10 * i), ANGRY[i % 3], 900 + i)
        for i in range(count)
    ]
