"""The demo history: the same seed gives the same history, and it has the shapes reports should find."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date

import pytest

from tools.analytics.demo_history import PLATFORMS, demo_history, season

END = date(2026, 11, 27)
ALL = tuple(PLATFORMS)


@pytest.fixture(scope="module")
def history():
    return demo_history(end=END, platforms=ALL)


def rate(posts) -> float:
    shown = sum(d.impressions for p in posts for d in p.days)
    return sum(d.engagements for p in posts for d in p.days) / shown


def test_the_same_seed_gives_the_same_history_and_another_seed_another(history):
    again = demo_history(end=END, platforms=ALL)
    assert again == history
    assert demo_history(end=END, platforms=ALL, seed=8).posts != history.posts


def test_every_post_is_marked_demo_and_inside_the_period(history):
    assert history.posts and all(p.text.startswith("[demo]") for p in history.posts)
    assert all(date(2025, 11, 28) <= p.published_at.date() < END for p in history.posts)
    assert {p.platform for p in history.posts} == set(ALL)


def test_the_season_peaks_in_december_and_dips_in_summer(history):
    assert season(date(2026, 12, 12)) > season(date(2026, 10, 1)) > season(date(2026, 7, 1))
    by_month = defaultdict(list)
    for post in history.posts:
        if post.platform == "instagram":
            by_month[post.published_at.month].append(sum(d.impressions for d in post.days))
    assert statistics.median(by_month[12]) > 1.4 * statistics.median(by_month[7])


def test_linkedin_is_quiet_at_weekends_and_video_beats_text(history):
    linkedin = [p for p in history.posts if p.platform == "linkedin"]
    weekday = [sum(d.impressions for d in p.days) for p in linkedin if p.published_at.weekday() < 5]
    weekend = [sum(d.impressions for d in p.days) for p in linkedin if p.published_at.weekday() >= 5]
    assert statistics.median(weekend) < 0.7 * statistics.median(weekday)
    posts = [p for p in history.posts if p.platform in ("x", "linkedin", "instagram", "facebook")]
    assert rate([p for p in posts if p.media_kind == "video"]) > 1.3 * rate(
        [p for p in posts if p.media_kind == "text"]
    )


def test_campaigns_spend_within_budget_and_one_misses_its_target(history):
    names = [c.name for c in history.campaigns]
    assert names == ["Holiday gift guide", "Spring refresh", "Summer markets", "Winter launch"]
    totals = defaultdict(lambda: defaultdict(float))
    for post in history.posts:
        for day in post.days:
            for name in ("spend", "revenue", "engagements"):
                totals[post.campaign][name] += getattr(day, name)
    for campaign in history.campaigns:
        assert 0 < totals[campaign.name]["spend"] <= campaign.budget * 1.05
    holiday, spring = totals["Holiday gift guide"], totals["Spring refresh"]
    assert holiday["revenue"] >= 30_000 and holiday["revenue"] / holiday["spend"] >= 2.5  # met its KPIs
    assert spring["engagements"] < 40_000  # missed its target: a failure to report
    assert all(d.spend == 0 for p in history.posts if p.campaign is None for d in p.days)


def test_journeys_convert_more_when_they_touch_email_or_search(history):
    def conversion(with_channel: bool) -> float:
        chosen = [j for j in history.journeys if any(c in ("email", "search") for c, _ in j.touches) == with_channel]
        return sum(j.converted for j in chosen) / len(chosen)

    assert len(history.journeys) > 1000
    assert conversion(True) > conversion(False)
    assert all(j.value > 0 for j in history.journeys if j.converted)
    assert all(j.value == 0 for j in history.journeys if not j.converted)


def test_unknown_platforms_are_skipped_and_weeks_must_be_positive():
    assert {p.platform for p in demo_history(end=END, platforms=("x", "myspace"), weeks=4).posts} == {"x"}
    with pytest.raises(ValueError, match="weeks must be at least 1"):
        demo_history(end=END, platforms=ALL, weeks=0)
