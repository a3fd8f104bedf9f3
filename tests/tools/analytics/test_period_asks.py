"""Reading report periods ("how did last week go?") and what to compare them with out of chat messages."""

from datetime import date

import pytest

from tools.analytics.period_asks import PeriodAsk, period_ask

WEDNESDAY = date(2025, 11, 26)


def days(start, end, compare_start, compare_end, label, compare_label):
    return PeriodAsk(date(*start), date(*end), date(*compare_start), date(*compare_end), label, compare_label)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "how did last week go?",
            days(
                (2025, 11, 17),
                (2025, 11, 24),
                (2025, 11, 10),
                (2025, 11, 17),
                "last week (Nov 17-23)",
                "the week before (Nov 10-16)",
            ),
        ),
        (
            "How's this month so far??",
            days(
                (2025, 11, 1),
                (2025, 11, 27),
                (2025, 10, 1),
                (2025, 10, 27),
                "this month so far (Nov 1-26)",
                "the same days of last month (Oct 1-26)",
            ),
        ),
        (
            "numbers for LAST MONTH pls",
            days(
                (2025, 10, 1),
                (2025, 11, 1),
                (2025, 9, 1),
                (2025, 10, 1),
                "last month (Oct 1-31)",
                "the month before (Sep 1-30)",
            ),
        ),
        (
            "last 30 days vs before",
            days(
                (2025, 10, 27),
                (2025, 11, 26),
                (2025, 9, 27),
                (2025, 10, 27),
                "last 30 days (Oct 27-Nov 25)",
                "the 30 days before (Sep 27-Oct 26)",
            ),
        ),
        (
            "yesterday's numbers?",
            days(
                (2025, 11, 25),
                (2025, 11, 26),
                (2025, 11, 18),
                (2025, 11, 19),
                "yesterday (Nov 25)",
                "the same day last week (Nov 18)",
            ),
        ),
        (
            "Q3 recap",
            days(
                (2025, 7, 1),
                (2025, 10, 1),
                (2025, 4, 1),
                (2025, 7, 1),
                "Q3 2025 (Jul 1-Sep 30)",
                "Q2 2025 (Apr 1-Jun 30)",
            ),
        ),
        (
            "how did last quarter go",
            days(
                (2025, 7, 1),
                (2025, 10, 1),
                (2025, 4, 1),
                (2025, 7, 1),
                "last quarter (Jul 1-Sep 30)",
                "the quarter before (Apr 1-Jun 30)",
            ),
        ),
        (
            "week of Nov 10",
            days(
                (2025, 11, 10),
                (2025, 11, 17),
                (2025, 11, 3),
                (2025, 11, 10),
                "week of Nov 10 (Nov 10-16)",
                "the week before (Nov 3-9)",
            ),
        ),
        (
            "how did the week of 12th november do",  # a Wednesday: its Monday-Sunday week
            days(
                (2025, 11, 10),
                (2025, 11, 17),
                (2025, 11, 3),
                (2025, 11, 10),
                "week of Nov 12 (Nov 10-16)",
                "the week before (Nov 3-9)",
            ),
        ),
        (
            "this week so far",
            days(
                (2025, 11, 24),
                (2025, 11, 27),
                (2025, 11, 17),
                (2025, 11, 20),
                "this week so far (Nov 24-26)",
                "the same days of last week (Nov 17-19)",
            ),
        ),
        (
            "past 2 weeks",
            days(
                (2025, 11, 12),
                (2025, 11, 26),
                (2025, 10, 29),
                (2025, 11, 12),
                "last 14 days (Nov 12-25)",
                "the 14 days before (Oct 29-Nov 11)",
            ),
        ),
        (
            "past week",  # rolling, unlike "last week"
            days(
                (2025, 11, 19),
                (2025, 11, 26),
                (2025, 11, 12),
                (2025, 11, 19),
                "last 7 days (Nov 19-25)",
                "the 7 days before (Nov 12-18)",
            ),
        ),
        (
            "Q4 so far?",
            days(
                (2025, 10, 1),
                (2025, 11, 27),
                (2025, 7, 1),
                (2025, 8, 27),
                "Q4 2025 so far (Oct 1-Nov 26)",
                "the same days of Q3 2025 (Jul 1-Aug 26)",
            ),
        ),
        (
            "ytd",
            days(
                (2025, 1, 1),
                (2025, 11, 27),
                (2024, 1, 1),
                (2024, 11, 27),
                "this year so far (Jan 1-Nov 26)",
                "the same days of last year (Jan 1-Nov 26 2024)",
            ),
        ),
        (
            "this month so far vs last week",  # the first period named is the one asked about
            days(
                (2025, 11, 1),
                (2025, 11, 27),
                (2025, 10, 1),
                (2025, 10, 27),
                "this month so far (Nov 1-26)",
                "the same days of last month (Oct 1-26)",
            ),
        ),
    ],
)
def test_period_ask_reads_the_period_and_its_comparison(text, expected):
    assert period_ask(text, WEDNESDAY) == expected


def test_last_week_on_a_monday_is_the_week_that_just_ended_across_the_year_end():
    assert period_ask("how did last week go", date(2026, 1, 5)) == days(
        (2025, 12, 29),
        (2026, 1, 5),
        (2025, 12, 22),
        (2025, 12, 29),
        "last week (Dec 29 2025-Jan 4 2026)",
        "the week before (Dec 22-28 2025)",
    )


def test_month_to_date_on_the_31st_compares_with_all_of_a_shorter_month():
    ask = period_ask("mtd", date(2025, 3, 31))
    assert (ask.compare_start, ask.compare_end) == (date(2025, 2, 1), date(2025, 3, 1))


def test_quarter_without_a_year_is_the_latest_that_has_begun():
    ask = period_ask("q3 numbers", date(2026, 2, 10))
    assert (ask.start, ask.end, ask.label) == (date(2025, 7, 1), date(2025, 10, 1), "Q3 2025 (Jul 1-Sep 30 2025)")


@pytest.mark.parametrize(
    "text",
    [
        "since black friday?",  # named holidays are left to the caller
        "how did BFCM week go",
        "what should we post next week?",
        "how are we doing?",
        "",
    ],
)
def test_period_ask_is_none_without_a_reporting_period(text):
    assert period_ask(text, WEDNESDAY) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("week of feb 30", "Feb 30 isn't a date"),
        ("how did q1 2026 go", "Q1 2026 .* hasn't started yet"),
        ("last 0 days", "at least one day"),
    ],
)
def test_period_ask_refuses_dates_that_do_not_exist_or_have_not_come(text, words):
    with pytest.raises(ValueError, match=words):
        period_ask(text, WEDNESDAY)
