"""Replay a `timestamp,value` series through the detector and incident grouping; `python -m` prints the alerts."""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from tools.monitor.detector import Detector, DetectorConfig
from tools.monitor.incidents import IncidentConfig, IncidentTracker, Post

MAX_LISTED = 20  # more bad lines than this are counted, not listed


class SeriesFileError(ValueError):
    """The series file can't be read; `problems` lists each bad line with its number. Nothing is returned."""

    def __init__(self, path: str, problems: list[str]) -> None:
        shown = problems[:MAX_LISTED]
        more = len(problems) - len(shown)
        tail = f"\n… and {more} more" if more > 0 else ""
        listed = "\n".join(f"- {p}" for p in shown)
        super().__init__(f"{path}: nothing was read; fix these and try again:\n{listed}{tail}")
        self.problems = problems


def parse_series(text: str, source: str = "<series>") -> list[tuple[datetime, float]]:
    """Rows of a `timestamp,value` CSV text (ISO timestamps, rising), validated whole before anything is returned."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise SeriesFileError(source, ["line 1: the file is empty; expected a header `timestamp,value`"])
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in ("timestamp", "value") if name not in names]
    if missing:
        raise SeriesFileError(source, [f"line 1: missing column(s) {', '.join(missing)}; the header is {header}"])
    ts_col, value_col = names.index("timestamp"), names.index("value")
    rows: list[tuple[datetime, float]] = []
    problems: list[str] = []
    for line_no, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            problems.append(f"line {line_no}: expected {len(names)} fields, found {len(cells)}")
            continue
        raw_ts, raw_value = cells[ts_col].strip(), cells[value_col].strip()
        try:
            ts = datetime.fromisoformat(raw_ts)
        except ValueError:
            problems.append(f"line {line_no}: timestamp {raw_ts!r} is not ISO 8601 (e.g. 2015-03-01 12:05:00)")
            continue
        try:
            value = float(raw_value)
        except ValueError:
            problems.append(f"line {line_no}: value {raw_value!r} is not a number")
            continue
        if not math.isfinite(value):
            problems.append(f"line {line_no}: value {raw_value!r} is not a finite number")
            continue
        if rows and ts <= rows[-1][0]:
            problems.append(f"line {line_no}: timestamp {raw_ts} does not come after the previous row's")
            continue
        rows.append((ts, value))
    if not rows and not problems:
        problems.append("the file has a header but no rows")
    if problems:
        raise SeriesFileError(source, problems)
    return rows


def read_series(path: str | Path) -> list[tuple[datetime, float]]:
    """Rows of a `timestamp,value` CSV file; raises `SeriesFileError` listing every bad line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeriesFileError(str(path), [f"cannot read the file: {exc}"]) from exc
    return parse_series(text, str(path))


def replay_posts(
    rows: Iterable[tuple[datetime, float]],
    config: DetectorConfig | None = None,
    incidents: IncidentConfig | None = None,
    brand: str = "brand",
    signal: str = "volume",
) -> list[Post]:
    """Every post (opened, updated, closed, warning) the monitor would make over the series."""
    detector = Detector(config)
    tracker = IncidentTracker(incidents or IncidentConfig())
    posts: list[Post] = []
    for ts, value in rows:
        events = detector.update(ts, value)
        posts.extend(tracker.tick(ts))
        for event in events:
            posts.extend(tracker.observe(brand, signal, event))
    return posts


def replay_series(
    rows: Iterable[tuple[datetime, float]],
    config: DetectorConfig | None = None,
    incidents: IncidentConfig | None = None,
) -> list[dict]:
    """The alerts after grouping, one per incident opened: `{"timestamp": iso, "severity": ..., "score": ...}`."""
    return [
        {"timestamp": post.timestamp.isoformat(), "severity": post.severity, "score": round(post.score, 2)}
        for post in replay_posts(rows, config, incidents)
        if post.action == "opened"
    ]


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m tools.monitor.replay --series FILE.csv [--json]`."""
    parser = argparse.ArgumentParser(description="Replay a timestamp,value series and list the alerts.")
    parser.add_argument("--series", required=True, help="CSV file with a header `timestamp,value`")
    parser.add_argument("--json", action="store_true", help="one JSON object per alert line")
    args = parser.parse_args(argv)
    try:
        alerts = replay_series(read_series(args.series))
    except SeriesFileError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    for alert in alerts:
        if args.json:
            sys.stdout.write(json.dumps(alert) + "\n")
        else:
            sys.stdout.write(f"{alert['timestamp']}  {alert['severity']:<5} score {alert['score']:.1f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
