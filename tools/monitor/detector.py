"""Streaming anomaly detector for a listening signal: seasonal robust baseline, severities, early warning."""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import NormalDist
from typing import Literal

import numpy as np

Transform = Literal["sqrt", "log1p", "identity"]
MAD_TO_SD = 1.4826  # MAD of a normal sample times this estimates its standard deviation
DEFAULT_SEVERITIES = (("SEV3", 4.5), ("SEV2", 8.0), ("SEV1", 12.0))


@dataclass(frozen=True, kw_only=True)
class DetectorConfig:
    """Settings of one detector; the defaults were chosen once for 5-minute mention counts (see README).

    Durations are wall-clock, so the detector works at any sampling interval.

    Attributes:
        transform: variance-stabilising transform of the raw value: "sqrt" for counts (Poisson-like),
            "log1p" for heavy-tailed volumes, "identity" for shares in [0, 1].
        slot_minutes: width of a time-of-day slot of the seasonal baseline.
        split_weekend: keep separate weekday and weekend profiles (falls back to the shared slot until a
            weekend profile has a day of history).
        history: how far back the seasonal medians and the residual scale look.
        level_window: window of the median residual that follows level shifts between seasonal updates.
        min_history: no scores before the detector has seen this much data.
        min_slot_points: a slot needs this many values before its median is trusted.
        tail_quantile: the scale is at least this quantile of recent absolute deviations divided by the matching
            normal quantile, so a series with heavy tails (frequent unlabelled spikes) needs bigger spikes to
            alert; None keeps the plain MAD scale.
        min_scale: floor of the robust scale, in transformed units (0.5 is the Poisson noise of sqrt counts).
        smooth_points: the score is the mean robust z of the last this-many points, so one noisy bin is not an alert.
        severities: (name, cut point) pairs in rising order; the lowest cut point is the alert threshold.
        warn_fraction: a rising score above this fraction of the alert threshold may raise an early warning.
        trend_points: points of the least-squares slope used for the early warning.
        warn_horizon: a warning is raised when the trend reaches the alert threshold within this time.
    """

    transform: Transform = "sqrt"
    slot_minutes: int = 60
    split_weekend: bool = True
    history: timedelta = timedelta(days=14)
    level_window: timedelta = timedelta(hours=24)
    min_history: timedelta = timedelta(days=1)
    min_slot_points: int = 6
    tail_quantile: float | None = 0.99
    min_scale: float = 0.5
    smooth_points: int = 2
    severities: tuple[tuple[str, float], ...] = DEFAULT_SEVERITIES
    warn_fraction: float = 0.4
    trend_points: int = 6
    warn_horizon: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        """Reject settings that cannot work, saying which one and what would."""
        if not self.severities:
            raise ValueError("severities must list at least one (name, cut point) pair, e.g. (('SEV3', 7.0),)")
        cuts = [cut for _, cut in self.severities]
        if any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)) or cuts[0] <= 0:
            raise ValueError(f"severity cut points must be positive and strictly rising, got {cuts}")
        if self.slot_minutes <= 0 or (24 * 60) % self.slot_minutes:
            raise ValueError(f"slot_minutes must divide a day (e.g. 30, 60, 120), got {self.slot_minutes}")
        if self.smooth_points < 1 or self.trend_points < 3 or self.min_slot_points < 1:
            raise ValueError("smooth_points >= 1, trend_points >= 3 and min_slot_points >= 1 are required")
        if not 0 < self.warn_fraction < 1:
            raise ValueError(f"warn_fraction must be between 0 and 1, got {self.warn_fraction}")
        if self.tail_quantile is not None and not 0.5 <= self.tail_quantile < 1:
            raise ValueError(f"tail_quantile must be in [0.5, 1) or None, got {self.tail_quantile}")
        if self.min_scale <= 0:
            raise ValueError(f"min_scale must be positive, got {self.min_scale}")

    @property
    def threshold(self) -> float:
        """The alert threshold: the lowest severity cut point."""
        return self.severities[0][1]


@dataclass(frozen=True)
class DetectorEvent:
    """One alert or early warning at one point of the signal."""

    timestamp: datetime
    kind: Literal["alert", "warning"]
    severity: str
    score: float
    expected: float
    value: float


def stabilise(value: float, transform: Transform) -> float:
    """The value on the variance-stabilised scale the detector works on."""
    if transform == "sqrt":
        return math.sqrt(max(value, 0.0) + 0.375)
    if transform == "log1p":
        return math.log1p(max(value, 0.0))
    return value


def unstabilise(value: float, transform: Transform) -> float:
    """Back from the stabilised scale to the signal's own units."""
    if transform == "sqrt":
        return max(value, 0.0) ** 2 - 0.375
    if transform == "log1p":
        return math.expm1(value)
    return value


def severity_of(score: float, severities: tuple[tuple[str, float], ...]) -> str | None:
    """The highest severity whose cut point the score reaches, or None below the alert threshold."""
    reached = None
    for name, cut in severities:
        if score >= cut:
            reached = name
    return reached


def trend_slope(values: list[float]) -> float:
    """Least-squares slope per point of equally spaced values."""
    n = len(values)
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def robust_scale(values: np.ndarray, tail_quantile: float | None, floor: float) -> float:
    """Noise sd that heavy tails widen: max(1.4826 * MAD, tail quantile of |deviation| / normal equivalent, floor)."""
    deviations = np.abs(values - np.median(values))
    scale = MAD_TO_SD * float(np.median(deviations))
    if tail_quantile is not None:
        normal = NormalDist().inv_cdf(0.5 + tail_quantile / 2)
        scale = max(scale, float(np.quantile(deviations, tail_quantile)) / normal)
    return max(scale, floor)


class _TimedWindow:
    """Values of the last `span` of time, oldest first, with a sorted copy for O(1) medians."""

    def __init__(self, span: timedelta) -> None:
        self.span = span
        self.items: deque[tuple[datetime, float]] = deque()
        self.ordered: list[float] = []

    def add(self, ts: datetime, value: float) -> None:
        self.items.append((ts, value))
        bisect.insort(self.ordered, value)
        self.evict(ts)

    def evict(self, now: datetime) -> None:
        while self.items and now - self.items[0][0] > self.span:
            _, old = self.items.popleft()
            del self.ordered[bisect.bisect_left(self.ordered, old)]

    def median(self) -> float:
        n = len(self.ordered)
        mid = n // 2
        return self.ordered[mid] if n % 2 else (self.ordered[mid - 1] + self.ordered[mid]) / 2

    def covers(self) -> timedelta:
        return self.items[-1][0] - self.items[0][0] if self.items else timedelta(0)


class Detector:
    """Scores each new point against a seasonal robust baseline and reports alerts and early warnings.

    expected = median of the point's time-of-day slot over `history` + median residual over `level_window`;
    score = mean over `smooth_points` of (value - expected) / robust scale, all on the stabilised scale.
    Memory and work per point are bounded by `history` (the scale is refreshed once per slot).
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        cfg = self.config
        self._slots: dict[tuple[int, int], _TimedWindow] = {}
        self._level = _TimedWindow(cfg.level_window)
        self._residuals = _TimedWindow(cfg.history)
        self._zs: deque[float] = deque(maxlen=cfg.smooth_points)
        self._scores: deque[float] = deque(maxlen=cfg.trend_points)
        self._first: datetime | None = None
        self._last: datetime | None = None
        self._step = timedelta(0)
        self._scale: float | None = None
        self._scale_slot: tuple[int, int] | None = None
        self._warned = False

    def update(self, ts: datetime, value: float) -> list[DetectorEvent]:
        """Take the next point (timestamps must rise) and return the events it raises."""
        cfg = self.config
        if self._last is not None and ts <= self._last:
            raise ValueError(f"timestamps must rise: {ts.isoformat()} after {self._last.isoformat()}")
        if not math.isfinite(value):
            raise ValueError(f"value at {ts.isoformat()} is not a finite number: {value!r}")
        if self._last is not None:
            self._step = ts - self._last
        self._first = self._first or ts
        self._last = ts
        y = stabilise(value, cfg.transform)
        slot_key = self._slot_key(ts)
        seasonal = self._seasonal(ts, slot_key)
        events: list[DetectorEvent] = []
        if seasonal is not None:
            level = self._level.median() if self._level.items else 0.0
            self._level.add(ts, y - seasonal)
            residual = y - seasonal - level
            self._residuals.add(ts, residual)
            if ts - self._first >= cfg.min_history:
                events = self._score(ts, value, residual, seasonal + level, slot_key)
        for key in {slot_key, (-1, slot_key[1])}:
            self._slots.setdefault(key, _TimedWindow(cfg.history)).add(ts, y)
        return events

    def _slot_key(self, ts: datetime) -> tuple[int, int]:
        slot = (ts.hour * 60 + ts.minute) // self.config.slot_minutes
        daytype = int(ts.weekday() >= 5) if self.config.split_weekend else -1
        return daytype, slot

    def _seasonal(self, ts: datetime, key: tuple[int, int]) -> float | None:
        """Median of the slot's history, from the weekday/weekend profile once it has a day of data."""
        for candidate in (key, (-1, key[1])):
            window = self._slots.get(candidate)
            if window is None:
                continue
            window.evict(ts)
            if len(window.items) >= self.config.min_slot_points and window.covers() >= timedelta(hours=23):
                return window.median()
        return None

    def _robust_scale(self, slot_key: tuple[int, int]) -> float:
        """Robust spread of recent residuals, refreshed when the slot changes (see `tail_quantile`, `min_scale`)."""
        if self._scale is None or slot_key != self._scale_slot:
            self._scale = robust_scale(
                np.array(self._residuals.ordered), self.config.tail_quantile, self.config.min_scale
            )
            self._scale_slot = slot_key
        return self._scale

    def _score(
        self, ts: datetime, value: float, residual: float, expected: float, slot_key: tuple[int, int]
    ) -> list[DetectorEvent]:
        cfg = self.config
        self._zs.append(residual / self._robust_scale(slot_key))
        score = sum(self._zs) / len(self._zs)
        self._scores.append(score)
        expected_value = unstabilise(expected, cfg.transform)
        severity = severity_of(score, cfg.severities)
        if severity is not None:
            self._warned = True  # no early warning for a rise that has already alerted
            return [DetectorEvent(ts, "alert", severity, score, expected_value, value)]
        floor = cfg.warn_fraction * cfg.threshold
        if score < floor / 2:
            self._warned = False
        if self._warned or score < floor or len(self._scores) < cfg.trend_points or not self._step:
            return []
        slope = trend_slope(list(self._scores))
        horizon_points = cfg.warn_horizon / self._step
        if slope > 0 and score + slope * horizon_points >= cfg.threshold:
            self._warned = True
            return [DetectorEvent(ts, "warning", "warning", score, expected_value, value)]
        return []
