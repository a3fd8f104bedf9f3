"""Score the monitor on NAB's Twitter volume series: `python -m tools.monitor.nab_eval --data DIR [--json]`."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from tools.monitor.detector import DetectorConfig
from tools.monitor.incidents import IncidentConfig
from tools.monitor.nab import (
    SeriesResult,
    evaluate_series,
    load_labels,
    load_series,
    load_windows,
    normalised_score,
)
from tools.monitor.replay import replay_posts


def evaluate(
    data_dir: str | Path, config: DetectorConfig | None = None, incidents: IncidentConfig | None = None
) -> list[SeriesResult]:
    """Replay every labelled series of the directory and score its opened incidents."""
    results = []
    labels = load_labels(data_dir)
    for name, windows in sorted(load_windows(data_dir).items()):
        rows = load_series(data_dir, name)
        posts = replay_posts(rows, config, incidents)
        alerts = [p.timestamp for p in posts if p.action == "opened"]
        results.append(evaluate_series(name, [ts for ts, _ in rows], alerts, windows, labels.get(name, ())))
    return results


def summarise(results: list[SeriesResult]) -> dict:
    """Per-series rows and the total, as plain data."""

    def row(name: str, items: list[SeriesResult]) -> dict:
        lags = [lag / timedelta(hours=1) for r in items for lag in r.lags]
        label_lags = [lag / timedelta(hours=1) for r in items for lag in r.label_lags]
        weeks = sum(r.series_weeks for r in items)
        false_alerts = sum(r.false_alerts for r in items)
        return {
            "series": name,
            "windows_hit": sum(r.windows_hit for r in items),
            "windows": sum(r.windows_total for r in items),
            "false_alerts": false_alerts,
            "series_weeks": round(weeks, 2),
            "false_per_week": round(false_alerts / weeks, 2) if weeks else 0.0,
            "mean_lag_hours": round(statistics.fmean(lags), 1) if lags else None,
            "max_lag_hours": round(max(lags), 1) if lags else None,
            "mean_lag_from_label_hours": round(statistics.fmean(label_lags), 1) if label_lags else None,
            "nab_standard": round(
                normalised_score(
                    sum(r.nab_raw for r in items), sum(r.nab_null for r in items), sum(r.nab_perfect for r in items)
                ),
                1,
            ),
        }

    return {"series": [row(r.name, [r]) for r in results], "total": row("TOTAL", results)}


SENSITIVITY = {  # each setting moved one notch either side of its default, the others held
    "alert threshold": [
        ("4.0", {"severities": (("SEV3", 4.0), ("SEV2", 8.0), ("SEV1", 12.0))}),
        ("5.0", {"severities": (("SEV3", 5.0), ("SEV2", 8.0), ("SEV1", 12.0))}),
    ],
    "smooth_points": [("1", {"smooth_points": 1}), ("3", {"smooth_points": 3})],
    "tail_quantile": [
        ("0.98", {"tail_quantile": 0.98}),
        ("0.995", {"tail_quantile": 0.995}),
        ("off", {"tail_quantile": None}),
    ],
    "slot_minutes": [("30", {"slot_minutes": 30}), ("120", {"slot_minutes": 120})],
    "history": [("10 days", {"history": timedelta(days=10)}), ("21 days", {"history": timedelta(days=21)})],
    "level_window": [("12 h", {"level_window": timedelta(hours=12)}), ("48 h", {"level_window": timedelta(hours=48)})],
    "split_weekend": [("off", {"split_weekend": False})],
    "transform": [("log1p", {"transform": "log1p", "min_scale": 0.05})],
}
INCIDENT_SENSITIVITY = {
    "cooldown": [("3 h", {"cooldown": timedelta(hours=3)}), ("12 h", {"cooldown": timedelta(hours=12)})],
    "quiet_period": [("1 h", {"quiet_period": timedelta(hours=1)}), ("4 h", {"quiet_period": timedelta(hours=4)})],
}


def sensitivity(data_dir: str | Path) -> list[dict]:
    """The total row for the defaults and for each neighbouring setting."""
    rows = [{"setting": "defaults", **summarise(evaluate(data_dir))["total"]}]
    for key, options in SENSITIVITY.items():
        for label, change in options:
            total = summarise(evaluate(data_dir, replace(DetectorConfig(), **change)))["total"]
            rows.append({"setting": f"{key} = {label}", **total})
    for key, options in INCIDENT_SENSITIVITY.items():
        for label, change in options:
            total = summarise(evaluate(data_dir, None, replace(IncidentConfig(), **change)))["total"]
            rows.append({"setting": f"{key} = {label}", **total})
    return rows


def format_table(rows: list[dict], first: str) -> str:
    """A plain-text table of summary rows."""
    head = (
        f"{first:<26} {'hit':>6} {'FA':>4} {'weeks':>6} {'FA/wk':>6} {'lag h':>6} {'max h':>6} {'lbl h':>6} {'NAB':>6}"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"{r[first]:<26} {r['windows_hit']:>3}/{r['windows']:<2} {r['false_alerts']:>4} {r['series_weeks']:>6.2f}"
            f" {r['false_per_week']:>6.2f} {r['mean_lag_hours'] or 0:>6.1f} {r['max_lag_hours'] or 0:>6.1f}"
            f" {r['mean_lag_from_label_hours'] or 0:>6.1f} {r['nab_standard']:>6.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description="Score the monitor on NAB's realTweets series.")
    parser.add_argument("--data", required=True, help="directory with Twitter_volume_*.csv and labels.json")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--sensitivity", action="store_true", help="also score neighbouring parameter values")
    args = parser.parse_args(argv)
    summary = summarise(evaluate(args.data))
    if args.sensitivity:
        summary["sensitivity"] = sensitivity(args.data)
    if args.json:
        sys.stdout.write(json.dumps(summary, indent=1) + "\n")
        return 0
    sys.stdout.write(format_table([*summary["series"], summary["total"]], "series") + "\n")
    if args.sensitivity:
        sys.stdout.write("\n" + format_table(summary["sensitivity"], "setting") + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
