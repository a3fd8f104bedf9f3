"""Forecasts of a weekly metric's next weeks, with prediction intervals from a log-scale regression."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
from scipy import stats

MIN_WEEKS = 4  # fewer weeks than this say nothing about what comes next
MIN_WEEKS_FOR_TREND = 8  # below this only a flat level is fitted; a slope from a few weeks is mostly noise
MIN_WEEKS_FOR_SEASONALITY = 104  # two full years before a yearly pattern is estimated
FOURIER_ORDER = 3  # sine/cosine pairs describing the yearly pattern (1, 2 and 3 cycles a year)
WEEKS_PER_YEAR = 365.25 / 7
DEFAULT_LEVEL = 0.8
MAX_HORIZON = 104

Method = Literal["flat level", "trend", "trend and seasonality"]


@dataclass(frozen=True)
class WeekForecast:
    """One future week: its start date, the point forecast (a median) and the prediction interval."""

    week: date
    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Forecast:
    """The forecast weeks, the interval level, how many weeks of history were used and which model."""

    weeks: tuple[WeekForecast, ...]
    level: float
    history: int
    method: Method
    description: str


def choose_method(weeks: int) -> Method:
    """The model a history of `weeks` weeks supports: flat level, trend, or trend and yearly seasonality."""
    if weeks >= MIN_WEEKS_FOR_SEASONALITY:
        return "trend and seasonality"
    if weeks >= MIN_WEEKS_FOR_TREND:
        return "trend"
    return "flat level"


def design_matrix(t: np.ndarray, method: Method) -> np.ndarray:
    """Regression columns for week offsets `t` (weeks since the first observed week).

    An intercept always; a linear trend (in years, for conditioning) unless the method is a flat level; and
    `FOURIER_ORDER` sine/cosine pairs with a one-year period for the seasonal method.
    """
    t = np.asarray(t, dtype=float)
    columns = [np.ones_like(t)]
    if method != "flat level":
        columns.append(t / WEEKS_PER_YEAR)
    if method == "trend and seasonality":
        for k in range(1, FOURIER_ORDER + 1):
            angle = 2 * math.pi * k * t / WEEKS_PER_YEAR
            columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def ols_prediction(
    x: np.ndarray, y: np.ndarray, x_new: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ordinary least squares of `y` on `x`; (mean, lower, upper) prediction intervals for the rows of `x_new`.

    The interval is mean ± t(level, n - p) · s · √(1 + x₀ (XᵀX)⁻¹ x₀ᵀ): the residual spread of a new
    observation plus the uncertainty of the fitted coefficients. Solved through a QR decomposition.
    """
    n, p = x.shape
    if n <= p:
        raise ValueError(f"{n} observations can't fit {p} coefficients; pass more observations than coefficients.")
    q, r = np.linalg.qr(x)
    beta = np.linalg.solve(r, q.T @ y)
    residuals = y - x @ beta
    dof = n - p
    sigma = math.sqrt(float(residuals @ residuals) / dof)
    leverage = np.linalg.solve(r.T, x_new.T)  # R⁻ᵀ x₀ᵀ, so x₀(XᵀX)⁻¹x₀ᵀ is its squared column norm
    spread = sigma * np.sqrt(1.0 + np.sum(leverage**2, axis=0))
    mean = x_new @ beta
    half = float(stats.t.ppf((1 + level) / 2, dof)) * spread
    return mean, mean - half, mean + half


def _validated(weeks: Sequence[date], values: Sequence[float], horizon: int, level: float) -> list[tuple[date, float]]:
    if len(weeks) != len(values):
        raise ValueError(f"got {len(weeks)} week dates but {len(values)} values; pass one value per week start date.")
    if len(weeks) < MIN_WEEKS:
        raise ValueError(f"only {len(weeks)} weeks of history; pass at least {MIN_WEEKS} weekly totals to forecast.")
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Integral) or not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon must be a whole number of weeks from 1 to {MAX_HORIZON}; got {horizon!r}.")
    if not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, e.g. 0.8 for 80% intervals; got {level!r}.")
    for week, value in zip(weeks, values, strict=True):
        if not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"the value for the week of {week} is {value!r}; pass a finite number (0 if none).")
        if value < 0:
            raise ValueError(f"the value for the week of {week} is negative ({value}); pass totals of 0 or more.")
    series = sorted(zip(weeks, (float(v) for v in values), strict=True))
    for (before, _), (after, _) in zip(series, series[1:], strict=False):
        gap = (after - before).days
        if gap == 0:
            raise ValueError(f"the week of {after} appears twice; pass one total per week.")
        if gap % 7:
            raise ValueError(f"{before} and {after} are {gap} days apart; pass week start dates on the same weekday.")
    return series


def describe(method: Method, history: int, level: float) -> str:
    """One plain line saying what the forecast is based on and what its intervals mean."""
    basis = {
        "flat level": f"the average level of only {history} weeks (too few for a trend; "
        f"{MIN_WEEKS_FOR_TREND} are needed)",
        "trend": f"the trend of {history} weeks (seasonality needs {MIN_WEEKS_FOR_SEASONALITY} weeks, two years)",
        "trend and seasonality": f"the trend and yearly pattern of {history} weeks",
    }[method]
    return f"Forecast from {basis}; each range should hold the actual total in {level:.0%} of weeks."


def forecast(
    weeks: Sequence[date], values: Sequence[float], *, horizon: int = 4, level: float = DEFAULT_LEVEL
) -> Forecast:
    """Forecast the `horizon` weeks after the last of `weeks`, with `level` prediction intervals.

    `values` are weekly totals (engagements, conversions, revenue...) for the weeks starting on `weeks`; gaps
    are allowed but dates must share a weekday. The model is least squares on log1p(values) with an intercept,
    a linear trend from `MIN_WEEKS_FOR_TREND` weeks, and a yearly Fourier pattern from
    `MIN_WEEKS_FOR_SEASONALITY` weeks; shorter histories get a flat level. Point forecasts and bounds are
    back-transformed with expm1 (so the point is a median, not a mean) and clipped at 0.

    Raises:
        ValueError: with fewer than `MIN_WEEKS` weeks, NaN or negative values, mismatched or repeated weeks,
            a horizon below 1, or a level outside (0, 1).
    """
    series = _validated(weeks, values, horizon, level)
    first, last = series[0][0], series[-1][0]
    offsets = np.array([(week - first).days / 7 for week, _ in series])
    y = np.log1p(np.array([value for _, value in series]))
    method = choose_method(len(series))
    future = [last + timedelta(weeks=h) for h in range(1, horizon + 1)]
    future_offsets = np.array([(week - first).days / 7 for week in future])
    mean, low, high = ols_prediction(design_matrix(offsets, method), y, design_matrix(future_offsets, method), level)
    back = [np.maximum(np.expm1(a), 0.0) for a in (mean, low, high)]
    rows = tuple(
        WeekForecast(week, float(back[0][i]), float(back[1][i]), float(back[2][i])) for i, week in enumerate(future)
    )
    return Forecast(rows, float(level), len(series), method, describe(method, len(series), level))
