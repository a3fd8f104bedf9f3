"""Reporting periods read from a marketer's message ("how did last week go?"), with what to compare them to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tools.analytics.asks import MONTH_NAME

_DAY = timedelta(days=1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WORDS = {w: i for i, w in enumerate("one two three four five six seven eight nine ten".split(), 1)} | {"thirty": 30}
_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_TO_DATE = {"w": "week", "m": "month", "q": "quarter", "y": "year"}  # wtd, mtd, qtd, ytd
_HOLIDAY = re.compile(
    r"black\s*friday|cyber\s*monday|bfcm|christmas|x-?mas|thanksgiving|easter|new\s+year|prime\s+day|boxing\s+day"
    r"|valentine|halloween|memorial\s+day|labou?r\s+day|singles'?\s+day|mother'?s\s+day|father'?s\s+day|super\s*bowl",
    re.I,
)
_PERIOD = re.compile(  # the first period named wins; "last week" is calendar, "past week" the last 7 days
    r"\b(?P<rel>last|previous|prior|this)\s+(?P<unit>week|month|quarter|year)\b|\b(?P<todate>w|m|q|y)td\b"
    r"|\b(?P<unit2>week|month|quarter|year)[\s-]+to[\s-]+date\b|\bq(?P<q>[1-4])(?:\s*'?(?P<y>\d{4}|\d{2})\b)?"
    rf"|\b(?:last|past|previous|trailing)\s+(?:(?P<n>\d{{1,3}}|{'|'.join(_WORDS)})\s+)?(?P<span>days?|weeks?)\b"
    rf"|\b(?:week\s+(?:of|starting|beginning|commencing)|w/c)\s+(?:{MONTH_NAME.replace('(', '(?P<m1>', 1)}"
    rf"\s+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME.replace('(', '(?P<m2>', 1)})"
    r"(?:,?\s+(?P<wy>\d{4}))?"
    r"|\b(?P<day>yesterday|today)\b",
    re.I,
)


@dataclass(frozen=True)
class PeriodAsk:
    """A reporting period and the one to compare it with, as [start, end) dates: `end` is the day after the last."""

    start: date
    end: date
    compare_start: date
    compare_end: date
    label: str  # "last week (Nov 17-23)"
    compare_label: str  # "the week before (Nov 10-16)"


def _month_start(day: date, shift: int = 0) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + shift, 12)
    return date(year, month + 1, 1)


def _step(day: date, unit: str, steps: int) -> date:
    return day + timedelta(weeks=steps) if unit == "week" else _month_start(day, steps * _UNIT_MONTHS[unit])


def _span(start: date, end: date, today: date) -> str:
    last = end - _DAY
    year = f" {last.year}" if start.year != today.year or last.year != today.year else ""
    head = f"{_MONTHS[start.month - 1]} {start.day}" + (f" {start.year}" if year and start.year != last.year else "")
    tail = str(last.day) if start.month == last.month else f"{_MONTHS[last.month - 1]} {last.day}"
    return head + year if start == last else f"{head}-{tail}{year}"


def _calendar(start: date, unit: str, today: date, words: str, before: str) -> tuple[date, date, date, date, str, str]:
    """A calendar period vs the one before; one still running ends today, against the same days of the one before."""
    end, previous = _step(start, unit, 1), _step(start, unit, -1)
    if start > today:
        raise ValueError(f"{words} ({_span(start, end, today)}) hasn't started yet; ask about one that has, e.g. 'Q3'.")
    if end <= today:
        return start, end, previous, start, words, before
    first = _step(_month_start(today), unit, -1)  # the same day of the month (or its last day) one period back
    same = min(first + (today - _month_start(today)), _month_start(first, 1) - _DAY)
    same = today - 7 * _DAY if unit == "week" else same
    return start, today + _DAY, previous, same + _DAY, f"{words} so far", f"the same days of {before}"


def period_ask(text: str, today: date) -> PeriodAsk | None:
    """The reporting period `text` asks about, relative to `today`, with the period to compare it to; or None.

    Weeks run Monday to Sunday. "last week" (month, quarter, year) is the previous full one against the one before;
    one still running ("this month", "Q4" in November) runs to today against the same days of the one before; "last
    30 days" ends yesterday, against the 30 days before; "yesterday" compares with the same weekday a week earlier.
    Returns None when no period is named, and for named holidays ("since black friday"): their dates are not worked
    out here. Raises ValueError for a date that does not exist or a period that has not begun.
    """
    if _HOLIDAY.search(text) or not (m := _PERIOD.search(text)):
        return None
    if m["day"]:
        start = today - _DAY * (m["day"].lower() == "yesterday")
        words = "yesterday" if start < today else "today so far"
        parts = (start, start + _DAY, start - 7 * _DAY, start - 6 * _DAY, words, "the same day last week")
    elif m["span"]:
        days = int(_WORDS.get((m["n"] or "").lower(), m["n"] or 1)) * (7 if m["span"].lower().startswith("w") else 1)
        if days < 1:
            raise ValueError("A period needs at least one day; ask for e.g. 'last 7 days'.")
        start = today - timedelta(days=days)  # rolling windows end yesterday: today's numbers are not all in
        parts = (start, today, start - timedelta(days=days), start, f"last {days} days", f"the {days} days before")
    elif m["q"]:
        q, year = int(m["q"]), (int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)) if m["y"] else today.year
        year -= not m["y"] and date(year, 3 * q - 2, 1) > today  # without a year: the latest one that has begun
        start = date(year, 3 * q - 2, 1)
        previous = _step(start, "quarter", -1)
        parts = _calendar(start, "quarter", today, f"Q{q} {year}", f"Q{(q + 2) % 4 + 1} {previous.year}")
    elif m["d1"] or m["d2"]:
        month, day = _MONTHS.index((m["m1"] or m["m2"]).title()) + 1, int(m["d1"] or m["d2"])
        year = int(m["wy"]) if m["wy"] else today.year - ((month, day) > (today.month, today.day))
        try:
            anchor = date(year, month, day)
        except ValueError:
            raise ValueError(f"{_MONTHS[month - 1]} {day} isn't a date; try e.g. 'week of Nov 10'.") from None
        start = anchor - timedelta(days=anchor.weekday())
        parts = _calendar(start, "week", today, f"week of {_MONTHS[month - 1]} {day}", "the week before")
    else:
        unit = (m["unit"] or m["unit2"] or _TO_DATE[m["todate"].lower()]).lower()
        back = (today.month - 1) % _UNIT_MONTHS.get(unit, 1)
        current = today - timedelta(days=today.weekday()) if unit == "week" else _month_start(today, -back)
        if (m["rel"] or "this").lower() == "this":
            parts = _calendar(current, unit, today, f"this {unit}", f"last {unit}")
        else:
            parts = _calendar(_step(current, unit, -1), unit, today, f"last {unit}", f"the {unit} before")
    start, end, compare_start, compare_end, words, before = parts
    spans = _span(start, end, today), _span(compare_start, compare_end, today)
    return PeriodAsk(start, end, compare_start, compare_end, f"{words} ({spans[0]})", f"{before} ({spans[1]})")
