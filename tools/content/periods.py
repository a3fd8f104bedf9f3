"""Understand the planning period a chat message names ("next week", "Dec 1-14", "Q1") as local dates."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = tuple("January February March April May June July August September October November December".split())
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {w: i for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_ORDINALS = ("first", "second", "third", "fourth", "1st", "2nd", "3rd", "4th")
_HINT = "e.g. 'next week', 'Dec 1-14' or '2026-12-01 to 2026-12-14'"

# A day of the month: not part of a slash date, a time, a decimal or a count ("5 posts", "9am", "20%", "3x").
_NOT_COUNT = (
    r"(?!\s*(?:%|[ap]\.?m\b|x\b)|\s+(?:posts?|reels?|stor(?:y|ies)|videos?|hashtags?|tweets?|threads?|carousels?"
    r"|emails?|ads?|images?|photos?|times?|shorts?|slides?|pins?|per)\b)"
)
_DAY = rf"(?<![\w/.:])(\d{{1,2}})(?:st|nd|rd|th)?(?![\d/:]){_NOT_COUNT}"
_MON = r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
_MON += r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
_YEAR = r"(?:,?\s+(\d{4})(?!\d))?"
_SEP = r"(?:\s*-\s*|\s+(?:to|until|till|through|thru)\s+)"
_ISO = r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/])"
_COUNT = r"(\d{1,3}|" + "|".join(_NUMBERS) + ")"


class PeriodError(ValueError):
    """A message names a period that cannot be planned; the text says what was wrong and how to phrase it."""


@dataclass(frozen=True)
class Period:
    """A planning period in the brand's local dates, both ends inclusive."""

    start: date
    end: date
    label: str  # plain words, e.g. "next week (Mon 30 Nov – Sun 6 Dec 2026)"
    stated: bool  # False when the message named no period and the default was used


_Span = tuple[date, date, str]  # start, end, words for the label ("" when the dates say it all)
_Build = Callable[[re.Match[str], date], _Span | None]
_RULES: list[tuple[re.Pattern[str], _Build]] = []


def period_in(text: str, today: date, *, default_days: int = 7, max_days: int = 92) -> Period:
    """The period `text` names, relative to `today` (the brand's local date), never starting before `today`.

    Explicit dates win over relative phrases, which win over single days. A message that names no period gets the
    next `default_days` days from tomorrow, with `stated` False. Periods already over move to next year when no year
    was given. Raises PeriodError (a ValueError) for an impossible period: a date that does not exist, an end before
    its start, a period already over, or one longer than `max_days`.
    """
    lowered = re.sub("[\u2013\u2014]", "-", text.lower())
    for pattern, build in _RULES:
        for match in pattern.finditer(lowered):
            span = build(match, today)
            if span:
                return _finish(*span, today, max_days)
    start, end, words = _from_tomorrow(today, default_days)
    return _finish(start, end, words, today, max_days, stated=False)


def _finish(start: date, end: date, words: str, today: date, max_days: int, stated: bool = True) -> Period:
    if end < start:
        raise PeriodError(
            f"That period ends ({_day(end)}) before it starts ({_day(start)}); put the earlier date first, {_HINT}."
        )
    if end < today:
        raise PeriodError(f"{_span(start, end)} is already over; name a period from today ({_day(today)}) on, {_HINT}.")
    if start < today:
        start, words = today, (f"the rest of {words}" if words else "from today")
    days = (end - start).days + 1
    if days > max_days:
        raise PeriodError(
            f"That period is {days} days; I plan at most {max_days} days at a time, so ask for less, {_HINT}."
        )
    return Period(start, end, f"{words} ({_span(start, end)})" if words else _span(start, end), stated)


def _day(d: date) -> str:
    return f"{_WEEKDAYS[d.weekday()][:3].title()} {d.day} {_MONTHS[d.month - 1][:3]}"


def _span(start: date, end: date) -> str:
    if start == end:
        return f"{_day(start)} {start.year}"
    if start.year == end.year:
        return f"{_day(start)} – {_day(end)} {end.year}"
    return f"{_day(start)} {start.year} – {_day(end)} {end.year}"


def _date(year: int, month: int, day: int) -> date:
    """The date, or a PeriodError that says why it does not exist."""
    if not 1 <= month <= 12:
        raise PeriodError(f"{year}-{month:02}-{day:02} has no month {month}; write dates as YYYY-MM-DD, {_HINT}.")
    try:
        return date(year, month, day)
    except ValueError:
        name, last = _MONTHS[month - 1], calendar.monthrange(year, month)[1]
        raise PeriodError(
            f"{day} {name} {year} does not exist: {name} has {last} days, e.g. '{name[:3]} 1-{last}'."
        ) from None


def _month(name: str) -> int:
    return "janfebmaraprmayjunjulaugsepoctnovdec".index(name[:3]) // 3 + 1


def _whole_month(year: int, month: int, words: str = "") -> _Span:
    end = date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, 1), end, words or _MONTHS[month - 1]


def _from_tomorrow(today: date, days: int) -> _Span:
    if days < 1:
        raise PeriodError("Ask for at least one day, e.g. 'next 3 days' or 'next two weeks'.")
    return today + timedelta(days=1), today + timedelta(days=days), f"the next {days} days"


def _week(today: date, weeks_ahead: int, words: str) -> _Span:
    monday = today + timedelta(days=7 * weeks_ahead - today.weekday())
    return monday, monday + timedelta(days=6), words


def _day_month(d1: int, m1: int, d2: int, m2: int, year: str | None, today: date) -> _Span:
    """Day-month dates; "Dec 1 to Jan 5" runs into the next year; with no year, a range already over moves on one."""
    wrap = int(m2 < m1)
    if year:
        end_year = int(year)
    elif wrap and (m2, d2) >= (today.month, today.day):  # asked in January about "Dec 20 - Jan 5": this January
        end_year = today.year
    else:
        end_year = today.year + wrap
        if (end_year, m2, d2) < (today.year, today.month, today.day):
            end_year += 1
    return _date(end_year - wrap, m1, d1), _date(end_year, m2, d2), ""


def _rule(pattern: str) -> Callable[[_Build], _Build]:
    """Register a builder for `pattern`; rules are tried in the order they are defined."""

    def register(build: _Build) -> _Build:
        _RULES.append((re.compile(pattern), build))
        return build

    return register


@_rule(rf"{_ISO}(?:{_SEP}{_ISO})?")
def _iso(m: re.Match[str], today: date) -> _Span:
    y1, m1, d1, y2, m2, d2 = (int(g) if g else 0 for g in m.groups())
    start = _date(y1, m1, d1)
    return start, (_date(y2, m2, d2) if y2 else start), ""


@_rule(rf"{_MON}\s+{_DAY}(?:{_SEP}(?:{_MON}\s+)?{_DAY})?{_YEAR}")
def _month_first(m: re.Match[str], today: date) -> _Span:
    m1, d1, m2, d2, year = m.groups()
    return _day_month(int(d1), _month(m1), int(d2 or d1), _month(m2 or m1), year, today)


@_rule(rf"{_DAY}(?:\s+(?:of\s+)?{_MON})?(?:{_SEP}{_DAY})?\s+(?:of\s+)?{_MON}{_YEAR}")
def _day_first(m: re.Match[str], today: date) -> _Span:
    d1, m1, d2, m2, year = m.groups()
    return _day_month(int(d1), _month(m1 or m2), int(d2 or d1), _month(m2), year, today)


@_rule(r"\b(this|next)\s+weekend\b")
def _weekend(m: re.Match[str], today: date) -> _Span:
    saturday = today + timedelta(days=5 - today.weekday() + 7 * (m[1] == "next"))
    return max(saturday, today), saturday + timedelta(days=1), f"{m[1]} weekend"


@_rule(r"\b(?:(this|next)\s+week|(?:the\s+)?week\s+after\s+next)\b")
def _week_rule(m: re.Match[str], today: date) -> _Span:
    if m[1] == "this":
        return today, today + timedelta(days=6 - today.weekday()), "this week"
    return _week(today, 1, "next week") if m[1] else _week(today, 2, "the week after next")


@_rule(rf"\b(?:next|coming|following)\s+(?:{_COUNT}\s+(days?|weeks?)|(fortnight))\b")
def _next_n(m: re.Match[str], today: date) -> _Span:
    if m[3]:
        return _from_tomorrow(today, 14)
    n = int(m[1]) if m[1].isdigit() else _NUMBERS[m[1]]
    return _from_tomorrow(today, n * (7 if m[2].startswith("week") else 1))


@_rule(r"\b(?:(?:the\s+)?rest\s+of\s+(?:the|this)|this|(next))\s+month\b")
def _month_rule(m: re.Match[str], today: date) -> _Span:
    if not m[1]:
        return _whole_month(today.year, today.month)  # the rest of it, once clipped to today
    first = today.replace(day=28) + timedelta(days=4)
    return _whole_month(first.year, first.month, "next month")


@_rule(r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)(?:\s+(?:of\s+)?(\d{4}))?(?!\w)")
def _quarter(m: re.Match[str], today: date) -> _Span:
    q = int(m[1]) if m[1] else _ORDINALS.index(m[2]) % 4 + 1
    year = int(m[3]) if m[3] else today.year + (today.month > 3 * q)
    start, end, _ = _whole_month(year, 3 * q)
    return start.replace(month=3 * q - 2), end, f"Q{q} {year}"


@_rule(rf"(?:\b(in|for|during|throughout|over|across|of)\s+)?{_MON}{_YEAR}")
def _month_name(m: re.Match[str], today: date) -> _Span | None:
    preposition, name, year = m.groups()
    if name.startswith(("may", "mar")) and not (preposition or year):
        return None  # "we may post", "don't mar the logo": a verb unless "in May" or "March 2027"
    month = _month(name)
    return _whole_month(int(year) if year else today.year + (month < today.month), month)


@_rule(r"\b(today|tomorrow)\b")
def _today_or_tomorrow(m: re.Match[str], today: date) -> _Span:
    day = today + timedelta(days=m[1] == "tomorrow")
    return day, day, m[1]


# a weekday after "every", or one the message rules out ("we never post on sunday"), is not the period
_NOT_THE_DAY = ("every", "each", "never post on", "never on", "not on", "no posts on", "except", "avoid", "skip")


@_rule("".join(f"(?<!{words} )" for words in _NOT_THE_DAY) + r"\b(" + "|".join(_WEEKDAYS) + r")\b")
def _weekday(m: re.Match[str], today: date) -> _Span:
    day = today + timedelta(days=(_WEEKDAYS.index(m[1]) - today.weekday() - 1) % 7 + 1)
    return day, day, m[1].capitalize()
