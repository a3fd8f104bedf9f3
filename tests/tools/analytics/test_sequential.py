"""The always-valid A/B test: the mixture ratio against numerical integration, and peeking simulated."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from tools.analytics.ab_test import two_proportion_test
from tools.analytics.sequential import sequential_test


def mixture_ratio_by_integration(d_hat: float, variance: float, tau: float, d0: float = 0.0) -> float:
    """The mixture likelihood ratio by quadrature: E over d ~ N(d0, tau^2) of N(d_hat; d, V) / N(d_hat; d0, V)."""
    sd = math.sqrt(variance)

    def integrand(d: float) -> float:
        return stats.norm.pdf(d_hat, d, sd) * stats.norm.pdf(d, d0, tau)

    low, high = d0 - 12 * tau, d0 + 12 * tau
    mixed, _ = integrate.quad(integrand, low, high, points=[d_hat], limit=200)
    return mixed / stats.norm.pdf(d_hat, d0, sd)


@pytest.mark.parametrize(
    ("ca", "na", "cb", "nb"), [(100, 1000, 130, 1000), (30, 500, 45, 520), (300, 10000, 290, 9800)]
)
def test_the_p_value_is_one_over_the_integrated_mixture_ratio(ca, na, cb, nb):
    result = sequential_test(ca, na, cb, nb)
    variance = result.rate_a * (1 - result.rate_a) / na + result.rate_b * (1 - result.rate_b) / nb
    ratio = mixture_ratio_by_integration(result.difference, variance, result.tau)
    assert result.p_value == pytest.approx(min(1.0, 1 / ratio), rel=1e-6)


def test_the_interval_ends_are_exactly_where_the_ratio_reaches_one_over_alpha():
    result = sequential_test(120, 2400, 156, 2380, alpha=0.05)
    variance = result.rate_a * (1 - result.rate_a) / 2400 + result.rate_b * (1 - result.rate_b) / 2380
    for end in (result.ci_low, result.ci_high):
        assert mixture_ratio_by_integration(result.difference, variance, result.tau, d0=end) == pytest.approx(
            20, rel=1e-5
        )
    assert result.ci_low < result.difference < result.ci_high
    assert (result.ci_low > 0) == result.significant  # the interval excludes 0 exactly when p < alpha


def test_peeking_after_every_day_keeps_false_winners_near_alpha_unlike_the_fixed_horizon_test():
    rng = np.random.default_rng(7)
    tests, looks, per_look, rate = 600, 30, 200, 0.05
    conversions = rng.binomial(per_look, rate, size=(tests, looks, 2)).cumsum(axis=1)
    visitors = per_look * np.arange(1, looks + 1)
    always_valid = naive = 0
    for run in conversions:
        looked = [(int(a), int(n), int(b), int(n)) for (a, b), n in zip(run, visitors, strict=True)]
        always_valid += any(sequential_test(*look).significant for look in looked)
        naive += any(two_proportion_test(*look).p_value < 0.05 for look in looked)
    assert always_valid / tests <= 0.05
    assert naive / tests > 0.15  # peeking at a fixed-horizon test: the false winners it was built to stop


def test_a_real_lift_is_found_and_the_interval_covers_it():
    rng = np.random.default_rng(11)
    found = covered = 0
    for _ in range(200):
        a, b = rng.binomial(20000, 0.040), rng.binomial(20000, 0.052)
        result = sequential_test(int(a), 20000, int(b), 20000)
        found += result.significant and result.difference > 0
        covered += result.ci_low <= 0.012 <= result.ci_high
    assert found / 200 > 0.9 and covered / 200 >= 0.95


@pytest.mark.parametrize(
    ("args", "match"),
    [((5, 0, 1, 10), "visitors"), ((11, 10, 1, 10), "conversions"), ((1, 10, 1, 10, 1.5), "alpha")],
)
def test_impossible_counts_are_refused_with_what_to_give(args, match):
    *counts, alpha = args if len(args) == 5 else (*args, 0.05)
    with pytest.raises(ValueError, match=match):
        sequential_test(*counts, alpha=alpha)


def test_no_spread_gives_no_evidence():
    result = sequential_test(0, 100, 0, 120)
    assert result.p_value == 1.0 and not result.significant and (result.ci_low, result.ci_high) == (-1.0, 1.0)
