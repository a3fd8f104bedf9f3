"""A/B test statistics checked against statsmodels, closed forms, Monte Carlo and simulated A/A tests."""

import math

import numpy as np
import pytest
from scipy import integrate, special, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize, proportions_ztest

from tools.analytics.ab_test import (
    TestPlan,
    analyse,
    bayesian_test,
    beta_posterior,
    plan_test,
    probability_b_beats_a,
    sample_size,
    two_proportion_test,
)

Z_975 = 1.959963984540054  # z_{1 - 0.05/2}
Z_95 = 1.6448536269514722  # z_{1 - 0.05}
Z_80 = 0.8416212335729143  # z_{0.8}
COUNTS = [(100, 1000, 130, 1000), (30, 500, 45, 520), (5, 40, 1, 37), (2000, 20000, 1950, 21000), (0, 50, 3, 60)]


def formula_n(p1, p2, z_alpha, z_power):
    pbar = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * pbar * (1 - pbar)) + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return root**2 / (p2 - p1) ** 2


def miller_closed_form(posterior_a, posterior_b):
    """Evan Miller's exact P(B > A) for Beta posteriors, valid when B's first parameter is a whole number."""
    (a1, a2), (b1, b2) = posterior_a, posterior_b
    i = np.arange(int(b1))
    terms = special.betaln(a1 + i, a2 + b2) - np.log(b2 + i) - special.betaln(1 + i, b2) - special.betaln(a1, a2)
    return float(np.exp(terms).sum())


# Design


def test_sample_size_matches_the_standard_formula():
    assert formula_n(0.10, 0.12, Z_975, Z_80) == pytest.approx(3840.85, abs=0.01)
    assert sample_size(0.10, 0.02) == 3841
    assert sample_size(0.05, 0.01) == math.ceil(formula_n(0.05, 0.06, Z_975, Z_80)) == 8158
    assert sample_size(0.10, 0.02, two_sided=False) == math.ceil(formula_n(0.10, 0.12, Z_95, Z_80))
    assert sample_size(0.30, 0.05, alpha=0.01, power=0.9) == math.ceil(
        formula_n(0.30, 0.35, stats.norm.ppf(0.995), stats.norm.ppf(0.9))
    )


@pytest.mark.parametrize(("baseline", "mde"), [(0.10, 0.02), (0.05, 0.01), (0.30, 0.05), (0.02, 0.005)])
def test_sample_size_is_within_two_percent_of_statsmodels_arcsine_power(baseline, mde):
    # statsmodels sizes on Cohen's h (arcsine-transformed rates), so it agrees closely but not exactly
    effect = proportion_effectsize(baseline + mde, baseline)
    reference = NormalIndPower().solve_power(effect, alpha=0.05, power=0.8, ratio=1.0)
    assert sample_size(baseline, mde) == pytest.approx(reference, rel=0.02)


def test_relative_mde_is_a_fraction_of_the_baseline():
    assert sample_size(0.10, 0.20, relative=True) == sample_size(0.10, 0.02) == 3841
    plan = plan_test(0.10, 0.20, relative=True)
    assert plan.mde == pytest.approx(0.02) and plan.n_per_arm == 3841


def test_smaller_effects_and_stricter_settings_need_more_visitors():
    base = sample_size(0.10, 0.02)
    assert sample_size(0.10, 0.01) > 3.5 * base  # n grows like 1 / effect^2
    assert sample_size(0.10, 0.02, alpha=0.01) > base
    assert sample_size(0.10, 0.02, power=0.9) > base
    assert sample_size(0.10, 0.02, two_sided=False) < base


def test_plan_records_a_two_sided_design():
    plan = plan_test(0.04, 0.01, alpha=0.1, power=0.9)
    assert plan == TestPlan(0.04, 0.01, 0.1, 0.9, sample_size(0.04, 0.01, alpha=0.1, power=0.9))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0.0, 0.02), {}, r"baseline_rate must be a number strictly between 0 and 1 \(e\.g\. 0\.05"),
        ((10, 0.02), {}, r"baseline_rate .* got 10"),  # a percentage passed as a rate
        ((0.10, 0.0), {}, r"minimum_detectable_effect must be a positive number.*pass the smallest change"),
        ((0.10, -0.02), {}, r"minimum_detectable_effect must be a positive number"),
        ((0.95, 0.10), {}, r"gives a rate of 1\.05, not below 1; pass a smaller effect"),
        ((0.50, 1.5), {"relative": True}, r"relative effect of 1\.5 gives a rate of 1\.25"),
        ((0.10, 0.02), {"alpha": 0.0}, r"alpha must be .* strictly between 0 and 1 \(e\.g\. 0\.05"),
        ((0.10, 0.02), {"power": 80}, r"power must be .* \(e\.g\. 0\.8"),
    ],
)
def test_bad_design_inputs_say_what_to_pass(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample_size(*args, **kwargs)
    with pytest.raises(ValueError, match=message):
        plan_test(*args, **kwargs)


def test_hand_built_plan_without_visitors_is_rejected():
    with pytest.raises(ValueError, match=r"n_per_arm must be a whole number of at least 1, got 0; use plan_test"):
        TestPlan(0.10, 0.02, 0.05, 0.8, 0)


# Frequentist analysis


@pytest.mark.parametrize("counts", COUNTS)
def test_z_and_p_value_match_statsmodels_pooled_z_test(counts):
    conversions_a, n_a, conversions_b, n_b = counts
    result = two_proportion_test(*counts)
    z, p = proportions_ztest([conversions_b, conversions_a], [n_b, n_a])  # B first: z is for B minus A
    assert result.z == pytest.approx(z, abs=1e-9)
    assert result.p_value == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize("counts", COUNTS)
@pytest.mark.parametrize("alpha", [0.05, 0.10])
def test_wald_interval_matches_statsmodels(counts, alpha):
    conversions_a, n_a, conversions_b, n_b = counts
    result = two_proportion_test(*counts, alpha=alpha)
    low, high = confint_proportions_2indep(conversions_b, n_b, conversions_a, n_a, method="wald", alpha=alpha)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))


def test_rates_difference_lift_and_interval_by_hand():
    result = two_proportion_test(100, 1000, 130, 1000)
    assert (result.rate_a, result.rate_b) == (0.1, 0.13)
    assert result.difference == pytest.approx(0.03) and result.relative_lift == pytest.approx(0.3)
    half = Z_975 * math.sqrt(0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000)
    assert (result.ci_low, result.ci_high) == (pytest.approx(0.03 - half), pytest.approx(0.03 + half))
    pooled = 230 / 2000
    assert result.z == pytest.approx(0.03 / math.sqrt(pooled * (1 - pooled) * 2 / 1000))


def test_arms_without_any_conversions_give_no_evidence_and_no_lift():
    result = two_proportion_test(0, 500, 0, 400)
    assert (result.z, result.p_value, result.relative_lift) == (0.0, 1.0, None)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ((120, 100, 10, 100), r"conversions_a \(120\) is larger than n_a \(100\); pass the visitors"),
        ((10, 100, 101, 100), r"conversions_b \(101\) is larger than n_b \(100\)"),
        ((-1, 100, 10, 100), r"conversions_a must be zero or more, got -1; pass raw counts"),
        ((10, 100, 10, -100), r"n_b must be zero or more"),
        ((10, 100.0, 10, 100), r"n_a must be a whole number .* got 100\.0"),
        ((0, 0, 1, 10), r"n_a is 0: that version has had no visitors yet"),
    ],
)
def test_bad_counts_say_what_was_wrong(counts, message):
    with pytest.raises(ValueError, match=message):
        two_proportion_test(*counts)
    plan = plan_test(0.10, 0.02)
    with pytest.raises(ValueError, match=message):
        analyse(plan, *counts)


def test_alpha_outside_zero_and_one_is_rejected():
    with pytest.raises(ValueError, match=r"alpha must be .* got 5"):
        two_proportion_test(10, 100, 12, 100, alpha=5)


# Bayesian analysis


def test_posterior_adds_counts_to_a_uniform_prior_by_default():
    assert beta_posterior(30, 200) == (31.0, 171.0)
    assert beta_posterior(30, 200, prior=(2.0, 8.0)) == (32.0, 178.0)
    assert beta_posterior(0, 0) == (1.0, 1.0)
    with pytest.raises(ValueError, match=r"prior must be two positive Beta parameters, e\.g\. \(1, 1\)"):
        beta_posterior(3, 10, prior=(0.0, 1.0))


@pytest.mark.parametrize("counts", [(0, 0), (7, 40), (500, 5000), (49_000, 50_000)])
def test_identical_arms_give_one_half(counts):
    assert probability_b_beats_a(*counts, *counts) == pytest.approx(0.5, abs=1e-9)


@pytest.mark.parametrize("counts", [(100, 1000, 130, 1000), (30, 500, 45, 520), (5, 40, 1, 37), (3, 60, 0, 50)])
def test_probability_b_beats_a_agrees_with_a_large_monte_carlo(counts):
    conversions_a, n_a, conversions_b, n_b = counts
    rng = np.random.default_rng(20240611)
    draws_a = rng.beta(conversions_a + 1, n_a - conversions_a + 1, size=2_000_000)
    draws_b = rng.beta(conversions_b + 1, n_b - conversions_b + 1, size=2_000_000)
    assert probability_b_beats_a(*counts) == pytest.approx(np.mean(draws_b > draws_a), abs=0.005)


@pytest.mark.parametrize(
    "counts",
    [
        (100, 1000, 130, 1000),
        (5, 40, 1, 37),
        (10, 10_000, 9_000, 10_000),
        (5, 50, 5_000, 100_000),
        (400, 4000, 430, 4000),
    ],
)
def test_probability_b_beats_a_matches_evan_millers_closed_form(counts):
    # includes far-apart arms and a lopsided split where B's posterior is ~45 times narrower than A's
    conversions_a, n_a, conversions_b, n_b = counts
    exact = miller_closed_form(beta_posterior(conversions_a, n_a), beta_posterior(conversions_b, n_b))
    assert probability_b_beats_a(*counts) == pytest.approx(exact, abs=1e-8)


def test_probability_b_beats_a_uses_the_given_prior():
    strong_prior = (50.0, 50.0)  # pulls both rates toward 50%
    exact = miller_closed_form(beta_posterior(3, 10, prior=strong_prior), beta_posterior(6, 10, prior=strong_prior))
    assert probability_b_beats_a(3, 10, 6, 10, prior=strong_prior) == pytest.approx(exact, abs=1e-8)
    assert exact < probability_b_beats_a(3, 10, 6, 10)


def test_rate_intervals_are_equal_tailed_beta_quantiles():
    result = bayesian_test(0, 10, 30, 200)
    # Beta(1, 11) has the closed-form quantile 1 - (1 - q)^(1/11)
    assert result.rate_a_interval == (pytest.approx(1 - 0.975 ** (1 / 11)), pytest.approx(1 - 0.025 ** (1 / 11)))
    assert result.rate_b_interval == (
        pytest.approx(stats.beta.ppf(0.025, 31, 171)),
        pytest.approx(stats.beta.ppf(0.975, 31, 171)),
    )
    narrow = bayesian_test(0, 10, 30, 200, credibility=0.5)
    assert (
        narrow.rate_b_interval[0] > result.rate_b_interval[0] and narrow.rate_b_interval[1] < result.rate_b_interval[1]
    )


def test_lift_interval_leaves_the_stated_probability_in_each_tail():
    result = bayesian_test(100, 1000, 130, 1000)
    (a1, a2), (b1, b2) = result.posterior_a, result.posterior_b

    def probability_lift_below(lift):  # P(rate_b / rate_a - 1 <= lift), integrated exactly over A's posterior
        value, _ = integrate.quad(lambda x: stats.beta.pdf(x, a1, a2) * stats.beta.cdf((1 + lift) * x, b1, b2), 0, 1)
        return value

    low, high = result.lift_interval
    assert probability_lift_below(low) == pytest.approx(0.025, abs=0.002)
    assert probability_lift_below(high) == pytest.approx(0.975, abs=0.002)
    assert low < 0.3 < high and result.draws == 200_000


def test_monte_carlo_parts_are_reproducible_with_a_seed():
    assert bayesian_test(40, 800, 52, 790, seed=7) == bayesian_test(40, 800, 52, 790, seed=7)
    assert (
        bayesian_test(40, 800, 52, 790, seed=7).lift_interval != bayesian_test(40, 800, 52, 790, seed=8).lift_interval
    )
    with pytest.raises(ValueError, match=r"draws must be a whole number of at least 1000, got 10; the default is"):
        bayesian_test(40, 800, 52, 790, draws=10)


def test_expected_losses_differ_by_the_difference_in_posterior_means():
    # E[max(A - B, 0)] - E[max(B - A, 0)] = E[A] - E[B], and choosing the clearly better arm risks almost nothing
    choose_b = bayesian_test(100, 1000, 130, 1000, seed=1).expected_loss_b
    choose_a = bayesian_test(130, 1000, 100, 1000, seed=2).expected_loss_b
    assert choose_a - choose_b == pytest.approx(131 / 1002 - 101 / 1002, abs=2e-4)
    assert choose_b < 0.0005 < 0.02 < choose_a


# The fixed-horizon verdict

PLAN = TestPlan(baseline_rate=0.10, mde=0.02, alpha=0.05, power=0.8, n_per_arm=3841)
JARGON = ("p-value", "p <", "alpha", "posterior", "prior", "z-", "statistic", "null", "hypothesis", "Bayes")


def test_no_winner_before_the_horizon_even_when_p_is_below_alpha():
    verdict = analyse(PLAN, 100, 1000, 140, 1000)
    assert verdict.test.p_value < 0.01
    assert verdict.status == "too_early" and verdict.probability_b_beats_a is None
    assert verdict.visitors_needed == 2 * (3841 - 1000)
    assert "not significant yet" in verdict.summary and "3,841 visitors each (5,682 more in total)" in verdict.summary
    assert "false winner far more likely than the 5% risk planned" in verdict.summary


def test_one_arm_short_of_the_horizon_is_still_too_early():
    verdict = analyse(PLAN, 600, 5000, 300, 3840)
    assert (verdict.status, verdict.visitors_needed) == ("too_early", 1)


def test_b_wins_at_the_horizon_with_the_interval_and_chance_in_plain_words():
    verdict = analyse(PLAN, 400, 4000, 480, 4000)
    assert verdict.status == "b_wins" and verdict.visitors_needed == 0
    assert verdict.probability_b_beats_a == pytest.approx(miller_closed_form((401, 3601), (481, 3521)), abs=1e-8)
    assert verdict.summary == (
        "Version B wins: it converted 12.0% of visitors against 10.0% for A, 2.0 percentage points more "
        "(95% confidence interval: 0.6 to 3.4 points). There is a 99.8% chance that B truly converts better than A."
    )


def test_a_wins_when_a_is_significantly_better():
    verdict = analyse(PLAN, 480, 4000, 400, 4000)
    assert verdict.status == "a_wins"
    assert verdict.summary.startswith("Version A wins: it converted 12.0% of visitors against 10.0% for B")
    assert "confidence interval: 0.6 to 3.4 points" in verdict.summary and "99.8% chance that A" in verdict.summary


def test_no_difference_at_the_horizon_names_the_planned_effect():
    verdict = analyse(PLAN, 400, 4000, 410, 4000)
    assert verdict.status == "no_difference" and verdict.test.p_value > 0.05
    assert verdict.summary.startswith("No detectable difference of at least 2.0 percentage points: A converted 10.0%")
    assert "confidence interval for B minus A: -1.1 to 1.6 points" in verdict.summary
    assert "80% of the time" in verdict.summary and "64.4% chance" in verdict.summary


def test_small_click_rates_are_shown_with_two_decimals():
    plan = plan_test(0.005, 0.002)
    n = plan.n_per_arm
    verdict = analyse(plan, round(0.005 * n), n, round(0.0055 * n), n)
    assert verdict.status == "no_difference"
    assert "at least 0.20 percentage points: A converted 0.50% and B 0.55%" in verdict.summary
    assert "confidence interval for B minus A: -0.08 to 0.18 points" in verdict.summary


def test_summaries_avoid_statistical_jargon():
    for counts in [(100, 1000, 140, 1000), (400, 4000, 480, 4000), (480, 4000, 400, 4000), (400, 4000, 410, 4000)]:
        summary = analyse(PLAN, *counts).summary
        assert not [word for word in JARGON if word.lower() in summary.lower()], summary


def simulate_daily_aa_tests(simulations, days, daily_visitors, rate, seed):
    """Cumulative (conversions_a, conversions_b) per simulated A/A test and day, both arms at the same true rate."""
    daily = np.random.default_rng(seed).binomial(daily_visitors, rate, size=(simulations, days, 2))
    return daily.cumsum(axis=1)


def test_aa_tests_checked_daily_keep_false_winners_near_alpha_unlike_naive_peeking():
    plan = plan_test(0.10, 0.02)  # 3,841 per arm: reached on day 10 at 400 visitors per arm per day
    daily_visitors, days = 400, 10
    cumulative = simulate_daily_aa_tests(2000, days, daily_visitors, 0.10, seed=12345)
    guarded_winners = naive_winners = early_alarms = 0
    for test in cumulative:
        naive_stopped = False
        for day in range(days):
            visitors = daily_visitors * (day + 1)
            conversions_a, conversions_b = (int(c) for c in test[day])
            verdict = analyse(plan, conversions_a, visitors, conversions_b, visitors)
            significant_today = verdict.test.p_value < plan.alpha
            if not naive_stopped and significant_today:
                naive_winners += 1  # the naive reader stops at the first day that looks significant
                naive_stopped = True
            if verdict.status == "too_early":
                early_alarms += significant_today
                continue
            guarded_winners += verdict.status in ("a_wins", "b_wins")
            break  # the first verdict at the horizon is the decision
    guarded_rate, naive_rate = guarded_winners / 2000, naive_winners / 2000
    assert early_alarms > 100  # the guard really did hold back days with p below alpha
    assert 0.03 <= guarded_rate <= 0.07
    assert naive_rate >= 0.12 and naive_rate > 2 * guarded_rate


def test_a_real_effect_of_the_planned_size_is_caught_about_as_often_as_planned():
    plan = plan_test(0.10, 0.02)
    rng = np.random.default_rng(777)
    a = rng.binomial(plan.n_per_arm, 0.10, size=1000)
    b = rng.binomial(plan.n_per_arm, 0.12, size=1000)
    statuses = [analyse(plan, int(x), plan.n_per_arm, int(y), plan.n_per_arm).status for x, y in zip(a, b, strict=True)]
    assert statuses.count("b_wins") / 1000 == pytest.approx(plan.power, abs=0.05)
    assert statuses.count("a_wins") == 0
