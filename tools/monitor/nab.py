"""Numenta Anomaly Benchmark series, window metrics and NAB's standard scorer (a port of nab/sweeper.py)."""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tools.monitor.replay import read_series

Window = tuple[datetime, datetime]
PROBATION_PERCENT = 0.15
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class CostMatrix:
    """NAB application profile weights; the defaults are the "standard" profile."""

    tp: float = 1.0
    fp: float = 0.11
    fn: float = 1.0


STANDARD = CostMatrix()


@dataclass(frozen=True)
class SeriesResult:
    """How one series' alerts fare against its labelled windows."""

    name: str
    windows_total: int
    windows_hit: int
    false_alerts: int
    series_weeks: float
    lags: tuple[timedelta, ...]
    label_lags: tuple[timedelta, ...]
    nab_raw: float
    nab_null: float
    nab_perfect: float

    @property
    def false_per_week(self) -> float:
        """False alerts per series-week of scored data."""
        return self.false_alerts / self.series_weeks if self.series_weeks else 0.0


def load_windows(data_dir: str | Path, prefix: str = "realTweets/") -> dict[str, list[Window]]:
    """The labelled anomaly windows per series file name, from NAB's `labels.json` (key `windows`)."""
    raw = json.loads((Path(data_dir) / "labels.json").read_text(encoding="utf-8"))
    windows = raw.get("windows", raw)
    return {
        key.removeprefix(prefix): [(_parse(a), _parse(b)) for a, b in spans]
        for key, spans in windows.items()
        if key.startswith(prefix)
    }


def load_labels(data_dir: str | Path, prefix: str = "realTweets/") -> dict[str, list[datetime]]:
    """The labelled anomaly points per series file name (key `labels`; each window is centred on one)."""
    raw = json.loads((Path(data_dir) / "labels.json").read_text(encoding="utf-8"))
    return {
        key.removeprefix(prefix): [_parse(t) for t in points]
        for key, points in raw.get("labels", {}).items()
        if key.startswith(prefix)
    }


def load_series(data_dir: str | Path, name: str) -> list[tuple[datetime, float]]:
    """The rows of one series file of the data directory."""
    return read_series(Path(data_dir) / name)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.strip())


def probation_length(rows: int, percent: float = PROBATION_PERCENT) -> int:
    """NAB's probationary rows: min(floor(15% of rows), 15% of 5000) — the cap is in NAB's sweeper."""
    return int(min(math.floor(percent * rows), percent * 5000))


def _window_indices(timestamps: Sequence[datetime], window: Window) -> tuple[int, int]:
    """First and last row index inside a window (inclusive), as NAB locates its edges."""
    return bisect.bisect_left(timestamps, window[0]), bisect.bisect_right(timestamps, window[1]) - 1


def scaled_sigmoid(position: float) -> float:
    """NAB's weight of a detection at a relative position: -1 = window start, 0 = window end, > 0 after it."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def nab_raw_score(
    timestamps: Sequence[datetime],
    detections: Sequence[datetime],
    windows: Sequence[Window],
    costs: CostMatrix = STANDARD,
    probation: int | None = None,
) -> float:
    """NAB's raw score of one series for a binary detector (detections = the rows flagged anomalous).

    Follows `Sweeper.calcSweepScore` and `calcScoreByThreshold` at the detector's threshold: each window counts
    its earliest detection, weighted tp * scaledSigmoid(position) / scaledSigmoid(-1), or -fn if undetected;
    each detection outside windows costs fp * scaledSigmoid(rows past the previous window's end / (its width - 1)),
    i.e. the full fp before any window; rows of the probationary period count for nothing.
    """
    probation = probation_length(len(timestamps)) if probation is None else probation
    flagged = set(detections)
    spans = sorted(_window_indices(timestamps, w) for w in windows)
    max_tp = scaled_sigmoid(-1.0)
    window_scores = {i: -costs.fn for i, (left, right) in enumerate(spans) if right >= max(left, probation)}
    fp_total = 0.0
    span_at = 0
    prev_right: int | None = None
    prev_width = 0.0
    for i, ts in enumerate(timestamps):
        while span_at < len(spans) and spans[span_at][1] < i:
            prev_right, prev_width = spans[span_at][1], float(spans[span_at][1] - spans[span_at][0] + 1)
            span_at += 1
        if i < probation or ts not in flagged:
            continue
        inside = span_at < len(spans) and spans[span_at][0] <= i
        if inside:
            left, right = spans[span_at]
            weight = scaled_sigmoid(-(right - i + 1) / float(right - left + 1)) * costs.tp / max_tp
            window_scores[span_at] = max(window_scores[span_at], weight)
        else:
            position = 3.0 if prev_right is None else abs(prev_right - i) / max(prev_width - 1, 1.0)
            fp_total += scaled_sigmoid(position) * costs.fp
    return sum(window_scores.values()) + fp_total


def normalised_score(raw: float, null: float, perfect: float) -> float:
    """NAB's reported score: 100 * (raw - null) / (perfect - null); perfect = windows * tp weight."""
    return 100.0 * (raw - null) / (perfect - null) if perfect != null else 0.0


def evaluate_series(
    name: str,
    timestamps: Sequence[datetime],
    alerts: Sequence[datetime],
    windows: Sequence[Window],
    labels: Sequence[datetime] = (),
    costs: CostMatrix = STANDARD,
) -> SeriesResult:
    """Window hits, false alerts and lags of grouped alerts, counted after NAB's probationary period.

    Lags run from the window start and, where a window holds a labelled point, from its first label (negative =
    before the label). Alerts are snapped to the first row at or after them for NAB's scorer, which only sees rows.
    """
    probation = probation_length(len(timestamps))
    start = timestamps[probation]
    scored = [a for a in alerts if a >= start]
    hits, lags, label_lags = 0, [], []
    for window in windows:
        inside = [a for a in scored if window[0] <= a <= window[1]]
        marked = [t for t in labels if window[0] <= t <= window[1]]
        if inside:
            hits += 1
            lags.append(min(inside) - window[0])
            if marked:
                label_lags.append(min(inside) - min(marked))
    false_alerts = sum(1 for a in scored if not any(w[0] <= a <= w[1] for w in windows))
    rows = [timestamps[min(bisect.bisect_left(timestamps, a), len(timestamps) - 1)] for a in alerts]
    return SeriesResult(
        name=name,
        windows_total=len(windows),
        windows_hit=hits,
        false_alerts=false_alerts,
        series_weeks=(timestamps[-1] - start) / WEEK,
        lags=tuple(lags),
        label_lags=tuple(label_lags),
        nab_raw=nab_raw_score(timestamps, rows, windows, costs, probation),
        nab_null=nab_raw_score(timestamps, [], windows, costs, probation),
        nab_perfect=len(windows) * costs.tp,
    )
