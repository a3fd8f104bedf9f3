"""Slack ack latency: signed events at a steady rate into `brandpilot serve slack --http` beside a bare Bolt app.

Run: `.venv/bin/python bench/slack_ack.py [--rate 50] [--seconds 20] [--teams 200] [--json]`.
Each app runs in its own process on a loopback uvicorn server: BrandPilot through its real `serve slack` command on a
throwaway home (SQLite, in-process coordination; `--database-url`/`--redis-url` name scratch servers instead, never
the environment's), the baseline a Bolt app whose app_mention handler returns at once. The fake Slack Web API runs in
a third process. Both get the same open-loop schedule, back to back: each event a new thread from one of `--teams`
workspaces (so Slack's per-workspace limits, which BrandPilot paces its replies to, do not hold its graph work back),
a third of them re-delivered 0.2-1 s later with Slack's retry headers. Ack latency is send to response, re-deliveries
included. From the fake's log: runs started ("Working on it…" posts), duplicate runs, lost events (no run by the end
of `--drain`) and completed turns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

import httpx  # noqa: E402
from fake_slack import BOT_TOKEN, BOT_USER  # noqa: E402
from slack_requests import SECRET, event, signed  # noqa: E402

REQUESTS = [
    "write a tweet about our winter candle sale",
    "draft a linkedin post about our new workshop tours",
    "pls tweet that the fog bell candle is back in stock",
    "LinkedIn post announcing our holiday pop-up in Portland",
    "instagram caption for the cedar & salt gift set",
    "write a facebook post inviting people to the candle-making night on Friday",
    "tweet a thank-you to everyone who came to the harbor market",
    "draft a linkedin post about our switch to recycled glass jars",
]
CHANNELS = ("C0MKTG", "C0LAUNCH", "C0SOCIAL")
ISOLATED_PREFIXES = ("BRANDPILOT_", "SLACK_", "DISCORD_")  # as tests/conftest.py: nothing leaks in from outside
ISOLATED_NAMES = ("DATABASE_URL", "REDIS_URL", "CHROMA_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY")
FAILED_REPLIES = ("Something went wrong", "still working on the previous message")
FAKE_NICENESS = 15
Call = tuple[str, str | None, str | None, str]  # method, channel, thread_ts, text


def serve_bare(port: int) -> None:
    """The baseline: a Bolt app with the same secret and Web API URL whose app_mention handler does nothing."""
    import uvicorn
    from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    bolt = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @bolt.event("app_mention")
    async def on_mention() -> None:
        return

    uvicorn.run(AsyncSlackRequestHandler(bolt), host="127.0.0.1", port=port, log_level="warning", lifespan="off")


def _fake_slack_child(conn: Any) -> None:
    from fake_slack import fake_slack_server

    # Slack's servers are not on the app's machine: the stand-in runs at low priority so that answering the
    # app's replies costs the measured processes as little CPU as possible (only BrandPilot calls it).
    os.nice(FAKE_NICENESS)

    with fake_slack_server() as fake:
        conn.send(fake.url)
        while conn.recv() == "calls":
            with fake.lock:
                calls = list(fake.calls)
            conn.send(
                [(c.method, c.args.get("channel"), c.args.get("thread_ts"), str(c.args.get("text"))) for c in calls]
            )


@contextmanager
def fake_slack_process() -> Iterator[tuple[str, Callable[[], list[Call]]]]:
    """The fake Web API in its own process, so its threads share no GIL with the sender: (URL, its calls so far)."""
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(target=_fake_slack_child, args=(theirs,), daemon=True)
    child.start()

    def calls() -> list[Call]:
        ours.send("calls")
        return ours.recv()

    try:
        yield ours.recv(), calls
    finally:
        ours.send("stop")
        child.join(10)


@contextmanager
def served(name: str, command: list[str], env: dict[str, str], home: Path) -> Iterator[str]:
    """Start a server process and yield its /slack/events URL once it answers HTTP."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = home / f"{name}.log"
    with log.open("w") as sink:
        process = subprocess.Popen([*command, str(port)], env=env, cwd=home, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not come up:\n{log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def server_env(home: Path, api_url: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment of both servers: only what this benchmark sets, on a throwaway home and config."""
    env = {k: v for k, v in os.environ.items() if not (k.startswith(ISOLATED_PREFIXES) or k in ISOLATED_NAMES)}
    (home / "brandpilot.yaml").write_text("{}\n")  # the shipped sample brand, whatever config/ holds
    env |= {"BRANDPILOT_HOME": str(home / "home"), "BRANDPILOT_CONFIG": str(home / "brandpilot.yaml")}
    env |= {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url}
    env |= {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if args.database_url:
        from memory.db import upgrade_database

        upgrade_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def mentions(base: int, count: int, teams: int) -> dict[tuple[str, str], bytes]:
    """`count` mentions by thread (channel, ts), each starting its own thread, round-robin over the workspaces."""
    found = {}
    for i in range(count):
        team, channel, ts = f"T{i % teams:03d}", CHANNELS[i // teams % len(CHANNELS)], f"{base}.{i:06d}"
        text = f"<@{BOT_USER}> {REQUESTS[i % len(REQUESTS)]}"
        body = event(text, event_id=f"Ev{base}x{i}", ts=ts, channel=channel, team=team) | {"team_id": team}
        found[channel, ts] = json.dumps(body).encode()
    return found


async def deliver(client: httpx.AsyncClient, url: str, raw: bytes, retry: bool) -> tuple[float, int | str]:
    """One signed delivery (a re-delivery carries Slack's retry headers): (seconds to the answer, status or error)."""
    headers = signed(raw, "application/json")
    if retry:
        headers |= {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    start = time.perf_counter()
    try:
        status = (await client.post(url, content=raw, headers=headers)).status_code
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return time.perf_counter() - start, status


async def open_loop(client: httpx.AsyncClient, url: str, bodies: list[bytes], rate: float) -> dict:
    """Send at a steady rate whatever the answers, every third event again 0.2-1 s later; ack statistics."""
    rng = random.Random(1)  # the same re-delivery delays for both apps
    schedule = [(i / rate, i, False) for i in range(len(bodies))]
    schedule += [(i / rate + rng.uniform(0.2, 1.0), i, True) for i in range(0, len(bodies), 3)]
    tasks, lag, t0 = [], 0.0, time.perf_counter()
    for at, i, retry in sorted(schedule):
        if (wait := t0 + at - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        lag = max(lag, time.perf_counter() - t0 - at)
        tasks.append(asyncio.create_task(deliver(client, url, bodies[i], retry)))
    results = await asyncio.gather(*tasks)
    ms = sorted(seconds * 1000 for seconds, _ in results)
    return {
        "count": len(ms),
        "non_200": dict(Counter(str(status) for _, status in results if status != 200)),
        "p50_ms": ms[len(ms) // 2],
        "p99_ms": ms[math.ceil(0.99 * len(ms)) - 1],
        "max_ms": ms[-1],
        "sender_lag_max_ms": lag * 1000,
    }


def turns(calls: list[Call], threads: set[tuple[str, str]], updates_before: int) -> dict:
    """Runs per thread from the fake's log: 'Working on it…' posts, then the chat.update that ends each run."""
    from bot.slack.server import WORKING

    runs = Counter((ch, ts) for m, ch, ts, text in calls if m == "chat.postMessage" and text == WORKING)
    runs = Counter({thread: n for thread, n in runs.items() if thread in threads})
    updates = [text for m, _, _, text in calls if m == "chat.update"][updates_before:]
    return {
        "events": len(threads),
        "started": sum(runs.values()),
        "completed": len(updates),
        "failed_replies": sum(any(f in text for f in FAILED_REPLIES) for text in updates),
        "duplicates": sum(n - 1 for n in runs.values()),
        "lost": len(threads - runs.keys()),
    }


async def settle(
    calls: Callable[[], list[Call]], threads: set[tuple[str, str]], updates_before: int, limit: float
) -> dict:
    """Wait until every thread's run has ended (at most `limit` s); its counts and how long the wait took.

    Replies are paced to Slack's rate limits (bot/slack/pacing.py holds a call back for up to 60 s), so only
    90 s without a single new Web API call means nothing more is coming.
    """
    start = idle_since = time.monotonic()
    last: dict = {}
    while True:
        found = turns(calls(), threads, updates_before)
        now = time.monotonic()
        if found != last:
            last, idle_since = found, now
        done = found["lost"] == 0 and found["completed"] >= found["started"]
        if done or now > start + limit or now > idle_since + 90:
            return found | {"drain_s": now - start}
        await asyncio.sleep(0.5)


async def measure(bare: str, full: str, calls: Callable[[], list[Call]], args: argparse.Namespace) -> dict:
    """Warm both apps up, run the same schedule against each (bare first), then count BrandPilot's runs."""
    count = int(args.rate * args.seconds)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        warm = mentions(1700000000, len(REQUESTS), args.teams)
        for url in (bare, full):
            for raw in warm.values():
                await deliver(client, url, raw, retry=False)
        await settle(calls, set(warm), 0, 120)
        bare_ack = await open_loop(client, bare, list(mentions(1700000001, count, args.teams).values()), args.rate)
        updates_before = sum(m == "chat.update" for m, *_ in calls())
        sent = mentions(1700000002, count, args.teams)
        full_ack = await open_loop(client, full, list(sent.values()), args.rate)
    runs = await settle(calls, set(sent), updates_before, args.drain)
    return {"bare": bare_ack, "brandpilot": full_ack, "turns": runs}


def report(result: dict, args: argparse.Namespace, load: tuple[float, float]) -> None:
    """The table, or JSON with `--json`."""
    bare, full, runs = result["bare"], result["brandpilot"], result["turns"]
    result["ratio"] = {k: full[f"{k}_ms"] / max(bare[f"{k}_ms"], 1e-9) for k in ("p50", "p99")}
    result["goals"] = {
        "p99_under_100ms": full["p99_ms"] < 100,
        "p99_within_1_5x_bare": result["ratio"]["p99"] <= 1.5,
        "zero_duplicates": runs["duplicates"] == 0,
    }
    result["run"] = {"rate": args.rate, "seconds": args.seconds, "cores": os.cpu_count(), "load_1min": load}
    out = print
    if args.json:
        out(json.dumps(result, indent=2))
        return
    out(f"slack ack: {args.rate:g} events/s for {args.seconds:g} s from {args.teams} workspaces, a third re-delivered")
    out(f"0.2-1 s later (counted in the acks); cores {os.cpu_count()}, 1-min load {load[0]:.2f}, after {load[1]:.2f}")
    out(f"{'app':12}{'acks':>7}{'non-200':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'sender lag':>12}")
    for name, ack in (("bare bolt", bare), ("brandpilot", full)):
        failed = sum(ack["non_200"].values())
        row = f"{ack['count']:7d}{failed:9d}{ack['p50_ms']:9.1f}{ack['p99_ms']:9.1f}{ack['max_ms']:9.1f}"
        out(f"{name:12}{row}{ack['sender_lag_max_ms']:10.1f}ms" + (f"  non-200: {ack['non_200']}" if failed else ""))
    out(f"ratio brandpilot/bare: p50 {result['ratio']['p50']:.2f}x, p99 {result['ratio']['p99']:.2f}x")
    out(
        f"turns: {runs['events']} events, {runs['started']} runs started, {runs['completed']} completed "
        f"({runs['failed_replies']} failure replies), {runs['duplicates']} duplicate runs, {runs['lost']} lost; "
        f"waited {runs['drain_s']:.0f} s for the replies after the last event"
    )
    for goal, ok in result["goals"].items():
        out(f"goal {goal}: {'ok' if ok else 'MISSED'}")


def main() -> None:
    """Parse options, start the fake Slack and both servers, measure and report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="events per second (default 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of events per app (default 20)")
    parser.add_argument("--teams", type=int, default=200, help="workspaces the events come from (default 200)")
    parser.add_argument("--drain", type=float, default=600.0, help="max seconds to wait for the replies (600)")
    parser.add_argument("--database-url", help="a scratch database instead of a throwaway SQLite one")
    parser.add_argument("--redis-url", help="a scratch Redis instead of in-process coordination")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, fake_slack_process() as (api_url, calls):
        home, env = Path(tmp), server_env(Path(tmp), api_url, args)
        bare_command = [sys.executable, str(Path(__file__).resolve()), "--serve-bare"]
        full_command = [sys.executable, "-m", "bot", "serve", "slack", "--host", "127.0.0.1", "--http"]
        with served("bare", bare_command, env, home) as bare, served("brandpilot", full_command, env, home) as full:
            result = asyncio.run(measure(bare, full, calls, args))
    report(result, args, (load, os.getloadavg()[0]))


if __name__ == "__main__":
    main()
