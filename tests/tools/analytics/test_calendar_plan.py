"""Calendar planning on fixture histories where the winning days and hours are known."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from tools.analytics.best_times import PostRecord, best_times
from tools.analytics.calendar_plan import Busy, CalendarPlan, plan_calendar
from tools.content.brand_plan import Cadence, Pillar

HISTORY_MONDAY = datetime(2025, 9, 1, tzinfo=UTC)
START = date(2026, 1, 5)  # a Monday
NOW = datetime(2026, 1, 1, tzinfo=UTC)
PILLARS = [Pillar("Brew guides"), Pillar("Behind the bar"), Pillar("Community")]


def post(weekday: int, hour: int, rate: float, week: int, platform: str = "instagram") -> PostRecord:
    return PostRecord(
        platform, HISTORY_MONDAY + timedelta(days=weekday + 7 * week, hours=hour), 1000, round(rate * 1000)
    )


def history(platform: str = "instagram") -> list[PostRecord]:
    """Tuesdays 08:00 and Thursdays 10:00 win clearly (8%); Tuesdays 07:00 come second (6%); afternoons are 1%."""
    records = [post(1, 8, 0.08, w, platform) for w in range(8)] + [post(3, 10, 0.08, w, platform) for w in range(8)]
    records += [post(1, 7, 0.06, w, platform) for w in range(8)]
    records += [
        post(d, h, 0.01, w, platform) for w in range(8) for d, h in ((0, 15), (2, 15), (4, 15), (0, 16), (2, 16))
    ]
    return records


def plan(cadence: dict[str, Cadence], days: int = 14, busy=(), pillars=PILLARS, **kwargs) -> CalendarPlan:
    timezone = kwargs.pop("timezone", "UTC")
    start = kwargs.pop("start", START)
    best = kwargs.pop("best", None)
    if best is None:
        best = {p: best_times(history(p), p, timezone) for p in cadence}
    end = start + timedelta(days=days - 1)
    return plan_calendar(start, end, timezone, cadence, best, pillars, busy, now=kwargs.pop("now", NOW), **kwargs)


def tue_thu_mornings(platform: str = "instagram", per_week: float = 2) -> Cadence:
    return Cadence(platform, per_week, weekdays=(1, 3), day_part="morning")


def local(at: datetime, timezone: str = "UTC") -> tuple[date, int]:
    shifted = at.astimezone(ZoneInfo(timezone))
    return shifted.date(), shifted.hour


def test_two_a_week_on_tue_thu_mornings_lands_on_the_winning_hours():
    result = plan({"instagram": tue_thu_mornings()})
    assert [local(s.at) for s in result.slots] == [
        (date(2026, 1, 6), 8),
        (date(2026, 1, 8), 10),
        (date(2026, 1, 13), 8),
        (date(2026, 1, 15), 10),
    ]
    assert all(s.at.utcoffset() == timedelta(0) and s.platform == "instagram" for s in result.slots)
    first = result.slots[0]
    best = best_times(history(), "instagram", "UTC")
    assert first.expected_rate == next(s.rate for s in best.slots if (s.weekday, s.hour) == (1, 8))
    assert first.why.startswith("Tuesday 08:00 is your best Instagram morning hour")
    assert "6.6% expected from 8 of your posts" in first.why
    assert result.notes == []


@pytest.mark.parametrize(
    ("per_week", "weekdays", "days", "expected"),
    [
        (3, (0, 2, 4), 14, [0, 2, 4, 7, 9, 11]),  # every allowed day once
        (1, (1, 3), 14, [3, 10]),  # one a week, a week apart, not both in the first week
        (2, (1, 3), 7, [1, 3]),
        (0.5, (1, 3), 7, [3]),  # rounds to zero, but a positive cadence gets at least one post
        (1.5, tuple(range(7)), 14, [2, 7, 11]),  # round(3.0) spread over 14 days
    ],
)
def test_the_post_count_is_exact_and_spread_evenly(per_week, weekdays, days, expected):
    result = plan({"instagram": Cadence("instagram", per_week, weekdays=weekdays)}, days=days)
    assert [(s.at.date() - START).days for s in result.slots] == expected


def test_more_posts_than_days_share_days_evenly_and_keep_the_gap():
    result = plan({"instagram": Cadence("instagram", 10, weekdays=(1, 2, 3, 4, 5))}, days=7, min_gap_hours=3)
    per_day = Counter(s.at.date() for s in result.slots)
    assert sum(per_day.values()) == 10 and set(per_day.values()) == {2}
    assert all(b.at - a.at >= timedelta(hours=3) for a, b in pairwise(result.slots))


def test_a_busy_item_moves_the_post_to_the_next_best_hour():
    busy = [Busy("instagram", datetime(2026, 1, 6, 8, 30, tzinfo=UTC), "scheduled post 3f2a")]
    result = plan({"instagram": tue_thu_mornings()}, busy=busy, min_gap_hours=1)
    assert local(result.slots[0].at) == (date(2026, 1, 6), 7)  # 08:00 is 30 minutes from the busy post
    assert "Tuesday 07:00 is your best free Instagram morning hour" in result.slots[0].why
    assert "Tuesday 08:00 was not free" in result.slots[0].why
    assert len(result.slots) == 4


def test_busy_items_on_other_platforms_do_not_block_but_same_hour_is_avoided():
    busy = [Busy("linkedin", datetime(2026, 1, 6, 8, tzinfo=UTC), "calendar: Brew guides")]
    result = plan({"instagram": tue_thu_mornings()}, busy=busy)
    assert local(result.slots[0].at) == (date(2026, 1, 6), 7)  # not the linkedin hour, the next best
    busy = [Busy("linkedin", datetime(2026, 1, 6, 9, tzinfo=UTC), "calendar: Brew guides")]
    assert local(plan({"instagram": tue_thu_mornings()}, busy=busy).slots[0].at) == (date(2026, 1, 6), 8)


def test_a_full_day_hands_its_post_to_the_next_allowed_day():
    cadence = {"instagram": Cadence("instagram", 2, weekdays=(1, 2, 3), day_part="morning")}
    busy = [Busy("instagram", datetime(2026, 1, 6, 8, tzinfo=UTC), "scheduled post")]  # 4h gap covers 06-10
    result = plan(cadence, days=7, busy=busy)
    assert [s.at.date() for s in result.slots] == [date(2026, 1, 7), date(2026, 1, 8)]
    assert result.notes == ["Instagram: Tue 6 Jan had no free hour; its post moved to Wed 7 Jan."]


def test_when_no_day_nearby_is_free_the_post_is_skipped_with_a_note():
    busy = [Busy("instagram", datetime(2026, 1, 6, 8, tzinfo=UTC), "scheduled post")]
    result = plan({"instagram": tue_thu_mornings()}, busy=busy, min_gap_hours=5)  # Thursday's post fills Thursday
    assert [s.at.date() for s in result.slots] == [date(2026, 1, 8), date(2026, 1, 13), date(2026, 1, 15)]
    assert "Instagram: no free hour on Tue 6 Jan or the allowed days beside it; skipped." in result.notes
    assert "Instagram: planned 3 of the 4 posts the cadence asks for." in result.notes


def test_the_minimum_gap_holds_against_planned_and_busy_posts():
    busy = [Busy("instagram", datetime(2026, 1, 5 + d, 12, tzinfo=UTC), "queued") for d in range(7)]
    result = plan({"instagram": Cadence("instagram", 14)}, days=7, busy=busy, min_gap_hours=4)
    assert len(result.slots) == 14
    times = sorted([s.at for s in result.slots] + [b.at for b in busy])
    assert all(b - a >= timedelta(hours=4) for a, b in pairwise(times))


def test_two_platforms_with_the_same_best_hour_share_the_day_but_not_the_hour():
    cadence = {"instagram": tue_thu_mornings(), "linkedin": tue_thu_mornings("linkedin")}
    result = plan(cadence)
    assert len(result.slots) == 8
    assert len({local(s.at) for s in result.slots}) == 8
    by_day = Counter(s.at.date() for s in result.slots)
    assert set(by_day.values()) == {2}


def test_pillars_are_balanced_across_the_plan_and_respect_platforms():
    pillars = [*PILLARS, Pillar("Hiring", platforms=("linkedin",))]
    cadence = {"instagram": Cadence("instagram", 5), "linkedin": Cadence("linkedin", 2, weekdays=(1, 3))}
    result = plan(cadence, pillars=pillars)
    counts = Counter(s.pillar for s in result.slots)
    assert set(counts) == {p.name for p in pillars}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert all(s.pillar != "Hiring" for s in result.slots if s.platform == "instagram")
    assert result.slots == plan(cadence, pillars=pillars).slots  # deterministic


def test_without_pillars_posts_are_general_and_the_campaign_is_carried():
    result = plan({"instagram": tue_thu_mornings()}, pillars=[], campaign="Autumn blend")
    assert {s.pillar for s in result.slots} == {"general"}
    assert {s.campaign for s in result.slots} == {"Autumn blend"}
    assert "No content pillars were given; posts are labelled 'general'." in result.notes


def test_formats_follow_the_weekly_proportion_interleaved_without_stories():
    formats = (("feed post", 5.0), ("reel", 3.0), ("story", 7.0))
    result = plan({"instagram": Cadence("instagram", 8, formats=formats)}, days=7, min_gap_hours=2)
    names = [s.format for s in result.slots]
    assert Counter(names) == {"feed post": 5, "reel": 3}
    assert "feed post, feed post, feed post" not in ", ".join(names)
    assert {s.format for s in plan({"instagram": tue_thu_mornings()}).slots} == {None}


@pytest.mark.parametrize(
    ("start", "end", "timezone", "message"),
    [
        (date(2026, 1, 10), date(2026, 1, 9), "UTC", "before the start date"),
        (date(2026, 1, 1), date(2026, 4, 3), "UTC", "at most 92 days"),
        (date(2026, 1, 1), date(2026, 1, 7), "Mars/Olympus_Mons", "IANA name"),
    ],
)
def test_bad_periods_and_time_zones_are_refused_with_a_clear_message(start, end, timezone, message):
    with pytest.raises(ValueError, match=message):
        plan_calendar(start, end, timezone, {"x": Cadence("x", 1)}, {}, PILLARS, now=NOW)


def test_a_92_day_period_is_accepted():
    result = plan_calendar(date(2026, 1, 1), date(2026, 4, 2), "UTC", {"x": Cadence("x", 1)}, {}, PILLARS, now=NOW)
    assert len(result.slots) == 13


def test_nothing_is_planned_before_now_plus_the_lead_time():
    now = datetime(2026, 1, 6, 9, 30, tzinfo=UTC)  # Tuesday morning is gone once the hour's lead time is added
    result = plan({"instagram": tue_thu_mornings()}, now=now)
    assert all(s.at >= now + timedelta(minutes=60) for s in result.slots)
    # 13 days left still ask for round(2 * 13 / 7) = 4 posts; Tuesday's moves to Thursday, 4 hours before its own
    assert [local(s.at) for s in result.slots] == [
        (date(2026, 1, 8), 6),
        (date(2026, 1, 8), 10),
        (date(2026, 1, 13), 8),
        (date(2026, 1, 15), 10),
    ]
    assert "Instagram: Tue 6 Jan had no free hour; its post moved to Thu 8 Jan." in result.notes
    assert "Planning starts on Tue 6 Jan: earlier days are past or inside the lead time." in result.notes
    past = plan({"instagram": tue_thu_mornings()}, now=datetime(2026, 2, 1, tzinfo=UTC))
    assert past.slots == [] and past.notes == ["The whole period is already past; nothing was planned."]


def test_local_hours_stay_put_across_a_dst_change():
    zone = "America/New_York"  # clocks go back on Sunday 1 November 2026
    tuesday_9am = datetime(2026, 9, 1, 9, tzinfo=ZoneInfo(zone))  # in summer time
    wins = [PostRecord("instagram", tuesday_9am + timedelta(weeks=w), 1000, 80) for w in range(8)]
    wins += [PostRecord("instagram", tuesday_9am + timedelta(weeks=w, hours=6), 1000, 10) for w in range(8)]
    best = {"instagram": best_times(wins, "instagram", zone)}
    cadence = {"instagram": Cadence("instagram", 1, weekdays=(1,), day_part="morning")}
    result = plan(cadence, start=date(2026, 10, 26), timezone=zone, best=best, now=datetime(2026, 10, 1, tzinfo=UTC))
    assert [local(s.at, zone) for s in result.slots] == [(date(2026, 10, 27), 9), (date(2026, 11, 3), 9)]
    assert [s.at.hour for s in result.slots] == [13, 14]  # EDT is UTC-4, EST is UTC-5


def test_without_history_the_why_says_it_is_the_prior():
    best = {"instagram": best_times([], "instagram", "UTC")}
    result = plan({"instagram": tue_thu_mornings()}, best=best, days=7)
    assert [local(s.at)[1] for s in result.slots] == [9, 9]
    assert (
        result.slots[0].why
        == "Tuesday 09:00 is your best Instagram morning hour (2.4% expected; prior: no history yet)"
    )
    missing = plan({"instagram": tue_thu_mornings()}, best={}, days=7)
    assert [s.at for s in missing.slots] == [s.at for s in result.slots]
    assert "Instagram: no best-times data was given, so hours follow general guidance." in missing.notes


def test_naive_times_and_unknown_day_parts_are_refused():
    with pytest.raises(ValueError, match="time-zone aware"):
        plan_calendar(START, START, "UTC", {"x": Cadence("x", 1)}, {}, PILLARS, now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="Unknown day part 'brunch'"):
        plan_calendar(START, START, "UTC", {"x": Cadence("x", 1, day_part="brunch")}, {}, PILLARS, now=NOW)
