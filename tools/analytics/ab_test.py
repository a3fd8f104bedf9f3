"""A/B tests of conversion rates: sample size, a two-proportion z-test, Beta posteriors and a fixed-horizon verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Literal

import numpy as np
from scipy import integrate, special

UNIFORM_PRIOR: Prior = (1.0, 1.0)  # Beta(1, 1): every conversion rate equally likely before any data
LIFT_DRAWS = 200_000  # Monte Carlo draws per arm for the lift interval: its bounds move by well under 1% between seeds
_TAIL = 1e-13  # posterior mass left outside the integration window

Status = Literal["too_early", "b_wins", "a_wins", "no_difference"]
Prior = tuple[float, float]  # Beta(alpha, beta) parameters shared by both arms


def _check_open_unit(name: str, value: float, example: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a number strictly between 0 and 1 (e.g. {example}), got {value!r}")


def _check_counts(conversions: int, visitors: int, suffix: str, *, allow_empty: bool = False) -> None:
    conv_name, visitors_name = f"conversions{suffix}", ("visitors" if not suffix else f"n{suffix}")
    for name, value in ((conv_name, conversions), (visitors_name, visitors)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise ValueError(f"{name} must be a whole number (a count of visitors or conversions), got {value!r}")
        if value < 0:
            raise ValueError(f"{name} must be zero or more, got {value}; pass raw counts, not changes between days")
    if visitors == 0 and not allow_empty:
        raise ValueError(f"{visitors_name} is 0: that version has had no visitors yet; analyse once both versions have")
    if conversions > visitors:
        raise ValueError(
            f"{conv_name} ({conversions}) is larger than {visitors_name} ({visitors}); pass the visitors (or "
            f"impressions) as {visitors_name} and only those who converted (or clicked) as {conv_name}"
        )


def _target_rates(baseline_rate: float, minimum_detectable_effect: float, relative: bool) -> tuple[float, float]:
    _check_open_unit("baseline_rate", baseline_rate, "0.05 for a 5% conversion rate")
    if isinstance(minimum_detectable_effect, bool) or not minimum_detectable_effect > 0:
        raise ValueError(
            f"minimum_detectable_effect must be a positive number, got {minimum_detectable_effect!r}; pass the "
            "smallest change worth detecting, e.g. 0.01 for one percentage point or 0.1 with relative=True for +10%"
        )
    target = baseline_rate * (1 + minimum_detectable_effect) if relative else baseline_rate + minimum_detectable_effect
    if target >= 1.0:
        kind = "relative" if relative else "absolute"
        raise ValueError(
            f"a baseline of {baseline_rate} plus a {kind} effect of {minimum_detectable_effect} gives a rate of "
            f"{target:g}, not below 1; pass a smaller effect (absolute effects are in rate units: 0.02 = 2 points)"
        )
    return baseline_rate, target


def sample_size(
    baseline_rate: float,
    minimum_detectable_effect: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
    two_sided: bool = True,
) -> int:
    """Visitors needed per arm to detect a change from `baseline_rate` with the two-proportion z-test.

    The effect is absolute (0.02 = two percentage points) unless `relative` (0.2 = a 20% lift). Uses
    n = (z_alpha * sqrt(2 pbar (1 - pbar)) + z_power * sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p2 - p1)^2,
    pbar the mean of p1 and p2, z_alpha = z_{1 - alpha/2} (two-sided) or z_{1 - alpha}, rounded up.
    """
    p1, p2 = _target_rates(baseline_rate, minimum_detectable_effect, relative)
    _check_open_unit("alpha", alpha, "0.05 for a 5% false-positive risk")
    _check_open_unit("power", power, "0.8 to catch a real effect 80% of the time")
    z_alpha = special.ndtri(1 - alpha / 2 if two_sided else 1 - alpha)
    z_power = special.ndtri(power)
    pbar = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * pbar * (1 - pbar)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(root**2 / (p2 - p1) ** 2 - 1e-9)  # the tolerance keeps float noise from adding a visitor


@dataclass(frozen=True)
class TestPlan:
    """A fixed-horizon design: look once, when both arms have had `n_per_arm` visitors; `mde` is absolute."""

    __test__ = False  # a dataclass, not something for pytest to collect

    baseline_rate: float
    mde: float  # smallest absolute change in rate worth detecting (0.02 = two percentage points)
    alpha: float
    power: float
    n_per_arm: int

    def __post_init__(self) -> None:
        _target_rates(self.baseline_rate, self.mde, relative=False)
        _check_open_unit("alpha", self.alpha, "0.05")
        _check_open_unit("power", self.power, "0.8")
        if isinstance(self.n_per_arm, bool) or not isinstance(self.n_per_arm, Integral) or self.n_per_arm < 1:
            raise ValueError(f"n_per_arm must be a whole number of at least 1, got {self.n_per_arm!r}; use plan_test()")


def plan_test(
    baseline_rate: float,
    minimum_detectable_effect: float,
    *,
    relative: bool = False,
    alpha: float = 0.05,
    power: float = 0.8,
) -> TestPlan:
    """A two-sided test plan (`analyse` runs a two-sided test, so a one-sided size would leave it underpowered)."""
    mde = baseline_rate * minimum_detectable_effect if relative else minimum_detectable_effect
    n = sample_size(baseline_rate, minimum_detectable_effect, relative=relative, alpha=alpha, power=power)
    return TestPlan(baseline_rate=baseline_rate, mde=mde, alpha=alpha, power=power, n_per_arm=n)


@dataclass(frozen=True)
class ProportionTest:
    """Two-proportion z-test of B against A: difference is B minus A, the interval is for that difference."""

    rate_a: float
    rate_b: float
    difference: float
    relative_lift: float | None  # difference / rate_a; None when A has no conversions
    z: float  # pooled standard error, as the test's null hypothesis assumes equal rates
    p_value: float  # two-sided
    alpha: float
    ci_low: float  # (1 - alpha) Wald interval, unpooled standard error
    ci_high: float


def two_proportion_test(
    conversions_a: int, n_a: int, conversions_b: int, n_b: int, *, alpha: float = 0.05
) -> ProportionTest:
    """Pooled z-test and Wald interval for the difference in conversion rate (B minus A).

    When no visitor or every visitor converted in both arms there is no spread to test against: z is 0, p is 1.
    """
    _check_counts(conversions_a, n_a, "_a")
    _check_counts(conversions_b, n_b, "_b")
    _check_open_unit("alpha", alpha, "0.05 for a 95% confidence interval")
    rate_a, rate_b = conversions_a / n_a, conversions_b / n_b
    difference = rate_b - rate_a
    pooled = (conversions_a + conversions_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = difference / se_pooled if se_pooled > 0 else 0.0
    half = float(special.ndtri(1 - alpha / 2)) * math.sqrt(rate_a * (1 - rate_a) / n_a + rate_b * (1 - rate_b) / n_b)
    lift = difference / rate_a if rate_a > 0 else None
    p_value = float(2 * special.ndtr(-abs(z)))
    return ProportionTest(rate_a, rate_b, difference, lift, z, p_value, alpha, difference - half, difference + half)


def beta_posterior(conversions: int, visitors: int, *, prior: Prior = UNIFORM_PRIOR) -> tuple[float, float]:
    """Beta(prior[0] + conversions, prior[1] + non-conversions) parameters of one arm's conversion rate."""
    _check_counts(conversions, visitors, "", allow_empty=True)
    if len(prior) != 2 or not all(isinstance(p, Real) and p > 0 for p in prior):
        raise ValueError(f"prior must be two positive Beta parameters, e.g. (1, 1) for a uniform prior, got {prior!r}")
    return prior[0] + conversions, prior[1] + visitors - conversions


def probability_b_beats_a(
    conversions_a: int, n_a: int, conversions_b: int, n_b: int, *, prior: Prior = UNIFORM_PRIOR
) -> float:
    """Posterior probability that B's true rate is higher than A's, by numerical integration (no sampling).

    P(B > A) = integral of A's posterior density times B's posterior survival function, taken over the window
    holding all but 2e-13 of A's posterior, so it stays accurate however far apart or lopsided the arms are.
    """
    _check_counts(conversions_a, n_a, "_a", allow_empty=True)  # name the arm in any error
    _check_counts(conversions_b, n_b, "_b", allow_empty=True)
    a1, a2 = beta_posterior(conversions_a, n_a, prior=prior)
    b1, b2 = beta_posterior(conversions_b, n_b, prior=prior)
    low, high = special.betaincinv(a1, a2, _TAIL), special.betaincinv(a1, a2, 1 - _TAIL)
    log_norm = special.betaln(a1, a2)

    def integrand(x: float) -> float:
        density = math.exp((a1 - 1) * math.log(x) + (a2 - 1) * math.log1p(-x) - log_norm)
        return density * special.betaincc(b1, b2, x)

    b_mean = b1 / (b1 + b2)
    points = [b_mean] if low < b_mean < high else None  # where B's survival function drops from 1 to 0
    value, _ = integrate.quad(integrand, low, high, points=points, epsabs=1e-12, epsrel=1e-10, limit=200)
    return min(max(value, 0.0), 1.0)


@dataclass(frozen=True)
class BayesianResult:
    """Beta posteriors of both arms, equal-tailed credible intervals, and how likely B is the better version."""

    posterior_a: Prior  # Beta parameters, of the same shape as a prior
    posterior_b: Prior
    credibility: float
    rate_a_interval: tuple[float, float]
    rate_b_interval: tuple[float, float]
    lift_interval: tuple[float, float]  # of rate_b / rate_a - 1, from `draws` seeded Monte Carlo draws per arm
    probability_b_beats_a: float  # exact
    expected_loss_b: float  # E[max(rate_a - rate_b, 0)]: rate given up, on average, by choosing B (Monte Carlo)
    draws: int


def bayesian_test(
    conversions_a: int,
    n_a: int,
    conversions_b: int,
    n_b: int,
    *,
    prior: Prior = UNIFORM_PRIOR,
    credibility: float = 0.95,
    draws: int = LIFT_DRAWS,
    seed: int = 0,
) -> BayesianResult:
    """Bayesian comparison of B with A; the same seed and draws give the same lift interval and expected loss."""
    _check_open_unit("credibility", credibility, "0.95 for a 95% credible interval")
    if isinstance(draws, bool) or not isinstance(draws, Integral) or draws < 1000:
        raise ValueError(f"draws must be a whole number of at least 1000, got {draws!r}; the default is {LIFT_DRAWS}")
    post_a, post_b = beta_posterior(conversions_a, n_a, prior=prior), beta_posterior(conversions_b, n_b, prior=prior)
    tails = ((1 - credibility) / 2, (1 + credibility) / 2)
    rng = np.random.default_rng(seed)
    rate_a, rate_b = rng.beta(*post_a, size=draws), rng.beta(*post_b, size=draws)
    lift_low, lift_high = np.quantile(rate_b / rate_a - 1, tails)
    interval_a, interval_b = (tuple(special.betaincinv(*post, tails).tolist()) for post in (post_a, post_b))
    chance = probability_b_beats_a(conversions_a, n_a, conversions_b, n_b, prior=prior)
    loss = float(np.mean(np.maximum(rate_a - rate_b, 0.0)))
    lift = (float(lift_low), float(lift_high))
    return BayesianResult(post_a, post_b, credibility, interval_a, interval_b, lift, chance, loss, draws)


@dataclass(frozen=True)
class Verdict:
    """What to do with a running test: `status` for code, `summary` for the marketer, and the numbers behind them."""

    status: Status
    summary: str
    n_per_arm: int
    visitors_needed: int  # more visitors still needed, both arms together; 0 once the horizon is reached
    test: ProportionTest
    probability_b_beats_a: float | None  # None before the horizon: a running "chance to win" invites peeking too


def chance_words(probability: float) -> str:
    """A probability in words, without claiming certainty: "more than 99.9%", "97.5%", "less than 0.1%"."""
    if probability > 0.999:
        return "more than 99.9%"
    return "less than 0.1%" if probability < 0.001 else f"{probability:.1%}"


def analyse(plan: TestPlan, conversions_a: int, n_a: int, conversions_b: int, n_b: int) -> Verdict:
    """Verdict on the test so far; no winner is called before both arms have had `plan.n_per_arm` visitors.

    The first verdict at or past that horizon is the decision. The function keeps no memory, so running it again
    later and acting on a changed answer is peeking after the horizon: decide once, then stop the test. The
    probability that B beats A uses the uniform prior.
    """
    test = two_proportion_test(conversions_a, n_a, conversions_b, n_b, alpha=plan.alpha)
    needed = max(plan.n_per_arm - n_a, 0) + max(plan.n_per_arm - n_b, 0)
    if needed:
        summary = (
            f"Too early to call, so not significant yet: keep the test running until both versions have had "
            f"{plan.n_per_arm:,} visitors each ({needed:,} more in total). Picking a winner whenever the numbers "
            f"look good before then makes a false winner far more likely than the {plan.alpha * 100:g}% risk planned."
        )
        return Verdict("too_early", summary, plan.n_per_arm, needed, test, None)
    chance_b = probability_b_beats_a(conversions_a, n_a, conversions_b, n_b)
    digits = 2 if plan.mde < 0.01 or min(test.rate_a, test.rate_b) < 0.01 else 1

    def pct(value: float) -> str:
        return f"{value * 100:.{digits}f}"

    interval = f"{(1 - plan.alpha) * 100:g}% confidence interval"
    status: Status
    if test.p_value < plan.alpha:
        b_won = test.difference > 0
        status = "b_wins" if b_won else "a_wins"
        win, lose = ("B", "A") if b_won else ("A", "B")
        rate = {"A": test.rate_a, "B": test.rate_b}
        gap_low, gap_high = (test.ci_low, test.ci_high) if b_won else (-test.ci_high, -test.ci_low)
        summary = (
            f"Version {win} wins: it converted {pct(rate[win])}% of visitors against {pct(rate[lose])}% for {lose}, "
            f"{pct(abs(test.difference))} percentage points more ({interval}: {pct(gap_low)} to {pct(gap_high)} "
            f"points). There is a {chance_words(chance_b if b_won else 1 - chance_b)} chance that {win} truly converts "
            f"better than {lose}."
        )
    else:
        status = "no_difference"
        summary = (
            f"No detectable difference of at least {pct(plan.mde)} percentage points: A converted {pct(test.rate_a)}% "
            f"and B {pct(test.rate_b)}% ({interval} for B minus A: {pct(test.ci_low)} to {pct(test.ci_high)} points). "
            f"The test was sized to catch a difference that large {plan.power:.0%} of the time; a smaller one may "
            f"still exist. B has a {chance_words(chance_b)} chance of being the better version."
        )
    return Verdict(status, summary, plan.n_per_arm, 0, test, chance_b)
