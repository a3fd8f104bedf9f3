"""Tests for reading the planning period a chat message names."""

from __future__ import annotations

from datetime import date

import pytest

from tools.content.periods import Period, PeriodError, period_in

TODAY = date(2026, 11, 27)  # a Friday
D = date

STATED = [
    # text, start, end, label
    (
        "can you plan our content calendar for next week across instagram and linkedin?",
        D(2026, 11, 30),
        D(2026, 12, 6),
        "next week (Mon 30 Nov – Sun 6 Dec 2026)",
    ),
    ("NEXT WEEK please", D(2026, 11, 30), D(2026, 12, 6), "next week (Mon 30 Nov – Sun 6 Dec 2026)"),
    ("what's on this week?", D(2026, 11, 27), D(2026, 11, 29), "this week (Fri 27 Nov – Sun 29 Nov 2026)"),
    ("the week after next", D(2026, 12, 7), D(2026, 12, 13), "the week after next (Mon 7 Dec – Sun 13 Dec 2026)"),
    ("plan the next 2 weeks", D(2026, 11, 28), D(2026, 12, 11), "the next 14 days (Sat 28 Nov – Fri 11 Dec 2026)"),
    ("for the next two weeks", D(2026, 11, 28), D(2026, 12, 11), "the next 14 days (Sat 28 Nov – Fri 11 Dec 2026)"),
    ("over the coming fortnight", D(2026, 11, 28), D(2026, 12, 11), "the next 14 days (Sat 28 Nov – Fri 11 Dec 2026)"),
    ("next fortnight", D(2026, 11, 28), D(2026, 12, 11), "the next 14 days (Sat 28 Nov – Fri 11 Dec 2026)"),
    ("next 10 days", D(2026, 11, 28), D(2026, 12, 7), "the next 10 days (Sat 28 Nov – Mon 7 Dec 2026)"),
    ("the next ten days", D(2026, 11, 28), D(2026, 12, 7), "the next 10 days (Sat 28 Nov – Mon 7 Dec 2026)"),
    ("next twelve weeks", D(2026, 11, 28), D(2027, 2, 19), "the next 84 days (Sat 28 Nov 2026 – Fri 19 Feb 2027)"),
    ("the rest of the month", D(2026, 11, 27), D(2026, 11, 30), "the rest of November (Fri 27 Nov – Mon 30 Nov 2026)"),
    ("this month", D(2026, 11, 27), D(2026, 11, 30), "the rest of November (Fri 27 Nov – Mon 30 Nov 2026)"),
    ("next month", D(2026, 12, 1), D(2026, 12, 31), "next month (Tue 1 Dec – Thu 31 Dec 2026)"),
    ("December", D(2026, 12, 1), D(2026, 12, 31), "December (Tue 1 Dec – Thu 31 Dec 2026)"),
    ("ideas for dec", D(2026, 12, 1), D(2026, 12, 31), "December (Tue 1 Dec – Thu 31 Dec 2026)"),
    ("posts in January 2027", D(2027, 1, 1), D(2027, 1, 31), "January (Fri 1 Jan – Sun 31 Jan 2027)"),
    ("a calendar for October", D(2027, 10, 1), D(2027, 10, 31), "October (Fri 1 Oct – Sun 31 Oct 2027)"),
    ("plan November", D(2026, 11, 27), D(2026, 11, 30), "the rest of November (Fri 27 Nov – Mon 30 Nov 2026)"),
    ("launch in may", D(2027, 5, 1), D(2027, 5, 31), "May (Sat 1 May – Mon 31 May 2027)"),
    ("this weekend", D(2026, 11, 28), D(2026, 11, 29), "this weekend (Sat 28 Nov – Sun 29 Nov 2026)"),
    ("next weekend", D(2026, 12, 5), D(2026, 12, 6), "next weekend (Sat 5 Dec – Sun 6 Dec 2026)"),
    ("a post for tomorrow", D(2026, 11, 28), D(2026, 11, 28), "tomorrow (Sat 28 Nov 2026)"),
    ("anything for today?", D(2026, 11, 27), D(2026, 11, 27), "today (Fri 27 Nov 2026)"),
    ("something on Friday", D(2026, 12, 4), D(2026, 12, 4), "Friday (Fri 4 Dec 2026)"),
    ("on tuesday", D(2026, 12, 1), D(2026, 12, 1), "Tuesday (Tue 1 Dec 2026)"),
    ("2026-12-01 to 2026-12-14", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("from 2026-12-01 until 2026-12-14", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("one post on 2026-12-03", D(2026, 12, 3), D(2026, 12, 3), "Thu 3 Dec 2026"),
    ("Dec 1-14", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("December 1 to 14", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("1–14 December", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("the 3rd of december", D(2026, 12, 3), D(2026, 12, 3), "Thu 3 Dec 2026"),
    ("Dec 1 to Jan 5", D(2026, 12, 1), D(2027, 1, 5), "Tue 1 Dec 2026 – Tue 5 Jan 2027"),
    ("1 dec to 5 jan", D(2026, 12, 1), D(2027, 1, 5), "Tue 1 Dec 2026 – Tue 5 Jan 2027"),
    ("Nov 1-14", D(2027, 11, 1), D(2027, 11, 14), "Mon 1 Nov – Sun 14 Nov 2027"),
    ("Nov 20-30", D(2026, 11, 27), D(2026, 11, 30), "from today (Fri 27 Nov – Mon 30 Nov 2026)"),
    ("Q1", D(2027, 1, 1), D(2027, 3, 31), "Q1 2027 (Fri 1 Jan – Wed 31 Mar 2027)"),
    ("the first quarter", D(2027, 1, 1), D(2027, 3, 31), "Q1 2027 (Fri 1 Jan – Wed 31 Mar 2027)"),
    ("q3 2027", D(2027, 7, 1), D(2027, 9, 30), "Q3 2027 (Thu 1 Jul – Thu 30 Sep 2027)"),
    ("Q4", D(2026, 11, 27), D(2026, 12, 31), "the rest of Q4 2026 (Fri 27 Nov – Thu 31 Dec 2026)"),
    # Other numbers in the message are not dates.
    (
        "5 posts a week for the next 2 weeks, 3 reels, at 9am",
        D(2026, 11, 28),
        D(2026, 12, 11),
        "the next 14 days (Sat 28 Nov – Fri 11 Dec 2026)",
    ),
    (
        "in december 5 posts a week and 2 hashtags",
        D(2026, 12, 1),
        D(2026, 12, 31),
        "December (Tue 1 Dec – Thu 31 Dec 2026)",
    ),
    ("20% off from Dec 1 to 14, 3 reels", D(2026, 12, 1), D(2026, 12, 14), "Tue 1 Dec – Mon 14 Dec 2026"),
    ("schedule at 9:30 on dec 3", D(2026, 12, 3), D(2026, 12, 3), "Thu 3 Dec 2026"),
    ("3x a week next month", D(2026, 12, 1), D(2026, 12, 31), "next month (Tue 1 Dec – Thu 31 Dec 2026)"),
]

DEFAULT = Period(D(2026, 11, 28), D(2026, 12, 4), "the next 7 days (Sat 28 Nov – Fri 4 Dec 2026)", stated=False)

UNSTATED = [
    "write me a caption",
    "5 posts a week, 3 reels, at 9am, 20% off, 2 hashtags",
    "we may post twice",  # "may" is a verb here
    "post every friday",  # recurring, not a period
    "from 3/12 to 3/14",  # slash dates are ambiguous (d/m or m/d), so ignored
]

ERRORS = [
    ("31 February", "31 February 2027 does not exist"),
    ("2026-02-31", "31 February 2026 does not exist"),
    ("2026-13-01", "no month 13"),
    ("2026-12-14 to 2026-12-01", "before it starts"),
    ("Dec 14 to Dec 1", "before it starts"),
    ("next 20 weeks", "140 days"),
    ("2026-12-01 to 2027-03-31", "121 days; I plan at most 92"),
    ("2025-12-01", "already over"),
    ("next 0 days", "at least one day"),
]


@pytest.mark.parametrize(("text", "start", "end", "label"), STATED, ids=[row[0][:40] for row in STATED])
def test_period_in_reads_the_named_period(text: str, start: date, end: date, label: str) -> None:
    assert period_in(text, TODAY) == Period(start, end, label, stated=True)


@pytest.mark.parametrize("text", UNSTATED)
def test_period_in_defaults_to_the_next_days_when_no_period_is_named(text: str) -> None:
    assert period_in(text, TODAY) == DEFAULT


def test_default_days_sets_the_default_length() -> None:
    period = period_in("hi", TODAY, default_days=3)
    assert (period.start, period.end, period.stated) == (D(2026, 11, 28), D(2026, 11, 30), False)


@pytest.mark.parametrize(("text", "words"), ERRORS, ids=[row[0] for row in ERRORS])
def test_period_in_explains_impossible_periods(text: str, words: str) -> None:
    with pytest.raises(PeriodError, match=words) as caught:
        period_in(text, TODAY)
    assert isinstance(caught.value, ValueError)


def test_max_days_counts_only_the_days_from_today() -> None:
    assert period_in("2026-08-01 to 2026-12-31", TODAY).start == TODAY
    with pytest.raises(PeriodError, match="90 days; I plan at most 60"):
        period_in("Q1", TODAY, max_days=60)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("this week", D(2026, 11, 29), D(2026, 11, 29)),
        ("this weekend", D(2026, 11, 29), D(2026, 11, 29)),
        ("next weekend", D(2026, 12, 5), D(2026, 12, 6)),
        ("next week", D(2026, 11, 30), D(2026, 12, 6)),
        ("on sunday", D(2026, 12, 6), D(2026, 12, 6)),
    ],
)
def test_relative_periods_from_a_sunday(text: str, start: date, end: date) -> None:
    period = period_in(text, D(2026, 11, 29))
    assert (period.start, period.end) == (start, end)


def test_next_month_from_december_is_next_january() -> None:
    assert period_in("next month", D(2026, 12, 31)).label == "next month (Fri 1 Jan – Sun 31 Jan 2027)"


def test_a_range_over_new_year_asked_in_january_is_this_january():
    period = period_in("plan dec 20 - jan 5", date(2027, 1, 3))
    assert (period.start, period.end) == (date(2027, 1, 3), date(2027, 1, 5))


@pytest.mark.parametrize("text", ["plan content, we never post on sunday", "plan posts but skip friday"])
def test_a_weekday_the_message_rules_out_is_not_the_period(text):
    assert not period_in(text, TODAY).stated
