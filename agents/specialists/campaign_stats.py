"""The campaign manager's statistics answers: A/B test plans and verdicts, and where the next budget should go."""

from __future__ import annotations

import re

from memory.ab_tests import AbTestStore
from memory.metrics import MetricsStore
from tools.analytics.ab_test import bayesian_test, chance_words, plan_test
from tools.analytics.allocation import allocate, explain, fit_curves
from tools.analytics.asks import AbCounts, AbDesignAsk, BudgetAsk
from tools.analytics.sequential import sequential_test

MIN_PAID_WEEKS = 1
_NAMED = re.compile(r"[\"“']([^\"”']{2,60})[\"”']|\b(?:test|experiment) (?:called|named) (\w[\w -]{1,40})", re.I)


def test_name(request: str, default: str) -> str:
    """The name a request gives a test (quoted, or "test called X"), else `default`."""
    match = _NAMED.search(request)
    return (match.group(1) or match.group(2)).strip() if match else default


def design_answer(tests: AbTestStore, brand: str, ask: AbDesignAsk, request: str, actor: str) -> str:
    """Plan a test: the visitors each version needs, stored so the verdict waits for them."""
    plan = plan_test(
        ask.baseline_rate, ask.minimum_detectable_effect, relative=ask.relative, alpha=ask.alpha or 0.05,
        power=ask.power or 0.8,
    )  # fmt: skip
    name = test_name(request, f"test from {ask.baseline_rate:.2%}")
    stored = tests.plan(brand, name, plan, actor=actor)
    return (
        f'**A/B test plan "{stored.name}"**: to detect a change from {plan.baseline_rate:.2%} to '
        f"{plan.baseline_rate + plan.mde:.2%} ({plan.mde * 100:.2f} percentage points) with {1 - plan.alpha:.0%} "
        f"confidence and {plan.power:.0%} power, each version needs **{plan.n_per_arm:,} visitors** "
        f"({2 * plan.n_per_arm:,} in all). Standard two-proportion sample size; smaller real differences may go "
        'unnoticed.\n\nI saved the plan: when you paste the counts ("A: 120/2400, B: 156/2380"), I won\'t call a '
        "winner before both versions reach that number, because checking early and stopping when it looks good "
        "makes false winners far more likely."
    )


def verdict_answer(tests: AbTestStore, brand: str, counts: AbCounts, request: str) -> str:
    """Judge counts against the stored plan; without a plan, give the numbers but no verdict."""
    values = (counts.conversions_a, counts.n_a, counts.conversions_b, counts.n_b)
    named = _NAMED.search(request)
    stored = tests.open_test(brand, test_name(request, "") if named else None)
    bayes = bayesian_test(*values)
    numbers = (
        f"A: {counts.conversions_a:,} of {counts.n_a:,} ({counts.conversions_a / counts.n_a:.2%}); "
        f"B: {counts.conversions_b:,} of {counts.n_b:,} ({counts.conversions_b / counts.n_b:.2%})."
    )
    if stored is None:
        return f"{numbers} {unplanned_verdict(values, bayes.probability_b_beats_a)}"
    verdict, after = tests.judge(brand, stored.name, values)
    lines = [f"**{after.name}** (plan: {after.plan.n_per_arm:,} visitors per version). {numbers}", verdict.summary]
    if after.verdict and after.verdict != verdict.summary:
        lines.append(
            f'This test was already decided on {after.decided_at:%b %d}: "{after.verdict}" That stands; '
            "re-reading it with more data is peeking after the fact. Plan a new test to check again."
        )
    return "\n\n".join(lines)


def unplanned_verdict(counts: tuple[int, int, int, int], chance_b: float) -> str:
    """A verdict without a plan, from the always-valid test: honest however often the counts were checked."""
    seq = sequential_test(*counts)
    low, high = seq.ci_low * 100, seq.ci_high * 100
    interval = f"{low:+.2f} to {high:+.2f} percentage points (95% always-valid interval for B minus A)"
    method = (
        "There is no test plan on record, so I judged it with an always-valid sequential test (a mixture SPRT): "
        "its answer stays trustworthy however often you check, at the cost of needing more visitors than a "
        "planned test."
    )
    p_value = "< 0.001" if seq.p_value < 0.001 else f"= {seq.p_value:.3f}"
    if seq.significant:
        win, lose = ("B", "A") if seq.difference > 0 else ("A", "B")
        chance = chance_words(chance_b if win == "B" else 1 - chance_b)
        return (
            f"**Version {win} wins**: {interval}; always-valid p {p_value}. There is a {chance} chance that {win} "
            f"truly converts better than {lose}.\n\n{method}"
        )
    ahead = "B" if seq.difference > 0 else "A"
    return (
        f"**Not significant yet**: the difference could still be {interval}; always-valid p {p_value}. {ahead} is "
        f"ahead (on the data so far B has a {chance_words(chance_b)} chance of being better), but not by enough to "
        "rule out luck across repeated checks. Keep the test running and send me the new counts whenever you like.\n\n"
        f'{method} To get a verdict with fewer visitors, plan the next test first, e.g. "plan an A/B test '
        "'subject lines': baseline 10%, detect a 2 point lift\"."
    )


_WEEKS = (
    (re.compile(r"\b(?:per|a|each|every) week\b|\bweekly\b", re.I), 1.0, "a week"),
    (re.compile(r"\bquarter\b|\bq[1-4]\b", re.I), 13.0, "over a quarter (13 weeks)"),
    (re.compile(r"\byear\b|\bannual", re.I), 52.0, "over a year"),
)


def budget_weeks(request: str) -> tuple[float, str]:
    """Over how many weeks a budget is meant to be spent: a week, a quarter, a year, else a month (4.35 weeks)."""
    return next(((w, label) for pattern, w, label in _WEEKS if pattern.search(request)), (4.35, "over a month"))


def budget_answer(metrics: MetricsStore, brand: str, ask: BudgetAsk, request: str = "") -> str:
    """Split a budget across channels from each channel's weekly paid response curve, within the asked bounds.

    The curves are fitted per week, so the budget is spread over the weeks it is meant for (a month unless the
    request says a week, quarter or year) and the split is given per week.
    """
    if ask.total is None:
        return 'How much should I split? Say e.g. "where should the next $20k go?" with any minimums or caps.'
    weekly = metrics.campaign_weekly_by_platform(brand)
    listed = [c for c in ask.channels if c not in ask.minimums and c not in ask.caps]  # "across ig, fb and tiktok"
    pool = [*listed, *(c for c in ask.channels if c not in listed)] if listed else sorted(weekly)
    wanted = [c for c in pool if ask.caps.get(c, 1) > 0]  # a channel capped at 0 is left out
    history = {
        c: [(w.spend, w.conversions) for w in weekly[c]] for c in wanted if len(weekly.get(c, ())) >= MIN_PAID_WEEKS
    }
    missing = [c for c in wanted if c not in history]
    if not history:
        return (
            "There is no paid history to learn from (posts with spend and conversions), so any split would be a "
            "guess. Import past campaign metrics with `brandpilot metrics import FILE`, or try `brandpilot demo seed`."
        )
    weeks, span = budget_weeks(request)
    allocation = allocate(
        fit_curves(history),
        ask.total / weeks,
        minimums={c: v / weeks for c, v in ask.minimums.items() if c in history},
        caps={c: v / weeks for c, v in ask.caps.items() if c in history},
    )
    symbol = ask.currency or "$"
    head = (
        f"**Where {symbol}{ask.total:,.0f} should go** {span}: {symbol}{ask.total / weeks:,.0f} a week, split by "
        "each channel's weekly paid results with diminishing returns fitted (amounts below are per week):"
    )
    lines = [head, *(f"- {line}" for line in explain(allocation))]
    if missing:
        lines.append(f"No paid history for {', '.join(missing)}, so I left them out rather than guess.")
    return "\n".join(lines)
