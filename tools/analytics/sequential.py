"""An always-valid A/B test (mixture SPRT): a verdict at any look, with no plan, that peeking cannot inflate.

For the difference in conversion rate d = rate_B - rate_A, estimated as d_hat with variance V (unpooled,
normal approximation), the mixture likelihood ratio against d = d0 with a normal mixing distribution
N(d0, tau^2) over the alternatives is

    L(d0) = sqrt(V / (V + tau^2)) * exp(tau^2 * (d_hat - d0)^2 / (2 V (V + tau^2)))

(Johari, Koomen, Pekelis and Walsh, "Peeking at A/B Tests", KDD 2017; Robbins 1970). Under d = d0 it is a
nonnegative martingale with mean 1, so by Ville's inequality the chance it ever reaches 1/alpha, however often
it is looked at, is at most alpha. The always-valid p-value is min(1, 1 / L(0)) and the always-valid interval
(a confidence sequence) is every d0 with L(d0) < 1/alpha:

    d_hat +- sqrt(V (V + tau^2) / tau^2 * (log((V + tau^2) / V) + 2 log(1 / alpha)))

`tau` is the size of difference the test is tuned to find soonest. It must not be chosen after seeing which
arm leads; the default is a tenth of the pooled rate (a 10% relative lift; of its complement above 50%), which
depends only on the pooled rate, the same whichever arm leads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tools.analytics.ab_test import _check_counts, _check_open_unit

RELATIVE_TAU = 0.10


@dataclass(frozen=True)
class SequentialTest:
    """An always-valid look at B against A: the difference (B minus A), its interval and p-value at this look."""

    rate_a: float
    rate_b: float
    difference: float
    ci_low: float  # (1 - alpha) confidence sequence: covers the true difference at every look at once
    ci_high: float
    p_value: float  # always-valid: P(it ever drops below alpha | no difference) <= alpha
    alpha: float
    tau: float

    @property
    def significant(self) -> bool:
        """Whether this look rejects "no difference" at `alpha` (valid however many looks came before)."""
        return self.p_value < self.alpha


def sequential_test(
    conversions_a: int, n_a: int, conversions_b: int, n_b: int, *, alpha: float = 0.05, tau: float | None = None
) -> SequentialTest:
    """The mixture SPRT's always-valid p-value and confidence sequence for rate_B - rate_A at this look.

    With no spread to measure (no conversions, or all, in both arms) the interval is the widest possible and p is 1.
    """
    _check_counts(conversions_a, n_a, "_a")
    _check_counts(conversions_b, n_b, "_b")
    _check_open_unit("alpha", alpha, "0.05 for a 95% confidence sequence")
    rate_a, rate_b = conversions_a / n_a, conversions_b / n_b
    difference = rate_b - rate_a
    pooled = (conversions_a + conversions_b) / (n_a + n_b)
    if tau is None:
        tau = RELATIVE_TAU * min(pooled, 1 - pooled)
    if not (isinstance(tau, float | int) and math.isfinite(tau) and tau >= 0):
        raise ValueError(f"tau must be a difference in rate above 0, e.g. 0.003, got {tau!r}")
    variance = rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b
    if variance <= 0 or tau <= 0:
        return SequentialTest(rate_a, rate_b, difference, -1.0, 1.0, 1.0, alpha, float(tau))
    tau2 = float(tau) ** 2
    log_ratio = 0.5 * math.log(variance / (variance + tau2)) + tau2 * difference**2 / (2 * variance * (variance + tau2))
    p_value = math.exp(-log_ratio) if log_ratio > 0 else 1.0
    half = math.sqrt(
        variance * (variance + tau2) / tau2 * (math.log((variance + tau2) / variance) - 2 * math.log(alpha))
    )
    return SequentialTest(rate_a, rate_b, difference, difference - half, difference + half, p_value, alpha, float(tau))
