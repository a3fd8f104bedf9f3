"""Best posting times and engagement predictions on fixture histories with known answers."""

import math
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from tools.analytics.best_times import PRIOR_POSTS, PostRecord, best_times
from tools.analytics.engagement import MIN_POSTS_FOR_MODEL, PastPost, fit_ridge, predict

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def at(weekday: int, hour: int, week: int = 0) -> datetime:
    return MONDAY + timedelta(days=weekday + 7 * week, hours=hour)


def post(weekday: int, hour: int, rate: float, week: int = 0, platform: str = "x") -> PostRecord:
    return PostRecord(platform, at(weekday, hour, week), 1000, round(rate * 1000))


def test_without_history_the_prior_ranks_weekday_mornings_first_and_says_so():
    times = best_times([], "x", "UTC", default_rate=0.02)
    assert times.from_prior_only and times.history_posts == 0
    top = times.slots[0]
    assert top.weekday < 5 and top.hour == 9 and top.rate == pytest.approx(0.02 * 1.2)
    assert "none of your posts went out then; this is the prior" in times.evidence()[0]


def test_a_slot_the_brand_does_well_in_wins_with_the_shrunk_estimate():
    history = [post(1, 15, 0.06, week) for week in range(30)]  # Tuesdays 15:00, 6%
    history += [post(d, h, 0.02, week) for week in range(6) for d in (0, 2, 3) for h in (9, 12)]  # elsewhere, 2%
    times = best_times(history, "x", "UTC")
    baseline = (30 * 0.06 + 36 * 0.02) / 66
    top = times.slots[0]
    assert (top.weekday, top.hour, top.posts) == (1, 15, 30)
    prior = baseline * 0.9  # 15:00 on a weekday is outside the guidance's peaks
    assert top.rate == pytest.approx((30 * 0.06 + PRIOR_POSTS * prior) / (30 + PRIOR_POSTS))
    assert top.low < top.rate < top.high
    assert "30 of your posts there averaged 6.00%" in times.evidence()[0]


def test_more_posts_at_the_same_rate_mean_more_confidence_and_a_higher_rank():
    history = [post(2, 10, 0.05)] + [post(3, 10, 0.05, week) for week in range(10)]
    history += [post(0, h, 0.02, week) for week in range(4) for h in (8, 14)]
    times = best_times(history, "x", "UTC")
    ranked = [(s.weekday, s.hour) for s in times.slots]
    assert ranked.index((3, 10)) < ranked.index((2, 10))
    thursday = next(s for s in times.slots if (s.weekday, s.hour) == (3, 10))
    wednesday = next(s for s in times.slots if (s.weekday, s.hour) == (2, 10))
    assert thursday.high - thursday.low < wednesday.high - wednesday.low


def test_slots_are_in_the_brands_time_zone_and_other_platforms_are_ignored():
    history = [PostRecord("x", datetime(2026, 11, 3, 17, tzinfo=UTC), 1000, 90) for _ in range(8)]
    history += [PostRecord("x", datetime(2026, 11, 5, 3, tzinfo=UTC), 1000, 10) for _ in range(8)]
    history += [PostRecord("linkedin", datetime(2026, 11, 4, 3, tzinfo=UTC), 1000, 900)]
    times = best_times(history, "x", "America/Los_Angeles")
    assert times.history_posts == 16
    assert (times.slots[0].weekday, times.slots[0].hour) == (1, 9)  # 17:00 UTC is 09:00 in Los Angeles (PST)


def test_the_ridge_fit_matches_scikit_learn():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(40, 4))
    y = x @ np.array([0.5, -1.0, 0.0, 2.0]) + 0.3 + rng.normal(scale=0.1, size=40)
    fitted = fit_ridge(x, y, alpha=1.0)
    reference = Ridge(alpha=1.0).fit(x, y)
    assert fitted.beta[0] == pytest.approx(reference.intercept_)
    assert fitted.beta[1:] == pytest.approx(reference.coef_)


def synthetic_history(noise: float, count: int = 80, seed: int = 3) -> list[PastPost]:
    rng = random.Random(seed)
    past = []
    for i in range(count):
        media = i % 2 == 0
        rate = 0.02 * (2.0 if media else 1.0) * math.exp(rng.gauss(0, noise))
        text = "A candle post." + ("\n[image: https://cdn.example/c.jpg]" if media else "")
        past.append(PastPost(post(i % 5, 9 + i % 4, rate, week=i // 20), text))
    return past


def test_the_prediction_learns_that_media_doubles_engagement_and_its_interval_holds_the_truth():
    past = synthetic_history(noise=0.1)
    times = best_times([p.record for p in past], "x", "UTC")
    when = at(1, 10, week=10)
    with_media = predict(past, times, "Our new candle.\n[image: https://cdn.example/n.jpg]", when, "UTC")
    without = predict(past, times, "Our new candle.", when, "UTC")
    assert with_media.method == "regression" and with_media.posts == 80
    assert with_media.rate / without.rate == pytest.approx(2.0, rel=0.15)
    assert with_media.low < 0.04 < with_media.high and without.low < 0.02 < without.high
    assert "regression on 80" in with_media.sentence()


def test_noisier_history_gives_a_wider_interval():
    quiet, noisy = synthetic_history(noise=0.05), synthetic_history(noise=0.6)
    when = at(1, 10, week=10)
    narrow = predict(quiet, best_times([p.record for p in quiet], "x", "UTC"), "A post.", when, "UTC")
    wide = predict(noisy, best_times([p.record for p in noisy], "x", "UTC"), "A post.", when, "UTC")
    assert (wide.high - wide.low) > 3 * (narrow.high - narrow.low)


def test_with_little_history_the_prediction_is_the_slot_estimate_and_says_why():
    past = synthetic_history(noise=0.1, count=MIN_POSTS_FOR_MODEL - 1)
    times = best_times([p.record for p in past], "x", "UTC")
    when = at(0, 9, week=10)
    prediction = predict(past, times, "A post.", when, "UTC")
    slot = next(s for s in times.slots if (s.weekday, s.hour) == (0, 9))
    assert prediction.method == "slot prior" and prediction.rate == slot.rate
    assert "too few to learn more" in prediction.sentence()
