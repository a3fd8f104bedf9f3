"""When and where an event is, as a request states them ("Saturday Dec 13 at 2pm at the Portland studio")."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    rf"\b(?:(?:this|next)\s+)?{_DAY}\b|\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\btomorrow\b|\btonight\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\bnoon\b|\bmidnight\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE
)
_PLACE = re.compile(
    rf"\b(?:at|venue:?|location:?|held at)\s+(?!\d)(?!(?:noon|midnight|{_DAY})\b)([^,.;!?\n]+)", re.IGNORECASE
)
_LEAD_IN = re.compile(r"[\s,;:-]+(?:on|at|this|next|from|starting|held)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class EventDetails:
    """The date and time, and the place, a request gives (None for each it doesn't)."""

    when: str | None
    where: str | None


def _place(text: str) -> str | None:
    for match in reversed(list(_PLACE.finditer(text))):
        place = _DATE.split(match.group(1))[0]
        place = _TIME.split(place)[0]
        place = re.sub(r"\s+(?:on|from|this|next)\s*$", "", place.strip(), flags=re.IGNORECASE).strip()
        if place and not _TIME.fullmatch(place):
            return place[:1].upper() + place[1:]
    return None


def event_details(text: str) -> EventDetails:
    """The event's date and time ("Saturday Dec 13, 2pm") and place ("The Portland studio") from a request."""
    dates = [m.group(0) for m in _DATE.finditer(text)]
    times = [m.group(0).replace(" ", "") for m in _TIME.finditer(text)]
    when = " ".join(dates)
    if times:
        when = f"{when}, {'-'.join(times)}" if when else "-".join(times)
    return EventDetails(when=when or None, where=_place(text))


def without_event_details(topic: str) -> str:
    """A topic cut before its first date, time or place ("our workshop on Saturday at 2pm" -> "our workshop")."""
    starts = [m.start() for pattern in (_DATE, _TIME, _PLACE) for m in [pattern.search(topic)] if m]
    if not starts:
        return topic
    cut = _LEAD_IN.sub("", topic[: min(starts)]).strip()
    return cut or topic
