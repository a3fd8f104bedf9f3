"""Publishing queue: 10,000 posts due over a window, across brands and platforms, against the local fake APIs.

Run: `.venv/bin/python bench/publish_queue.py [--posts 10000] [--brands 20] [--window 60] [--concurrency 8]`.
Posts are approved and scheduled straight in a scratch SQLite database (no graph), due evenly over `--window`
seconds, on X, LinkedIn, Facebook and Instagram (image posts: container, then publish). A worker loop polls
like `brandpilot worker` does. Printed: throughput, how late posts went out (p50/p95/max after their time), and
the same number of bare HTTP round trips to the same fake servers with the same concurrency, in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import httpx  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from fake_platforms import meta_api as meta  # noqa: E402
from fake_platforms.linkedin_api import linkedin_api  # noqa: E402
from fake_platforms.server import serve  # noqa: E402
from fake_platforms.x_api import x_api  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

PLATFORMS = {  # platform: (account id, token)
    "x": ("2244994945", "x-token"),
    "linkedin": ("urn:li:organization:2414183", "li-token"),
    "facebook": (meta.PAGE_ID, meta.TOKEN),
    "instagram": (meta.IG_USER_ID, meta.TOKEN),
}


def seed(sessions, credentials, brands: int, posts: int, start: datetime, window: float) -> None:
    """Brands with connected accounts, and `posts` approved posts due evenly from `start` over `window` seconds."""
    from memory import repository as repo
    from memory.models import Approval, ContentItem, ScheduledPost, new_id
    from tools.platforms.base import Credentials

    brand_ids = [f"bench-{i:03d}" for i in range(brands)]
    with sessions.begin() as session:
        for brand in brand_ids:
            repo.upsert_brand(session, brand_id=brand, name=brand, pack_path=None)
    for brand in brand_ids:
        for platform, (account, token) in PLATFORMS.items():
            credentials.save(brand, platform, Credentials(token, account), account_name=account, actor="bench")
    now = datetime.now(UTC)
    items, approvals, scheduled = [], [], []
    names = list(PLATFORMS)
    for i in range(posts):
        platform, brand = names[i % len(names)], brand_ids[i % brands]
        text = f"Bench post {i}: the fog bell candle is back in stock. #bench{i}"
        digest = repo.hash_content(platform, text)
        item, approval = new_id(), f"bench-approval-{i}"
        items.append(
            {"id": item, "brand_id": brand, "thread_key": f"cli:bench-{i}", "platform": platform, "text": text}
            | {"content_hash": digest, "status": "scheduled", "created_by": "bench", "created_at": now}
            | {"updated_at": now}
        )
        approvals.append(
            {"id": approval, "content_item_id": item, "thread_key": f"cli:bench-{i}", "decision": "approved"}
            | {"decided_by": "bench", "decided_at": now, "content_hash": digest, "created_at": now}
        )
        options = {"media": [{"kind": "image", "url": "https://cdn.example.com/fog-bell.jpg"}]}
        scheduled.append(
            {"id": new_id(), "content_item_id": item, "approval_id": approval, "brand_id": brand}
            | {"platform": platform, "text": text, "content_hash": digest, "status": "scheduled", "dry_run": False}
            | {"scheduled_for": start + timedelta(seconds=window * i / posts), "created_at": now, "updated_at": now}
            | {"attempts": 0, "resume": {}, "options": options if platform == "instagram" else {}}
        )
    with sessions.begin() as session:
        for model, rows in ((ContentItem, items), (Approval, approvals), (ScheduledPost, scheduled)):
            for chunk in range(0, len(rows), 500):
                session.execute(insert(model), rows[chunk : chunk + 500])


def lateness(sessions) -> tuple[list[float], dict[str, int]]:
    """Seconds between each published post's time and its publication; counts per final status."""
    from memory.models import ScheduledPost

    with sessions() as session:
        rows = session.execute(
            select(ScheduledPost.status, ScheduledPost.scheduled_for, ScheduledPost.published_at)
        ).all()
    late = [(p - s).total_seconds() for status, s, p in rows if status == "published" and p is not None]
    counts: dict[str, int] = {}
    for status, _, _ in rows:
        counts[status] = counts.get(status, 0) + 1
    return late, counts


def waiting(sessions) -> int:
    """Posts not yet done (one COUNT, so watching the queue costs the worker next to nothing)."""
    from sqlalchemy import func

    from memory.models import ScheduledPost

    with sessions() as session:
        query = select(func.count()).where(ScheduledPost.status.in_(("scheduled", "publishing")))
        return session.scalar(query) or 0


def bare_round_trips(urls: list[str], count: int, concurrency: int) -> float:
    """Seconds for `count` authorised GETs spread over the fake servers, `concurrency` at a time."""
    targets = [
        (f"{urls[0]}/2/users/me", "x-token"),
        (f"{urls[1]}/v2/userinfo", "li-token"),
        (f"{urls[2]}/{meta.VERSION}/{meta.PAGE_ID}?fields=id,name", meta.TOKEN),
    ]
    with httpx.Client(timeout=30) as http:

        def one(i: int) -> None:
            url, token = targets[i % len(targets)]
            http.get(url, headers={"Authorization": f"Bearer {token}"}).raise_for_status()

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(count)))
        return time.perf_counter() - started


def main() -> None:
    """Seed, run the worker until the queue is empty, and print the results beside the bare round trips."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--brands", type=int, default=20)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the posts fall due")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between worker passes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, ExitStack() as stack:
        x = stack.enter_context(serve(x_api()))
        li = stack.enter_context(serve(linkedin_api()))
        graph = stack.enter_context(serve(meta.meta_api()))
        os.environ.update(
            BRANDPILOT_HOME=home,
            PLATFORM_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
            X_API_URL=x.url,
            LINKEDIN_API_URL=li.url,
            LINKEDIN_OAUTH_URL=li.url,
            META_API_URL=graph.url,
        )
        os.environ.pop("DATABASE_URL", None)
        from bot.deployment import deployment
        from bot.jobs.worker import open_publisher, run_jobs
        from config.settings import RateLimit, load_settings
        from memory.coordination import make_coordinator

        settings = load_settings()
        unlimited = {p: RateLimit(limit=1_000_000, per_seconds=1) for p in PLATFORMS}
        publishing = settings.publishing.model_copy(
            update={"concurrency": args.concurrency, "batch_size": 200, "rate_limits": unlimited}
        )
        settings = settings.model_copy(update={"publishing": publishing})
        where = stack.enter_context(deployment(settings))
        start = datetime.now(UTC) + timedelta(seconds=3)
        seed(where.sessions, where.credentials, args.brands, args.posts, start, args.window)
        coordinator = make_coordinator(None, Path(home) / "locks")
        publisher = stack.enter_context(open_publisher(settings, where.sessions, coordinator, where.credentials))
        stop = threading.Event()
        worker = threading.Thread(target=run_jobs, args=(publisher, stop), kwargs={"poll_seconds": args.poll})
        began = time.perf_counter()
        worker.start()
        deadline = time.monotonic() + args.window + 600
        while time.monotonic() < deadline and waiting(where.sessions):
            time.sleep(1)
        elapsed = time.perf_counter() - began
        stop.set()
        worker.join()
        late, counts = lateness(where.sessions)
        live = len(x.state["tweets"]) + len(li.state["posts"]) + len(graph.state["posts"]) + len(graph.state["media"])
        bare = bare_round_trips([x.url, li.url, graph.url], args.posts, args.concurrency)
    published = counts.get("published", 0)
    ordered = sorted(late) or [0.0]
    drain = max(elapsed - 3 - args.window, 0.0)
    print(
        f"publish_queue: {args.posts} posts, {args.brands} brands, 4 platforms, due over {args.window:.0f} s; "
        f"concurrency {args.concurrency}; cores: {os.cpu_count()}"
    )
    print(f"  final statuses: {counts}; posts the fake platforms hold: {live} (duplicates: {live - published})")
    print(f"  published {published} in {elapsed:.1f} s of wall time ({drain:.1f} s after the last was due)")
    print(
        f"  throughput while due: {published / max(elapsed - 3, 1e-9):.0f} posts/s (arrival rate "
        f"{args.posts / args.window:.0f}/s)"
    )
    print(
        f"  lateness after the scheduled time: p50 {statistics.median(ordered):.2f} s, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} s, max {ordered[-1]:.2f} s"
    )
    bare_rate = args.posts / bare
    print(f"  bare HTTP round trips to the same fakes: {args.posts} in {bare:.1f} s = {bare_rate:.0f}/s")
    queue_rate = published / max(elapsed - 3, 1e-9)
    print(
        f"  capacity check: the queue drains {queue_rate / (args.posts / args.window):.2f}x the arrival rate; "
        f"bare requests run {bare_rate / max(queue_rate, 1e-9):.2f}x faster than queued posts"
    )


if __name__ == "__main__":
    main()
