"""Mentions per second through the whole listening pipeline beside the bare sentiment scorer it uses, on one core.

Run: `.venv/bin/python bench/monitor.py [--mentions 4000] [--batch 256] [--rounds 2] [--json]`.
Texts are the TweetEval validation tweets from ../shared (cycled, each with a new id and author), spread over
three days at a steady rate. The pipeline is `Ingestor.ingest` (dedup, language, sentiment, storage in a scratch
SQLite file) then `CrisisWatch.run_once` (binning, three detectors, incident grouping) after every batch. The
baseline is `SentimentScorer.score` on the same texts in the same batches. The sentiment encoder (int8 ONNX) and
torch (the crisis-type classifier) each run on one thread, and the process is pinned to one core. Both run
alternately, `--rounds` times each, and the best round of each is reported with the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.listening.ingest import Ingestor  # noqa: E402
from bot.listening.watch import CrisisWatch  # noqa: E402
from config.settings import MonitorOptions  # noqa: E402
from memory.db import create_db_engine, normalize_database_url, session_factory, upgrade_database  # noqa: E402
from tools.monitor.mentions import Mention  # noqa: E402
from tools.sentiment.scorer import load_scorer  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "tweeteval_sentiment" / "val_text.txt"
START = datetime(2026, 11, 2, tzinfo=UTC)
BRAND = "bench-brand"


def mentions(texts: list[str], count: int, run: int) -> list[Mention]:
    """`count` mentions cycling through `texts`, evenly over three days; ids and authors unique per run."""
    step = timedelta(days=3) / count
    return [
        Mention("x", f"{run}-{i}", f"user{run}_{i}", START + i * step, texts[i % len(texts)], followers=i % 5000)
        for i in range(count)
    ]


def bare(texts: list[str], batch: int) -> float:
    """Seconds the scorer alone takes for the texts, in batches."""
    scorer = load_scorer()
    began = time.perf_counter()
    for start in range(0, len(texts), batch):
        scorer.score(texts[start : start + batch])
    return time.perf_counter() - began


def pipeline(batch_of: list[Mention], batch: int) -> float:
    """Seconds the whole pipeline takes for the mentions, in a fresh database."""
    with tempfile.TemporaryDirectory(prefix="bench-monitor-") as home:
        url = normalize_database_url(None, Path(home))
        upgrade_database(url)
        engine = create_db_engine(url)
        sessions = session_factory(engine)
        ingest = Ingestor(sessions)
        watch = CrisisWatch(sessions, [BRAND], MonitorOptions(grace_seconds=0), live=False)
        began = time.perf_counter()
        for start in range(0, len(batch_of), batch):
            chunk = batch_of[start : start + batch]
            ingest.ingest(BRAND, chunk)
            watch.run_once(chunk[-1].created_at, since=START)
        elapsed = time.perf_counter() - began
        engine.dispose()
    return elapsed


def main() -> None:
    """Measure both, alternating, and print the best round of each with the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not SHARED.is_file():
        sys.exit(f"needs {SHARED} (the shared data sets beside the repo)")
    if hasattr(os, "sched_setaffinity"):  # one core, literally: background threads share it too
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    texts = [line.strip() for line in SHARED.read_text(encoding="utf-8").splitlines() if line.strip()]
    load_scorer().score(texts[:64])  # load the model and warm the kernels before timing
    scorer_s, pipeline_s = [], []
    for run in range(args.rounds):
        batch_of = mentions(texts, args.mentions, run)
        scorer_s.append(bare([m.text for m in batch_of], args.batch))
        pipeline_s.append(pipeline(batch_of, args.batch))
    result = {
        "mentions": args.mentions,
        "batch": args.batch,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "scorer_per_s": round(args.mentions / min(scorer_s), 1),
        "pipeline_per_s": round(args.mentions / min(pipeline_s), 1),
    }
    result["ratio"] = round(result["pipeline_per_s"] / result["scorer_per_s"], 3)
    if args.json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    sys.stdout.write(
        f"{args.mentions} mentions, batches of {args.batch}, one core\n"
        f"bare sentiment scorer : {result['scorer_per_s']:8.1f} mentions/s\n"
        f"whole pipeline        : {result['pipeline_per_s']:8.1f} mentions/s  "
        f"({result['ratio']:.0%} of the scorer; goal >= 70% and >= 200/s)\n"
    )


if __name__ == "__main__":
    main()
