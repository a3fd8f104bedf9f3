"""A posting calendar for a period: days from the cadence, hours from best times, pillars and formats rotated."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tools.analytics.best_times import WEEKDAYS, BestTimes, Slot, best_times
from tools.content.brand_plan import Cadence, Pillar
from tools.platforms.specs import get_platform

MAX_DAYS = 92
# Local starting hours each part of the day allows (end exclusive); None is the whole waking day, 07:00-21:00.
DAY_PART_HOURS: dict[str | None, range] = {
    "morning": range(6, 11),
    "midday": range(11, 14),
    "afternoon": range(14, 17),
    "evening": range(17, 22),
    None: range(7, 22),
}


@dataclass(frozen=True)
class Busy:
    """Something already on the calendar or in the publishing queue."""

    platform: str
    at: datetime  # aware
    label: str  # e.g. "scheduled post 3f2a…" or "calendar: Brew guides"
    planned: bool = False  # a calendar slot still only planned (planning its dates again replaces it)


@dataclass(frozen=True)
class PlannedSlot:
    """One post the plan proposes: when (UTC), on which platform, about which pillar, in which format, and why."""

    platform: str
    at: datetime  # aware, UTC
    pillar: str
    campaign: str | None
    expected_rate: float  # the chosen slot's Slot.rate
    why: str
    format: str | None


@dataclass(frozen=True)
class CalendarPlan:
    """The planned posts in time order, and plain-words notes on anything the plan could not do as asked."""

    slots: list[PlannedSlot]
    notes: list[str]


@dataclass
class _Placed:
    platform: str
    at: datetime
    slot: Slot
    why: str


def plan_calendar(
    start: date,
    end: date,
    timezone: str,
    cadence: Mapping[str, Cadence],
    best: Mapping[str, BestTimes],
    pillars: Sequence[Pillar],
    busy: Sequence[Busy] = (),
    *,
    now: datetime,
    campaign: str | None = None,
    min_gap_hours: float = 4.0,
    lead_minutes: int = 60,
) -> CalendarPlan:
    """Plan posts from `start` to `end` (inclusive, local dates in `timezone`) for every platform in `cadence`.

    Rules:
    - Days: only days from `now + lead_minutes` on count. Each platform gets round(per_week * days / 7) posts
      (half up; at least one when per_week > 0 and an allowed day exists), spread evenly over the days whose
      weekday is in cadence.weekdays; when there are more posts than days, days get equal shares (±1).
    - Hours: the best-ranked slot of `best[platform]` for that weekday within the cadence's day part (whole
      waking day 07-21 without one). An hour is free when it is not before now + lead time, is at least
      `min_gap_hours` from every busy item and planned post on the same platform, and (preferably) is not the
      same local hour as another platform's post; that last rule is dropped only when nothing else is free.
    - Posts are placed day by day, platforms in name order, so earlier days claim hours first. Only then does a
      post whose day had no free hour try the next allowed day, then the previous one; else it is skipped.
    - Pillars: each post (in time order) gets the pillar suiting its platform that has been used least in the
      whole plan, ties going to platform-specific pillars, then the least recently used, then pillar order.
    - Formats: cadence.formats without stories, interleaved by smooth weighted round robin per platform.
    - Wall-clock hours are converted to UTC with zoneinfo, so a planned 09:00 stays 09:00 across DST changes.

    Raises:
        ValueError: on end before start, a period over 92 days, an unknown time zone or day part, or naive times.
    """
    zone = _validate(start, end, timezone, now, busy, cadence)
    earliest = now + timedelta(minutes=lead_minutes)
    first = max(start, earliest.astimezone(zone).date())
    if first > end:
        return CalendarPlan([], ["The whole period is already past; nothing was planned."])
    planner = _Planner(zone, earliest, timedelta(hours=min_gap_hours), [(b.platform, b.at) for b in busy])
    if first > start:
        planner.notes.append(f"Planning starts on {_day(first)}: earlier days are past or inside the lead time.")
    targets = sorted(t for p in sorted(cadence) for t in planner.add(p, cadence[p], best.get(p), first, end))
    placed = planner.place_all(targets)
    for platform in sorted(cadence):
        count, asked = sum(p.platform == platform for p in placed), sum(p == platform for _, p in targets)
        if count < asked:
            planner.notes.append(f"{_name(platform)}: planned {count} of the {asked} posts the cadence asks for.")
    names = _pillars(placed, pillars, planner.notes)
    formats = {p: iter(_formats(cadence[p].formats, sum(x.platform == p for x in placed))) for p in cadence}
    slots = [
        PlannedSlot(p.platform, p.at, name, campaign, p.slot.rate, p.why, next(formats[p.platform]))
        for p, name in zip(placed, names, strict=True)
    ]
    return CalendarPlan(slots, planner.notes)


class _Planner:
    """What is taken (busy items and planned posts, as UTC instants) and the rules for placing one more post."""

    def __init__(self, zone: ZoneInfo, earliest: datetime, gap: timedelta, taken: list[tuple[str, datetime]]) -> None:
        self.zone, self.earliest, self.gap, self.taken = zone, earliest, gap, taken
        self.notes: list[str] = []
        self.allowed: dict[str, list[date]] = {}
        self.ranked: dict[str, dict[int, list[Slot]]] = {}  # weekday -> its slots inside the day part, best first
        self.part: dict[str, str | None] = {}

    def add(
        self, platform: str, cadence: Cadence, times: BestTimes | None, first: date, end: date
    ) -> list[tuple[date, str]]:
        """Learn a platform's allowed days and ranked hours; return its (day, platform) posts, spread evenly."""
        if times is None:
            self.notes.append(f"{_name(platform)}: no best-times data was given, so hours follow general guidance.")
            times = best_times([], platform, self.zone.key)
        hours, span = DAY_PART_HOURS[cadence.day_part], (end - first).days + 1
        self.ranked[platform] = {d: [s for s in times.slots if s.weekday == d and s.hour in hours] for d in range(7)}
        self.part[platform] = cadence.day_part
        dates = (first + timedelta(days=i) for i in range(span))
        allowed = self.allowed[platform] = [d for d in dates if d.weekday() in cadence.weekdays]
        if cadence.per_week > 0 and not allowed:
            self.notes.append(f"{_name(platform)}: none of the cadence's weekdays fall in the period; nothing planned.")
        if cadence.per_week <= 0 or not allowed:
            return []
        count = max(1, math.floor(cadence.per_week * span / 7 + 0.5))
        return [(allowed[(2 * i + 1) * len(allowed) // (2 * count)], platform) for i in range(count)]

    def place_all(self, targets: list[tuple[date, str]]) -> list[_Placed]:
        """Place every post on its own day first, then give the ones that found no room a neighbouring day."""
        placed, homeless = [], []
        for day, platform in targets:
            spot = self.pick(day, platform)
            if spot:
                placed.append(spot)
            else:
                homeless.append((day, platform))
        placed += [self.move(day, platform) for day, platform in homeless]
        return sorted((p for p in placed if p), key=lambda p: (p.at, p.platform))

    def move(self, day: date, platform: str) -> _Placed | None:
        """Put a post `day` had no room for on the next allowed day, else the previous one; note a move or a skip."""
        allowed = self.allowed[platform]
        i = allowed.index(day)
        for other in [allowed[j] for j in (i + 1, i - 1) if 0 <= j < len(allowed)]:
            spot = self.pick(other, platform)
            if spot:
                self.notes.append(f"{_name(platform)}: {_day(day)} had no free hour; its post moved to {_day(other)}.")
                return spot
        self.notes.append(f"{_name(platform)}: no free hour on {_day(day)} or the allowed days beside it; skipped.")
        return None

    def pick(self, day: date, platform: str) -> _Placed | None:
        """The best free hour on `day`: first avoiding other platforms' hours, then allowing them."""
        slots = self.ranked[platform][day.weekday()]
        for strict in (True, False):
            for slot in slots:
                at = _to_utc(day, slot.hour, self.zone)
                if at is not None and at >= self.earliest and self.free(platform, at, strict):
                    self.taken.append((platform, at))
                    return _Placed(platform, at, slot, _why(slot, slots[0], platform, self.part[platform]))
        return None

    def free(self, platform: str, at: datetime, strict: bool) -> bool:
        """No post on `platform` closer than the gap (or in the same hour), nor, if strict, any post that hour."""
        hour = _hour_key(at, self.zone)
        for other, when in self.taken:
            same_hour = _hour_key(when, self.zone) == hour
            if (other == platform and (abs(when - at) < self.gap or same_hour)) or (strict and same_hour):
                return False
        return True


def _validate(
    start: date, end: date, timezone: str, now: datetime, busy: Sequence[Busy], cadence: Mapping[str, Cadence]
) -> ZoneInfo:
    if end < start:
        raise ValueError(f"The end date {end} is before the start date {start}; pass an end on or after the start.")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError(f"The period is {(end - start).days + 1} days; plan at most {MAX_DAYS} days at a time.")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValueError(f"Unknown time zone {timezone!r}; use an IANA name such as 'Europe/London'.") from error
    if now.tzinfo is None or any(b.at.tzinfo is None for b in busy):
        raise ValueError("`now` and every busy item's time must be time-zone aware; attach a tzinfo (e.g. UTC).")
    for c in cadence.values():
        if c.day_part not in DAY_PART_HOURS:
            raise ValueError(f"Unknown day part {c.day_part!r}; use morning, midday, afternoon, evening or None.")
    return zone


def _to_utc(day: date, hour: int, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock hour, or None when the hour does not exist (a DST gap)."""
    local = datetime.combine(day, time(hour), tzinfo=zone)
    at = local.astimezone(UTC)
    return at if at.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None) else None


def _why(slot: Slot, top: Slot, platform: str, part: str | None) -> str:
    where = f"{_name(platform)} {part} hour" if part else f"{_name(platform)} hour that day"
    reason = f"{slot.label} is your best {where}" if slot == top else f"{slot.label} is your best free {where}"
    evidence = f" from {slot.posts} of your posts" if slot.posts else "; prior: no history yet"
    taken = "" if slot == top else f"; {top.label} was not free"
    return f"{reason} ({slot.rate:.1%} expected{evidence}{taken})"


def _pillars(placed: list[_Placed], pillars: Sequence[Pillar], notes: list[str]) -> list[str]:
    """Least-used suitable pillar per post in time order; ties: platform-specific, least recently used, pillar order."""
    unique = list({p.name: p for p in reversed(pillars)}.values())[::-1]
    if not unique:
        notes.append("No content pillars were given; posts are labelled 'general'.")
        return ["general"] * len(placed)
    order = {p.name: n for n, p in enumerate(unique)}
    counts, last = dict.fromkeys(order, 0), dict.fromkeys(order, -1)
    narrow = {p.name: bool(p.platforms) for p in unique}  # fewer chances to appear, so they go first on ties
    names, unsuited = [], set()
    for i, post in enumerate(placed):
        suited = [p for p in unique if not p.platforms or post.platform.lower() in {x.lower() for x in p.platforms}]
        unsuited |= set() if suited else {post.platform}
        name = min((p.name for p in suited or unique), key=lambda n: (counts[n], not narrow[n], last[n], order[n]))
        counts[name], last[name] = counts[name] + 1, i
        names.append(name)
    notes += [
        f"{_name(p)}: no pillar names this platform, so it rotates through all pillars." for p in sorted(unsuited)
    ]
    return names


def _formats(formats: tuple[tuple[str, float], ...], count: int) -> list[str | None]:
    """`count` formats in proportion to their weekly numbers (stories left out), by smooth weighted round robin."""
    weights = [(name, w) for name, w in formats if w > 0 and "story" not in name.lower()]
    if not weights:
        return [None] * count
    total, current, chosen = sum(w for _, w in weights), [0.0] * len(weights), []
    for _ in range(count):
        current = [c + w for c, (_, w) in zip(current, weights, strict=True)]
        pick = current.index(max(current))
        current[pick] -= total
        chosen.append(weights[pick][0])
    return chosen


def _hour_key(at: datetime, zone: ZoneInfo) -> tuple[date, int]:
    local = at.astimezone(zone)
    return local.date(), local.hour


def _day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {day:%b}"


def _name(platform: str) -> str:
    try:
        return get_platform(platform).label
    except ValueError:
        return platform
