"""Turn overhead: a routed turn ending in an approval plus its resume, vs a bare 3-node graph.

Run: `.venv/bin/python bench/turn_overhead.py [--turns N] [--no-postgres] [--postgres-url URL]`. Both sides
use the same checkpointer in the same run, turn by turn in alternation (SQLite, then a throwaway embedded
Postgres or a scratch URL; never DATABASE_URL, since the benchmark writes approved posts).
No LLM is involved. Prints p50/p95 per backend, the ratio, and the router's own p50.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from langgraph.graph import END, START, StateGraph  # noqa: E402
from langgraph.types import Command, interrupt  # noqa: E402

from bot.app import open_app  # noqa: E402
from bot.turns import Turn  # noqa: E402
from config.settings import load_settings  # noqa: E402
from memory.checkpointer import open_checkpointer  # noqa: E402

REQUESTS = [
    "write a tweet about our winter candle sale",
    "draft a linkedin post about our new workshop tours",
    "pls tweet that the fog bell candle is back in stock",
    "LinkedIn post announcing our holiday pop-up in Portland",
]


DURABILITY = "exit"  # the same checkpoint policy ConversationService uses
HOLDOUT = Path(__file__).resolve().parents[1] / "tests" / "eval" / "routing_holdout.jsonl"
ROUTING_MIX = [json.loads(line)["text"] for line in HOLDOUT.read_text().splitlines() if line.strip()]


class BareState(TypedDict, total=False):
    """State of the baseline graph."""

    text: str
    decision: str


def bare_graph() -> StateGraph:
    """Three nodes: prepare, wait for approval (interrupt), finish."""
    builder = StateGraph(BareState)
    builder.add_node("prepare", lambda s: {"text": s["text"].upper()})
    builder.add_node("approve", lambda s: {"decision": interrupt({"text": s["text"]})["action"]})
    builder.add_node("finish", lambda s: {})
    builder.add_edge(START, "prepare")
    builder.add_edge("prepare", "approve")
    builder.add_edge("approve", "finish")
    builder.add_edge("finish", END)
    return builder


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def time_both(database_url: str | None, home: Path, turns: int) -> tuple[list[float], list[float], list[float]]:
    """Turn + resume, alternating the bare graph and BrandPilot so both see the same machine; then the router."""
    bare, ours, routing = [], [], []
    with open_checkpointer(database_url, home) as saver, open_app(load_settings()) as app:
        graph = bare_graph().compile(checkpointer=saver)
        for i in range(turns + 3):
            text = REQUESTS[i % len(REQUESTS)]
            config = {"configurable": {"thread_id": f"bare-{i}-{time.time_ns()}"}}
            start = time.perf_counter()
            graph.invoke({"text": text}, config, durability=DURABILITY)
            graph.invoke(Command(resume={"action": "approve"}), config, durability=DURABILITY)
            bare_time = time.perf_counter() - start
            key = f"cli:bench-{i}-{time.time_ns()}"
            start = time.perf_counter()
            result = app.service.handle_turn(Turn(key, "bench", text))
            assert result.pending is not None, f"no draft for {text!r}"
            app.service.decide(key, {"action": "approve"}, user="bench")
            if i >= 3:  # warm-up
                ours.append(time.perf_counter() - start)
                bare.append(bare_time)
        for message in ROUTING_MIX:
            route_start = time.perf_counter()
            app.router.route(message)
            routing.append(time.perf_counter() - route_start)
    return bare, ours, routing


@contextmanager
def postgres(url: str | None) -> Iterator[str]:
    """An explicitly given scratch server, else an embedded throwaway one (never DATABASE_URL)."""
    if url:
        yield url
        return
    from servers import embedded_postgres_server

    with embedded_postgres_server() as url:
        yield url


def run_backend(name: str, url: str | None, turns: int, out: Callable[[str], None]) -> None:
    """Measure both sides on one backend and print them side by side."""
    with tempfile.TemporaryDirectory() as home:
        os.environ["BRANDPILOT_HOME"] = home
        if url:
            os.environ["DATABASE_URL"] = url
            from memory.db import upgrade_database

            upgrade_database(url)
        else:
            os.environ.pop("DATABASE_URL", None)
        bare, ours, routing = time_both(url, Path(home), turns)
    b50, b95 = percentiles(bare)
    o50, o95 = percentiles(ours)
    r50, r95 = percentiles(routing)
    out(f"{name:9} bare 3-node graph   p50 {b50:7.1f} ms   p95 {b95:7.1f} ms")
    out(f"{name:9} brandpilot turn     p50 {o50:7.1f} ms   p95 {o95:7.1f} ms")
    out(f"{name:9} router ({len(routing)} varied messages) p50 {r50:7.1f} ms   p95 {r95:7.1f} ms")
    budget = 2 * b50 + r50
    verdict = "within" if o50 <= budget else "OVER"
    out(
        f"{name:9} ratio brandpilot/bare p50 {o50 / b50:5.2f}x; "
        f"goal p50 <= 2x bare + router = {budget:.1f} ms: {verdict}"
    )


def main() -> None:
    """Parse options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres-url", help="a scratch database to use instead of an embedded server")
    args = parser.parse_args()
    out = print
    out(f"turn + resume, {args.turns} turns each, no LLM; cores: {os.cpu_count()}")
    run_backend("sqlite", None, args.turns, out)
    if not args.no_postgres:
        with postgres(args.postgres_url) as url:
            run_backend("postgres", url, args.turns, out)


if __name__ == "__main__":
    main()
