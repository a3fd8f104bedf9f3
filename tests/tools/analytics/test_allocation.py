"""Budget allocation over diminishing-returns curves: fitting, the exact optimum, constraints and thin data."""

import math

import numpy as np
import pytest

from tools.analytics.allocation import (
    MIN_OBSERVATIONS,
    ResponseCurve,
    allocate,
    explain,
    fit_curve,
    fit_curves,
)

# Known curves: search saturates highest, display is slow to saturate and low.
CURVES = {
    "search": ResponseCurve(1000.0, 3000.0),
    "social": ResponseCurve(400.0, 2000.0),
    "display": ResponseCurve(200.0, 5000.0),
}


def weeks(a, b, *, periods=52, noise=0.05, seed=0):
    """Weekly spend spread over $200-$8,000 and conversions on the true curve with multiplicative noise."""
    rng = np.random.default_rng(seed)
    spend = rng.uniform(200, 8000, periods)
    conversions = a * (1 - np.exp(-spend / b)) * (1 + noise * rng.standard_normal(periods))
    return spend, np.clip(conversions, 0, None)


def total(curves, amounts):
    return sum(curves[name].predict(amount) for name, amount in amounts.items())


def grid_best(curves, budget, step, minimums=None, caps=None):
    """Brute force over every split of the budget on a `step` grid, the last channel taking the rest."""
    names, minimums, caps = list(curves), minimums or {}, caps or {}
    axes = np.meshgrid(*[np.arange(0, budget + step / 2, step)] * (len(names) - 1), indexing="ij")
    splits = [axis.ravel() for axis in axes]
    splits.append(budget - np.sum(splits, axis=0))
    feasible = np.ones(splits[0].shape, bool)
    for name, x in zip(names, splits, strict=True):
        feasible &= (x >= minimums.get(name, 0) - 1e-9) & (x <= caps.get(name, budget) + 1e-9)
    values = sum(curves[name].predict(x) for name, x in zip(names, splits, strict=True))
    return float(np.max(values[feasible]))


@pytest.fixture(scope="module")
def fitted():
    return fit_curve(*weeks(500, 2000))


def test_fit_recovers_known_saturation_and_scale_from_noisy_weeks(fitted):
    assert fitted.a == pytest.approx(500, rel=0.05)
    assert fitted.b == pytest.approx(2000, rel=0.10)
    assert fitted.reliable and fitted.reason == ""
    assert fitted.draws.shape == (200, 2)
    a_low, a_high = np.quantile(fitted.draws[:, 0], [0.1, 0.9])
    assert a_low < 500 < a_high  # the bootstrap band covers the truth and is not degenerate
    low, high = fitted.interval(3000)
    assert low < fitted.predict(3000) < high


def test_marginal_is_the_slope_of_the_curve(fitted):
    h = 1e-3
    numeric = (fitted.predict(2500 + h) - fitted.predict(2500 - h)) / (2 * h)
    assert fitted.marginal(2500) == pytest.approx(numeric, rel=1e-6)
    assert fitted.marginal(8000) < fitted.marginal(1000)  # diminishing returns


@pytest.mark.parametrize(
    ("spend", "conversions", "reason"),
    [
        ([100, 200, 300, 400], [1, 2, 3, 4], f"only 4 periods of history (need {MIN_OBSERVATIONS})"),
        ([100, 100, 100, 900, 900, 900], [3, 4, 3, 9, 8, 9], "only 2 distinct spend level(s)"),
        ([100, 200, 300, 400, 500, 600, 700, 800], [0, 14, 0, 0, 0, 11, 0, 0], "80% interval at typical spend $450"),
    ],
    ids=["few-periods", "two-spend-levels", "wide-interval"],
)
def test_thin_history_marks_the_curve_unreliable_and_says_why(spend, conversions, reason):
    curve = fit_curve(spend, conversions, resamples=50)
    assert not curve.reliable
    assert reason in curve.reason


def test_fitting_is_deterministic_for_a_seed_and_varies_with_it():
    spend, conversions = weeks(300, 1500, periods=20, noise=0.2, seed=3)
    first, again = fit_curve(spend, conversions, resamples=30), fit_curve(spend, conversions, resamples=30)
    other = fit_curve(spend, conversions, resamples=30, seed=1)
    assert np.array_equal(first.draws, again.draws) and (first.a, first.b) == (again.a, again.b)
    assert not np.array_equal(first.draws, other.draws)


@pytest.mark.parametrize(
    ("spend", "conversions", "message"),
    [
        ([], [], "got 0 spends and 0 conversions"),
        ([100, 200], [1], "got 2 spends and 1 conversions"),
        ([100, math.nan, 300], [1, 2, 3], "NaN"),
        ([100, -200, 300], [1, 2, 3], "must be >= 0"),
    ],
    ids=["empty", "mismatched", "nan", "negative-spend"],
)
def test_bad_history_is_rejected_with_what_to_pass(spend, conversions, message):
    with pytest.raises(ValueError, match=message) as error:
        fit_curve(spend, conversions)
    assert "pass" in str(error.value) or "drop" in str(error.value) or "fix" in str(error.value)


def test_a_channel_without_history_rows_is_named_in_the_error():
    with pytest.raises(ValueError, match="channel 'tiktok' has no history rows"):
        fit_curves({"search": [(100, 1)] * 6, "tiktok": []})
    with pytest.raises(ValueError, match="channel 'search': .*NaN"):
        fit_curves({"search": [(100, math.nan)]})


def test_allocation_spends_the_budget_and_holds_binding_minimums_and_caps():
    free = allocate(CURVES, 20_000).amounts
    capped = allocate(CURVES, 20_000, caps={"search": 8000}).amounts
    assert free["search"] > 8000 and capped["display"] < 7000  # so both constraints below bind
    result = allocate(CURVES, 20_000, minimums={"display": 7000, "social": 1000}, caps={"search": 8000})
    amounts = result.amounts
    assert sum(amounts.values()) == pytest.approx(20_000, abs=1e-6)
    assert amounts["search"] == pytest.approx(8000, abs=1e-6) and result.plan("search").bound == "cap"
    assert amounts["display"] == pytest.approx(7000, abs=1e-6) and result.plan("display").bound == "minimum"
    assert amounts["social"] == pytest.approx(5000, abs=1e-6) and result.plan("social").bound == ""
    assert result.method == "curves"


def test_budget_moves_to_the_dominant_curve_and_beats_an_even_split():
    curves = {"search": ResponseCurve(900.0, 4000.0), "display": ResponseCurve(300.0, 4000.0)}
    result = allocate(curves, 20_000)
    assert result.amounts["search"] > 10_000 > result.amounts["display"] > 0
    assert result.conversions > total(curves, {"search": 10_000, "display": 10_000}) + 1


@pytest.mark.parametrize(
    ("curves", "budget", "minimums", "caps"),
    [
        ({"search": CURVES["search"], "display": CURVES["display"]}, 12_000, None, None),
        (CURVES, 10_000, None, None),
        (CURVES, 10_000, {"display": 2500}, {"search": 4000}),
    ],
    ids=["two-channels", "three-channels", "three-with-bounds"],
)
def test_allocation_is_optimal_against_a_brute_force_grid(curves, budget, minimums, caps):
    result = allocate(curves, budget, minimums=minimums, caps=caps)
    best_on_grid = grid_best(curves, budget, step=25, minimums=minimums, caps=caps)
    assert result.conversions == pytest.approx(total(curves, result.amounts))
    assert result.conversions >= best_on_grid - 1e-9  # nothing on the grid beats it
    assert result.conversions - best_on_grid < 0.01  # and the $25 grid gets within 0.01 conversions of it


def test_marginal_costs_are_equal_across_unconstrained_channels():
    result = allocate(CURVES, 15_000, caps={"search": 5000})
    free = [plan.cost_per_conversion for plan in result.channels if not plan.bound]
    assert len(free) == 2
    assert free[0] == pytest.approx(free[1], rel=1e-9)
    capped = result.plan("search")
    assert capped.bound == "cap" and capped.cost_per_conversion < free[0]  # still cheaper: the cap is binding


def test_fitted_curves_give_bootstrap_intervals_per_channel_and_in_total():
    history = {"search": weeks(800, 3000, seed=1), "social": weeks(300, 1500, seed=2)}
    curves = fit_curves({name: list(zip(*rows, strict=True)) for name, rows in history.items()})
    result = allocate(curves, 10_000)
    for plan in result.channels:
        assert (plan.low, plan.high) == pytest.approx(curves[plan.channel].interval(plan.amount))
        assert plan.low < plan.conversions < plan.high
    assert result.low < result.conversions < result.high
    assert result.compared_to == "your past mix"


def thin(spend_per_week, conversions_per_week, weeks=3):
    return fit_curve([spend_per_week] * weeks, [conversions_per_week] * weeks, resamples=20)


def test_thin_data_switches_to_thompson_and_never_quotes_the_curve():
    curves = {"search": fit_curve(*weeks(500, 2000), resamples=50), "tiktok": thin(200, 2)}
    result = allocate(curves, 5000)
    assert result.method == "thompson"
    tiktok = result.plan("tiktok")
    assert tiktok.thin and "only 3 periods" in tiktok.note
    assert not result.plan("search").thin and result.plan("search").note
    spend = sum(c.total_spend for c in curves.values())
    pooled = (sum(c.total_conversions for c in curves.values()) + 1) / (spend + 1)
    posterior_mean = (1 + 6) / (1 / pooled + 600)  # one pooled conversion of prior, then 6 conversions on $600
    assert tiktok.conversions / tiktok.amount == pytest.approx(posterior_mean, rel=0.05)
    assert tiktok.low < tiktok.conversions < tiktok.high
    assert sum(result.amounts.values()) == pytest.approx(5000)
    lines = explain(result)
    assert any(line.startswith("Data is thin for tiktok") and "explore/exploit split" in line for line in lines)


def test_thompson_shares_follow_the_better_rate_while_still_exploring():
    curves = {"better": thin(200, 2), "worse": thin(200, 1)}  # 6 vs 3 conversions on $600 each
    shares = []
    for seed in range(10):
        result = allocate(curves, 10_000, seed=seed)
        assert result.method == "thompson"
        assert result.amounts["better"] == pytest.approx(10_000 * result.plan("better").probability_best)
        shares.append(result.amounts["worse"] / 10_000)
    assert np.mean(shares) < 0.5  # the better rate gets most of the money on average
    assert min(shares) > 0.05  # but the worse channel keeps getting some: it is still explored


def test_thompson_split_meets_minimums_and_caps_exactly():
    curves = {"better": thin(200, 4), "worse": thin(200, 1), "new": thin(200, 1)}
    result = allocate(curves, 10_000, minimums={"new": 1500}, caps={"better": 6000})
    amounts = result.amounts
    assert result.plan("better").probability_best > 0.6  # so the cap binds
    assert amounts["better"] == pytest.approx(6000) and result.plan("better").bound == "cap"
    assert amounts["new"] >= 1500 - 1e-9 and amounts["worse"] >= 0
    assert sum(amounts.values()) == pytest.approx(10_000, abs=1e-6)


def test_allocation_is_deterministic_for_a_seed():
    curves = {"better": thin(200, 2), "worse": thin(200, 1)}
    assert allocate(curves, 10_000, seed=7) == allocate(curves, 10_000, seed=7)
    assert allocate(curves, 10_000, seed=7) != allocate(curves, 10_000, seed=8)
    assert allocate(CURVES, 10_000) == allocate(CURVES, 10_000)


@pytest.mark.parametrize(
    ("budget", "minimums", "caps", "message"),
    [
        (-5, None, None, r"budget must be a finite dollar amount >= 0, got -5; pass e\.g\. 20000"),
        (math.nan, None, None, "budget must be a finite dollar amount"),
        (10_000, {"search": -1}, None, r"minimums\['search'\] must be a finite dollar amount >= 0"),
        (10_000, {"search": math.nan}, None, r"minimums\['search'\] must be a finite"),
        (10_000, {"search": 5000}, {"search": 4000}, r"minimum above cap for \['search'\]; lower the minimum"),
        (10_000, {"search": 6000, "social": 6000}, None, r"minimums add up to \$12,000.00, above the \$10,000.00"),
        (10_000, None, {"search": 1, "social": 1, "display": 1}, r"caps add up to \$3.00, below the \$10,000.00"),
        (10_000, {"tiktok": 10}, None, r"minimums name unknown channel\(s\) \['tiktok'\]; use the curves' names"),
    ],
    ids=["negative", "nan", "negative-min", "nan-min", "min-above-cap", "over-minimums", "under-caps", "unknown"],
)
def test_infeasible_constraints_raise_clear_errors(budget, minimums, caps, message):
    with pytest.raises(ValueError, match=message):
        allocate(CURVES, budget, minimums=minimums, caps=caps)


def test_no_channels_is_an_error():
    with pytest.raises(ValueError, match="no channels to allocate between; pass at least one"):
        allocate({}, 100)


def test_explain_says_where_money_moves_why_and_how_sure():
    lines = explain(allocate(CURVES, 20_000, caps={"search": 8000}))
    assert lines[0] == "Put $20,000 a period across 3 channels for about 1,451 conversions (80% interval 1,451-1,451)."
    assert lines[1].startswith("search: $8,000 (+$1,333 vs an even split); held at its cap")
    assert "funded until the next conversion costs $87.65" in lines[2]
    assert not any("thin" in line for line in lines)
