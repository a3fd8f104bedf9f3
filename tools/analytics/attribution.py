"""Multi-touch attribution: how much of each conversion, and of its value, each marketing channel earned."""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

import numpy as np

HALF_LIFE = timedelta(days=7)
POSITION_WEIGHTS = (0.4, 0.2, 0.4)  # first touch, middle touches (shared), last touch

Credits = dict[str, float]


@dataclass(frozen=True)
class Touch:
    """One contact between a customer and a channel, at a moment in time."""

    channel: str
    at: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.channel, str) or not self.channel:
            raise ValueError(f"a touch needs a channel; pass a non-empty channel name, not {self.channel!r}")
        if not isinstance(self.at, datetime):
            raise ValueError(f"a touch's time must be a datetime, not {type(self.at).__name__}")


@dataclass(frozen=True)
class Path:
    """One customer journey: its touches, whether it ended in a conversion, and that conversion's value.

    Touches given out of time order are sorted (stably: simultaneous touches keep the order given), so a
    path's last touch is always its latest. The value is ignored on a path that did not convert.
    """

    touchpoints: tuple[Touch, ...]
    converted: bool
    value: float = 0.0

    def __post_init__(self) -> None:
        touches = tuple(self.touchpoints)
        if not all(isinstance(touch, Touch) for touch in touches):
            raise ValueError("a path's touchpoints must be Touch(channel, at) objects")
        try:
            object.__setattr__(self, "touchpoints", tuple(sorted(touches, key=lambda touch: touch.at)))
        except TypeError:
            raise ValueError("touch times mix timezone-aware and naive datetimes; make them all aware") from None
        if self.converted and not touches:
            raise ValueError("a converting path has no touchpoints; pass the touches that led to it or converted=False")
        if not isinstance(self.value, numbers.Real) or not math.isfinite(self.value) or self.value < 0:
            raise ValueError(f"a path's value is its revenue; pass a finite number >= 0, not {self.value!r}")


def last_touch(paths: Iterable[Path], *, by_value: bool = False) -> Credits:
    """All of each conversion to the path's last touch.

    Every model returns credit for every channel seen on any path (0.0 if it earned none): credited
    conversions, or with `by_value` credited value. A channel touched twice on a path is credited per touch.
    """
    return _credit(paths, lambda touches: np.eye(len(touches))[-1], by_value)


def first_touch(paths: Iterable[Path], *, by_value: bool = False) -> Credits:
    """All of each conversion to the path's first touch."""
    return _credit(paths, lambda touches: np.eye(len(touches))[0], by_value)


def linear(paths: Iterable[Path], *, by_value: bool = False) -> Credits:
    """Each conversion shared equally among the path's touches (a channel touched twice gets two shares)."""
    return _credit(paths, lambda touches: np.full(len(touches), 1.0 / len(touches)), by_value)


def time_decay(paths: Iterable[Path], *, half_life: timedelta = HALF_LIFE, by_value: bool = False) -> Credits:
    """Each conversion shared in proportion to 2^(-age / half_life), age measured back from the last touch.

    The conversion is taken to happen at the last touch, so that touch always weighs 1 and a touch one
    half-life earlier weighs 1/2. Touches at the same moment weigh the same, as in `linear`.
    """
    if not isinstance(half_life, timedelta) or half_life <= timedelta(0):
        raise ValueError(f"half_life must be a positive timedelta such as timedelta(days=7), not {half_life!r}")

    def shares(touches: tuple[Touch, ...]) -> np.ndarray:
        weights = np.exp2([-((touches[-1].at - touch.at) / half_life) for touch in touches])
        return weights / weights.sum()

    return _credit(paths, shares, by_value)


def position_based(
    paths: Iterable[Path], *, weights: tuple[float, float, float] = POSITION_WEIGHTS, by_value: bool = False
) -> Credits:
    """Each conversion split (first, middle, last): by default 40% first touch, 40% last, 20% shared by the rest.

    A one-touch path gives that touch 100%. A two-touch path has no middle, so the middle share is split
    evenly between its two touches (50/50 with the default weights).
    """
    if len(weights) != 3 or any(not math.isfinite(w) or w < 0 for w in weights) or abs(sum(weights) - 1) > 1e-9:
        raise ValueError(f"weights must be three shares (first, middle, last), each >= 0, that sum to 1; got {weights}")
    first, middle, last = (float(w) for w in weights)

    def shares(touches: tuple[Touch, ...]) -> np.ndarray:
        n = len(touches)
        if n == 1:
            return np.ones(1)
        if n == 2:
            return np.array([first + middle / 2, last + middle / 2])
        return np.array([first, *[middle / (n - 2)] * (n - 2), last])

    return _credit(paths, shares, by_value)


def removal_effects(paths: Iterable[Path]) -> Credits:
    """Each channel's removal effect in a first-order Markov chain of all paths, converting or not.

    States are start, one per channel, conversion and null (no conversion); transition probabilities are
    the observed transition counts normalised per state. The removal effect of a channel is
    1 - P(conversion with that channel removed) / P(conversion), where removing it redirects every transition
    into it to null. A channel is one state however often it is touched: a repeat later on a path is a return
    to that state, and back-to-back repeats are self-loops, which change no conversion probability.
    Probabilities are exact: the conversion column of the absorbing chain's N R, N = (I - Q)^-1, by a
    linear solve. All effects are 0 when nothing converted.
    """
    paths = _checked(paths)
    channels = _channels(paths)
    q, to_conversion = _chain(paths, channels)
    baseline = _conversion_probability(q, to_conversion, removed=None)
    if baseline <= 0:
        return dict.fromkeys(channels, 0.0)
    return {
        channel: min(max(1.0 - _conversion_probability(q, to_conversion, removed=i + 1) / baseline, 0.0), 1.0)
        for i, channel in enumerate(channels)
    }


def markov(paths: Iterable[Path], *, by_value: bool = False) -> Credits:
    """Data-driven credit: removal effects (see `removal_effects`) scaled to sum to the conversions or value.

    Being first-order, the chain can credit a channel seen only on non-converting paths when it leads into a
    channel that converts elsewhere; a channel that leads only to null earns nothing.
    """
    paths = _checked(paths)
    effects = removal_effects(paths)
    total = _total(paths, by_value)
    scale = sum(effects.values())
    if scale <= 0 or total <= 0:
        return dict.fromkeys(effects, 0.0)
    return {channel: total * effect / scale for channel, effect in effects.items()}


_MODELS: dict[str, Callable[..., Credits]] = {
    "last_touch": last_touch,
    "first_touch": first_touch,
    "linear": linear,
    "time_decay": time_decay,
    "position_based": position_based,
    "markov": markov,
}
MODEL_NAMES = tuple(_MODELS)


def attribute(paths: Iterable[Path], model: str, **options: object) -> Credits:
    """Credit by the model named `model` (one of MODEL_NAMES), passing it `options` such as `by_value=True`."""
    if model not in _MODELS:
        raise ValueError(f"unknown attribution model {model!r}; pass one of: {', '.join(MODEL_NAMES)}")
    rule = _MODELS[model]
    accepted = [name for name in inspect.signature(rule).parameters if name != "paths"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(f"model {model!r} takes no option {', '.join(unknown)}; it accepts: {', '.join(accepted)}")
    return rule(paths, **options)


def _checked(paths: Iterable[Path]) -> tuple[Path, ...]:
    paths = tuple(paths)
    for path in paths:
        if not isinstance(path, Path):
            raise ValueError(f"pass Path(touchpoints, converted, value) objects, not {type(path).__name__}")
    return paths


def _channels(paths: tuple[Path, ...]) -> list[str]:
    return sorted({touch.channel for path in paths for touch in path.touchpoints})


def _total(paths: tuple[Path, ...], by_value: bool) -> float:
    return float(sum(path.value if by_value else 1.0 for path in paths if path.converted))


def _credit(paths: Iterable[Path], shares: Callable[[tuple[Touch, ...]], np.ndarray], by_value: bool) -> Credits:
    """Sum, per channel, each converting path's per-touch shares times one conversion (or its value)."""
    paths = _checked(paths)
    credit = dict.fromkeys(_channels(paths), 0.0)
    for path in paths:
        if not path.converted:
            continue
        amount = path.value if by_value else 1.0
        for touch, weight in zip(path.touchpoints, shares(path.touchpoints), strict=True):
            credit[touch.channel] += amount * float(weight)
    return credit


def _chain(paths: tuple[Path, ...], channels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Transient-to-transient probabilities Q (state 0 is start) and each transient state's P(converting next)."""
    state = {channel: i + 1 for i, channel in enumerate(channels)}
    transient = len(channels) + 1
    counts = np.zeros((transient, transient + 2))  # last two columns: conversion, null
    for path in paths:
        end = transient if path.converted else transient + 1
        for here, there in pairwise([0, *(state[touch.channel] for touch in path.touchpoints), end]):
            counts[here, there] += 1
    totals = counts.sum(axis=1, keepdims=True)
    probabilities = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    return probabilities[:, :transient], probabilities[:, transient]


def _conversion_probability(q: np.ndarray, to_conversion: np.ndarray, removed: int | None) -> float:
    """P(absorbed in conversion from start): solve (I - Q) x = r, the conversion column of (I - Q)^-1 R."""
    q, to_conversion = q.copy(), to_conversion.copy()
    if removed is not None:  # everything entering the removed state now ends in null
        q[removed, :] = 0.0
        to_conversion[removed] = 0.0
    return float(np.linalg.solve(np.eye(len(q)) - q, to_conversion)[0])
