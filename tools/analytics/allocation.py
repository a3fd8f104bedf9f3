"""Where the next dollar should go: diminishing-returns curves per channel and a budget split under constraints."""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

MIN_OBSERVATIONS = 6  # fewer periods than this and a fitted curve is a guess
MIN_SPEND_LEVELS = 3  # a saturating curve needs three distinct spend levels to pin down where it bends
MAX_RELATIVE_WIDTH = 1.0  # thin when the 80% interval at typical (median) spend is wider than this x the prediction
BOOTSTRAP_RESAMPLES = 200
THOMPSON_DRAWS = 4000
LOW_Q, HIGH_Q = 0.1, 0.9  # the 80% intervals
PRIOR_CONVERSIONS = 1.0  # Thompson prior: one conversion's worth of evidence at the pooled cost per conversion
_BISECTION_STEPS = 100


def _response(spend: float | np.ndarray, a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    return a * (1.0 - np.exp(-np.asarray(spend, dtype=float) / b))


@dataclass(frozen=True)
class ResponseCurve:
    """A channel's conversions per period as a * (1 - exp(-spend / b)), with bootstrap (a, b) rows in `draws`.

    `a` is the saturation level and `b` the scale (the spend reaching 63% of it). The history's totals feed the
    explore/exploit split when the curve is not `reliable`; `reason` says why it is not.
    """

    a: float
    b: float
    draws: np.ndarray = field(default_factory=lambda: np.empty((0, 2)), repr=False, compare=False)
    total_spend: float = 0.0
    total_conversions: float = 0.0
    reliable: bool = True
    reason: str = ""

    def predict(self, spend: float | np.ndarray) -> float | np.ndarray:
        """Predicted conversions in a period at `spend`."""
        predicted = _response(spend, self.a, self.b)
        return float(predicted) if predicted.ndim == 0 else predicted

    def marginal(self, spend: float | np.ndarray) -> float | np.ndarray:
        """Extra conversions per extra dollar at `spend` (the curve's slope)."""
        slope = self.a / self.b * np.exp(-np.asarray(spend, dtype=float) / self.b)
        return float(slope) if slope.ndim == 0 else slope

    def predict_draws(self, spend: float) -> np.ndarray:
        """Predicted conversions at `spend` under each bootstrap draw (just the point prediction without draws)."""
        if len(self.draws) == 0:
            return np.array([self.predict(spend)])
        return _response(spend, self.draws[:, 0], self.draws[:, 1])

    def interval(self, spend: float) -> tuple[float, float]:
        """The 80% interval of the predicted conversions at `spend`, over the bootstrap draws."""
        low, high = np.quantile(self.predict_draws(spend), [LOW_Q, HIGH_Q])
        return float(low), float(high)


@dataclass(frozen=True)
class ChannelPlan:
    """One channel's share of the budget and what it should bring.

    For a reliable curve: its prediction, the 80% interval over its bootstrap draws and the marginal cost of
    the last conversion. For a `thin` channel: its past average rate times the amount, that rate's posterior
    80% interval and average cost. `probability_best` is its chance of the best rate (Thompson split only).
    """

    channel: str
    amount: float
    baseline: float  # the budget split like the history's spend (evenly without history), to compare against
    conversions: float
    low: float
    high: float
    cost_per_conversion: float
    bound: Literal["minimum", "cap", ""] = ""  # which constraint holds the amount, if any
    probability_best: float | None = None
    note: str = ""  # with the Thompson split: why the channel's data is thin, or that its curve is fine
    thin: bool = False  # its curve was too uncertain to use, so it is reported at its past average rate


@dataclass(frozen=True)
class Allocation:
    """A budget split across channels, how it was chosen, and the total conversions it should bring."""

    budget: float
    method: Literal["curves", "thompson"]
    channels: tuple[ChannelPlan, ...]
    conversions: float
    low: float
    high: float
    compared_to: str  # what `ChannelPlan.baseline` is: "your past mix" or "an even split"

    @property
    def amounts(self) -> dict[str, float]:
        """Dollars per channel."""
        return {plan.channel: plan.amount for plan in self.channels}

    def plan(self, channel: str) -> ChannelPlan:
        """The plan for one channel by name."""
        return next(plan for plan in self.channels if plan.channel == channel)


def fit_curve(
    spend: Iterable[float],
    conversions: Iterable[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int | np.random.SeedSequence = 0,
) -> ResponseCurve:
    """Fit conversions = a * (1 - exp(-spend / b)) to one channel's periods and bootstrap (a, b).

    Least squares within bounds a in [0, 1000 x the most conversions seen] and b in [0.001, 1000] x the most
    spent, started at a = 1.5 x the most conversions and b = the median spend. Each of `resamples` bootstrap
    fits redraws the periods with replacement (seeded). The curve is not `reliable` with fewer than
    MIN_OBSERVATIONS periods, fewer than MIN_SPEND_LEVELS distinct spends, or an 80% interval at the median
    spend wider than MAX_RELATIVE_WIDTH x the prediction there.

    Raises:
        ValueError: no periods, mismatched lengths, NaN or infinite values, negative numbers, or resamples < 1.
    """
    x, y = (np.asarray(list(values), dtype=float) for values in (spend, conversions))
    if x.ndim != 1 or x.shape != y.shape or len(x) == 0:
        raise ValueError(f"got {len(x)} spends and {len(y)} conversions; pass one of each per period, at least one")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("spend or conversions contain NaN or infinity; drop those periods or fill in real numbers")
    if (x < 0).any() or (y < 0).any():
        raise ValueError("spend and conversions must be >= 0; fix the negative entries (refunds belong elsewhere)")
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples}; pass e.g. {BOOTSTRAP_RESAMPLES}")
    a, b = _fit_params(x, y, (1.5 * y.max(), float(np.median(x))))
    rows = np.random.default_rng(seed).integers(0, len(x), size=(resamples, len(x)))
    draws = np.array([_fit_params(x[row], y[row], (a, b)) for row in rows])
    draws.setflags(write=False)
    reason = _thinness(x, ResponseCurve(a, b, draws))
    return ResponseCurve(a, b, draws, float(x.sum()), float(y.sum()), reliable=not reason, reason=reason)


def fit_curves(
    history: Mapping[str, Iterable[tuple[float, float]]], *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> dict[str, ResponseCurve]:
    """Fit a curve per channel from its (spend, conversions) rows, with independent seeded bootstraps.

    Raises:
        ValueError: a channel has no rows or bad rows (the message names it).
    """
    curves = {}
    for (channel, rows), child in zip(history.items(), np.random.SeedSequence(seed).spawn(len(history)), strict=True):
        rows = list(rows)
        if not rows:
            raise ValueError(f"channel {channel!r} has no history rows; pass (spend, conversions) rows or drop it")
        try:
            curves[channel] = fit_curve([r[0] for r in rows], [r[1] for r in rows], resamples=resamples, seed=child)
        except ValueError as error:
            raise ValueError(f"channel {channel!r}: {error}") from error
    return curves


def _fit_params(x: np.ndarray, y: np.ndarray, start: tuple[float, float]) -> tuple[float, float]:
    scale_x, scale_y = max(float(x.max()), 1.0), max(float(y.max()), 1.0)
    lower, upper = np.array([0.0, 1e-3 * scale_x]), np.array([1e3 * scale_y, 1e3 * scale_x])
    start_at = np.clip(start, lower, upper)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            params, _ = curve_fit(_response, x, y, p0=start_at, bounds=(lower, upper), x_scale="jac")
    except (RuntimeError, ValueError):  # no convergence: keep the start (for a resample, the full-data fit)
        params = start_at
    return float(params[0]), float(params[1])


def _thinness(spend: np.ndarray, curve: ResponseCurve) -> str:
    if len(spend) < MIN_OBSERVATIONS:
        return f"only {len(spend)} periods of history (need {MIN_OBSERVATIONS})"
    if (levels := len(np.unique(spend))) < MIN_SPEND_LEVELS:
        return f"only {levels} distinct spend level(s) (need {MIN_SPEND_LEVELS})"
    typical = float(np.median(spend))
    predicted, (low, high) = curve.predict(typical), curve.interval(typical)
    if high - low > MAX_RELATIVE_WIDTH * predicted:
        return f"80% interval at typical spend ${typical:,.0f} ({low:,.1f}-{high:,.1f}) wider than {predicted:,.1f}"
    return ""


def allocate(
    curves: Mapping[str, ResponseCurve],
    budget: float,
    *,
    minimums: Mapping[str, float] | None = None,
    caps: Mapping[str, float] | None = None,
    seed: int = 0,
    draws: int = THOMPSON_DRAWS,
) -> Allocation:
    """Split a period's budget across channels to maximise predicted conversions, min <= amount <= cap each.

    All curves reliable (`method="curves"`), exact: the objective is concave, so the optimum funds each channel
    until its marginal cost per conversion reaches one common level, clipped to its bounds, and bisection finds
    the level whose amounts add up to the budget. Any curve thin (`method="thompson"`): a channel's share is its
    chance of the best conversions per dollar under a Gamma-Poisson posterior of its totals (`draws` draws from
    `seed`; saturation ignored), and amount = clip(t * share, minimum, cap) with t bisected to meet the budget,
    so what a capped channel cannot take flows to the others by share (anything left, to channels with room).
    Thin channels are reported at their past average rate and its posterior interval, never at their curve.

    Raises:
        ValueError: no channels, unknown channel names, negative or non-finite amounts, a minimum above its
            cap, minimums adding up to more than the budget, or caps adding up to less.
    """
    names, chosen = list(curves), list(curves.values())
    lower, cap = _checked_bounds(names, budget, minimums, caps)
    upper, spent = np.minimum(cap, budget), np.array([c.total_spend for c in chosen])
    baseline = budget * spent / spent.sum() if spent.sum() > 0 else np.full(len(names), budget / len(names))
    thompson = not all(c.reliable for c in chosen)
    if thompson:
        amounts, best, rates = _thompson_split(chosen, (lower, upper), budget, np.random.default_rng(seed), draws)
    else:
        amounts, best, rates = _water_fill(chosen, lower, upper, budget), None, None
    plans, samples = [], []
    for i, (name, curve, amount) in enumerate(zip(names, chosen, amounts.tolist(), strict=True)):
        predicted, sample, cost = _outlook(curve, amount, None if curve.reliable else rates[:, i])
        low, high = np.quantile(sample, [LOW_Q, HIGH_Q]).tolist()
        bound = "cap" if amount >= cap[i] - 1e-6 else "minimum" if lower[i] > 0 and amount <= lower[i] + 1e-6 else ""
        note = "curve reliable; others are thin" if curve.reliable else curve.reason or "fitted curve unreliable"
        extra = (float(best[i]), note, not curve.reliable) if thompson else (None, "", False)
        plans.append(ChannelPlan(name, amount, float(baseline[i]), predicted, low, high, cost, bound, *extra))
        samples.append(sample)
    size = max(len(s) for s in samples)  # channels' draws are independent of each other: pair them by index
    low, high = np.quantile(np.sum([np.resize(s, size) for s in samples], axis=0), [LOW_Q, HIGH_Q]).tolist()
    total, past = sum(p.conversions for p in plans), "your past mix" if spent.sum() > 0 else "an even split"
    return Allocation(budget, "thompson" if thompson else "curves", tuple(plans), total, low, high, past)


def _outlook(curve: ResponseCurve, amount: float, rates: np.ndarray | None) -> tuple[float, np.ndarray, float]:
    """Conversions expected at `amount`, their draws, and the dollars per conversion.

    A reliable curve gives its prediction, bootstrap draws and marginal cost. A thin channel (`rates` are its
    sampled conversions per dollar) gives its past average rate times the amount and the average cost.
    """
    if rates is None:
        slope, predicted, sample = curve.marginal(amount), curve.predict(amount), curve.predict_draws(amount)
    else:
        slope, sample = float(rates.mean()), rates * amount
        predicted = float(sample.mean())
    return predicted, sample, 1 / slope if slope > 0 else math.inf


def _checked_bounds(
    names: list[str], budget: float, minimums: Mapping[str, float] | None, caps: Mapping[str, float] | None
) -> tuple[np.ndarray, np.ndarray]:
    if not names:
        raise ValueError("no channels to allocate between; pass at least one fitted curve")
    _check_amount("budget", budget)
    lower, cap = _per_channel("minimums", minimums, names, 0.0), _per_channel("caps", caps, names, math.inf)
    if above := [n for n, lo, hi in zip(names, lower, cap, strict=True) if lo > hi]:
        raise ValueError(f"minimum above cap for {above}; lower the minimum or raise the cap")
    if lower.sum() > budget:
        raise ValueError(f"minimums add up to ${lower.sum():,.2f}, above the ${budget:,.2f} budget; lower them")
    if cap.sum() < budget:
        raise ValueError(f"caps add up to ${cap.sum():,.2f}, below the ${budget:,.2f} budget; raise them or spend less")
    return lower, cap


def _check_amount(label: str, value: float) -> None:
    if not (isinstance(value, numbers.Real) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{label} must be a finite dollar amount >= 0, got {value!r}; pass e.g. 20000")


def _per_channel(label: str, values: Mapping[str, float] | None, names: list[str], default: float) -> np.ndarray:
    values = dict(values or {})
    if unknown := sorted(set(values) - set(names)):
        raise ValueError(f"{label} name unknown channel(s) {unknown}; use the curves' names {names}")
    for name, value in values.items():
        _check_amount(f"{label}[{name!r}]", value)
    return np.array([float(values.get(name, default)) for name in names])


def _fill(
    amounts_at: Callable[[float], np.ndarray],
    span: tuple[float, float],
    lower: np.ndarray,
    upper: np.ndarray,
    budget: float,
) -> np.ndarray:
    """Amounts clip(amounts_at(level), lower, upper) that sum exactly to the budget.

    `amounts_at` rises with the level; bisection over `span` finds the level where the clipped sum meets the
    budget. What it leaves over (a rounding hair, or more when every rising channel sits at its cap) is spread
    over the channels with room in proportion to that room, so the sum is exact and every bound holds.
    """
    lo, hi = span
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.clip(amounts_at(mid), lower, upper).sum() < budget else (lo, mid)
    amounts = np.clip(amounts_at(lo), lower, upper)
    residual = budget - amounts.sum()
    room = upper - amounts if residual > 0 else amounts - lower
    if residual != 0 and room.sum() > 0:
        amounts = amounts + residual * room / room.sum()
    return np.clip(amounts, lower, upper)


def _water_fill(curves: list[ResponseCurve], lower: np.ndarray, upper: np.ndarray, budget: float) -> np.ndarray:
    a, b = np.array([c.a for c in curves]), np.array([c.b for c in curves])
    with np.errstate(divide="ignore"):
        log_first = np.log(a / b)  # log conversions per dollar at zero spend; -inf for a flat curve
    live = np.isfinite(log_first)
    # At level = log(marginal cost per conversion) a channel spends until its slope falls to exp(-level).
    lows, highs = lower / b - log_first, upper / b - log_first
    span = (float(lows[live].min()) - 1, float(highs[live].max()) + 1) if live.any() else (0.0, 0.0)
    return _fill(lambda level: b * (log_first + level), span, lower, upper, budget)


def _thompson_split(
    curves: list[ResponseCurve], bounds: tuple[np.ndarray, np.ndarray], budget: float, rng: np.random.Generator, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts in proportion to P(best conversions per dollar), those probabilities, and the sampled rates."""
    spend = np.array([c.total_spend for c in curves])
    conversions = np.array([c.total_conversions for c in curves])
    pooled = (conversions.sum() + 1) / (spend.sum() + 1)  # conversions per dollar across channels
    shape, rate = PRIOR_CONVERSIONS + conversions, PRIOR_CONVERSIONS / pooled + spend
    rates = rng.gamma(shape, 1 / rate, size=(n, len(curves)))
    best = np.bincount(rates.argmax(axis=1), minlength=len(curves)) / n
    span = (-50.0, math.log(max(budget, 1.0) / best[best > 0].min()) + 1)
    return _fill(lambda level: best * math.exp(level), span, *bounds, budget), best, rates


def explain(allocation: Allocation) -> list[str]:
    """Short plain-language lines: the expected total and its interval, where money moves and why, thin data."""
    a, thompson = allocation, allocation.method == "thompson"
    lines = [
        f"Put ${a.budget:,.0f} a period across {len(a.channels)} channels for {'roughly' if thompson else 'about'} "
        f"{a.conversions:,.0f} conversions (80% interval {a.low:,.0f}-{a.high:,.0f})."
    ]
    if thompson:
        lines += [f"Data is thin for {p.channel} ({p.note}): explore/exploit split." for p in a.channels if p.thin]
        lines.append(
            "So shares follow each channel's chance of the best cost per conversion (Thompson sampling); thin "
            "channels are counted at their past average cost, a rough guide rather than a curve's prediction."
        )
    for p in sorted(a.channels, key=lambda p: (-p.amount, p.channel)):
        move, cost = p.amount - p.baseline, f"${p.cost_per_conversion:,.2f}"
        cost = cost if math.isfinite(p.cost_per_conversion) else "more than any budget (no conversions expected)"
        change = f"{'+' if move >= 0 else '-'}${abs(move):,.0f} vs {a.compared_to}"
        if p.bound:
            why = f"held at its {p.bound} (a conversion here costs {cost})"
        elif thompson:
            why = f"{p.probability_best:.0%} chance it is the best channel (a conversion here costs {cost})"
        elif p.amount < 0.01:  # under a cent
            why = f"nothing: even its first conversion costs {cost}, more than elsewhere"
        else:
            why = f"funded until the next conversion costs {cost}, level with the other unconstrained channels"
        lines.append(f"{p.channel}: ${p.amount:,.0f} ({change}); {why}; 80% interval {p.low:,.0f}-{p.high:,.0f}.")
    return lines
