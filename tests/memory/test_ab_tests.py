"""Stored A/B test plans: the horizon holds across looks, and the first verdict at the horizon is kept."""

from __future__ import annotations

import pytest

from memory.ab_tests import AbTestStore
from tools.analytics.ab_test import plan_test

BRAND = "harbor-pine"


def test_the_newest_undecided_plan_is_judged_and_its_first_verdict_kept(factory):
    store = AbTestStore(factory)
    plan = plan_test(0.10, 0.02)  # 3,841 per arm
    store.plan(BRAND, "subject lines", plan, actor="maya")
    assert store.open_test(BRAND).name == "subject lines"

    early, _ = store.judge(BRAND, "subject lines", (100, 1000, 140, 1000))  # p < 0.01, but before the horizon
    assert early.status == "too_early" and store.open_test(BRAND) is not None

    final, stored = store.judge(BRAND, "subject lines", (400, 4000, 470, 4000))
    assert final.status == "b_wins" and stored.verdict == final.summary and stored.decided_at is not None
    assert store.open_test(BRAND) is None  # decided tests are no longer the open one
    later, again = store.judge(BRAND, "subject lines", (420, 4400, 440, 4400))
    assert later.status == "no_difference" and again.verdict == final.summary  # the decision stands
    assert store.open_test(BRAND, "SUBJECT LINES").name == "subject lines"


def test_a_second_plan_with_the_same_name_is_refused(factory):
    store = AbTestStore(factory)
    store.plan(BRAND, "hero image", plan_test(0.03, 0.1, relative=True), actor="maya")
    with pytest.raises(ValueError, match="already a test called 'hero image'"):
        store.plan(BRAND, "hero image", plan_test(0.03, 0.1, relative=True), actor="maya")
