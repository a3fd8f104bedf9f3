"""Reading a posting cadence, and the themes a platform is for, from a brand playbook's plain-English prose."""

from __future__ import annotations

import re
from dataclasses import dataclass

WEEKS_PER_MONTH = 52 / 12
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WORKWEEK = (0, 1, 2, 3, 4)
EPHEMERAL = frozenset({"story"})  # formats that vanish after a day: recorded, never counted as posts

_NUMBERS = {
    "a couple of": 2, "a few": 3, "several": 3, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
_ADVERB_UNITS = {"daily": "day", "weekly": "week", "monthly": "month"}
_NUM = r"\d+(?:\.\d+)?"
_UNITS = "day|week|month|fortnight|weekday|weekend"
_STOP = "and|or|a|an|the|per|every|each|plus|on|in|at|to|of|for|with|within|up|under|day|week|month|weekday|weekend"
_WORD = rf"(?!(?:{_STOP})s?\b)[a-z][a-z-]*"
_ITEM = rf"\b(?:{_NUM}(?:\s+{_WORD}){{0,3}}|an?(?:\s+{_WORD}){{1,3}})"
_SEP = r"\s*,\s*(?:and\s+|plus\s+)?|\s+and\s+|\s+plus\s+"
_COUNTED = re.compile(
    rf"(?P<items>{_ITEM}(?:(?:{_SEP}){_ITEM})*)\s+(?:per|every)\s+(?P<k>{_NUM})\s+(?P<unit>{_UNITS})s?\b"
)
_ONE_ITEM = re.compile(rf"\b(?P<n>{_NUM}|an?)\b(?P<noun>(?:\s+{_WORD}){{0,3}})")
_EVERY = re.compile(rf"\bevery\s+(?P<k>{_NUM})\s+(?P<unit>{_UNITS})s?\b(?:\s+(?P<noun>[a-z]+))?")
_CONTENT_NOUNS = frozenset("reel story short video live thread tweet carousel pin update article photo clip".split())
_GENERIC = frozenset({"time", "post"})
_POST_VERBS = frozenset("post posting publish publishing share sharing upload uploading aim schedule release".split())
_CHORE_VERBS = frozenset("answer answering reply replying respond responding check checking monitor engage".split())
_DAY = r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?"
_DAY_RANGE = re.compile(rf"({_DAY})\s*(?:-|–|\bto\b|\bthrough\b|\bthru\b)\s*({_DAY})")
_DAY_SETS = {r"\b(?:weekdays?|workdays?)\b": WORKWEEK, r"\bweekends?\b": (5, 6)}
_DAY_PARTS = {
    "morning": re.compile(r"\bmornings?\b", re.I),
    "midday": re.compile(r"\b(?:midday|noon|lunch\w*)\b", re.I),
    "afternoon": re.compile(r"\bafternoons?\b", re.I),
    "evening": re.compile(r"\b(?:evenings?|nights?|tonight)\b", re.I),
}
_POSTING = re.compile(r"\b(?:post|posting|publish\w*|schedule\w*|go(?:es)? (?:out|live))\b", re.I)
_THEME_INTRO = re.compile(r"\b(?:is|are) (?:for|about|where we \w+)\s|\b(?:holds?|carr(?:y|ies)|covers?|hosts?)\s")
_THEME_CUT = re.compile(
    r"\s(?:at|in|on|from|with|for|to|under|over|during|about|by|via|that|which|who|where|when|we|you|they)\s.*"
)
_THEME_LEAD = frozenset("our the a an and or plus also long longer short shorter".split())


@dataclass(frozen=True)
class ProseCadence:
    """A cadence read from prose: posts a week, the allowed weekdays (None: any day), day part and named formats."""

    per_week: float
    weekdays: tuple[int, ...] | None
    day_part: str | None
    formats: tuple[tuple[str, float], ...]


def sentences(text: str) -> list[str]:
    """The sentences of a Markdown passage (bullets and lines count as breaks), without emphasis marks."""
    plain = re.sub(r"[*`]+", "", text)
    parts = re.split(r"\n\s*(?:[-*+]\s+)?|(?<=[.!?])\s+(?=[A-Z\"“(])", plain)
    return [part.strip() for part in parts if part and part.strip()]


def parse_cadence(text: str) -> ProseCadence | None:
    """How often a playbook passage says to post, or None when it names no frequency and no days.

    Counts are tied to a frequency unit ("three times a week", "2-3 posts per week", "daily", "every other day",
    "fortnightly"); a range counts as its midpoint and a monthly count as count * 12 / 52 a week. A daily count is
    multiplied by the allowed days ("one or two times a day on weekdays" is 7.5 a week). Named formats ("five feed
    posts and three Reels") are kept per week. Stories are recorded as a format but not counted in `per_week`,
    because they expire within a day and do not take a slot in the calendar. With days named but no count
    ("Mon/Wed/Fri"), it is one post on each of those days.
    """
    counts: list[tuple[float, float, str, str]] = []
    relevant = []
    for sentence in sentences(text):
        found = _counts(_normalise(sentence))
        counts += found
        if found or _POSTING.search(sentence):
            relevant.append(sentence)
    weekdays = _weekdays(" ".join(relevant))
    if any(unit == "weekday" for _, _, unit, _ in counts):
        weekdays = weekdays or WORKWEEK
    if not counts and weekdays is None:
        return None
    days = len(weekdays or DAY_NAMES)
    formats: dict[str, float] = {}
    per_week = 0.0 if counts else float(days)
    for n, k, unit, name in counts:
        weekly = _weekly(n / k, unit, days)
        if name:
            formats[name] = formats.get(name, 0.0) + weekly
        per_week += 0.0 if name in EPHEMERAL else weekly
    return ProseCadence(per_week, weekdays, _day_part(" ".join(relevant)), tuple(formats.items()))


def _normalise(sentence: str) -> str:
    text = sentence.lower()
    for word, number in _NUMBERS.items():
        text = re.sub(rf"\b{word}\b", str(number), text)
    for word, number in _TIMES.items():
        text = re.sub(rf"\b{word}\b", f"{number} times", text)
    text = re.sub(r"\b(\d+)\s*x\b", r"\1 times", text)
    text = re.sub(rf"\b({_NUM})(?:\s+times)?\s*(?:-|–|\bto\b|\bor\b)\s*({_NUM})\b", _midpoint, text)
    text = re.sub(r"\b(?:fortnightly|biweekly)\b", "every 1 fortnight", text)
    text = re.sub(r"\b(daily|weekly|monthly)\b", lambda m: f"every 1 {_ADVERB_UNITS[m[1]]}", text)
    text = re.sub(r"\bevery other\b", "every 2", text)
    text = re.sub(r"\b(?:every|each)\s+(?:morning|afternoon|evening|night)\b", "every 1 day", text)
    text = re.sub(rf"\b(?:every|each)\s+(?=(?:{_UNITS})\b)", "every 1 ", text)
    return re.sub(rf"\b(?:a|an|per)\s+(?=(?:{_UNITS})\b)", "per 1 ", text)


def _midpoint(match: re.Match[str]) -> str:
    return f"{(float(match[1]) + float(match[2])) / 2:g}"


def _counts(text: str) -> list[tuple[float, float, str, str]]:
    """(count, every k, unit, format name or "") for each frequency phrase not about replying or checking."""
    found, rest = [], text
    for match in _COUNTED.finditer(text):
        if _about_posting(text[: match.start()]):
            found += [(n, float(match["k"]), match["unit"], name) for n, name in _items(match["items"])]
        rest = rest[: match.start()] + " " * len(match[0]) + rest[match.end() :]  # not read again as "every day"
    for match in _EVERY.finditer(rest):
        if _about_posting(rest[: match.start()]):
            nearby = [match["noun"] or "", *re.findall(r"[a-z]+", rest[: match.start()])[-1:]]  # "daily stories"
            named = [noun for noun in map(_singular, nearby) if noun in _CONTENT_NOUNS]  # "stories daily"
            found.append((1.0, float(match["k"]), match["unit"], named[0] if named else ""))
    return found


def _items(text: str) -> list[tuple[float, str]]:
    """The (count, format name) pairs of "five feed posts and three reels"; "" for plain posts or times."""
    items = []
    for match in _ONE_ITEM.finditer(text):
        name = " ".join(_singular(word) for word in match["noun"].split())
        if match["n"] in ("a", "an") and not name:
            continue
        items.append((1.0 if match["n"] in ("a", "an") else float(match["n"]), "" if name in _GENERIC else name))
    return items


def _about_posting(before: str) -> bool:
    """False when the nearest verb before a phrase is a chore like answering or checking, not posting."""
    for word in reversed(re.findall(r"[a-z]+", before)):
        if word in _POST_VERBS or word in _CHORE_VERBS:
            return word in _POST_VERBS
    return True


def _weekly(rate: float, unit: str, days: int) -> float:
    per_unit = {"day": days, "weekday": 5, "week": 1, "weekend": 1, "fortnight": 0.5, "month": 1 / WEEKS_PER_MONTH}
    return rate * per_unit[unit]


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _weekdays(text: str) -> tuple[int, ...] | None:
    days: set[int] = set()
    for match in _DAY_RANGE.finditer(text):
        first, last = _day_index(match[1]), _day_index(match[2])
        days.update((first + step) % 7 for step in range((last - first) % 7 + 1))
    days.update(_day_index(name) for name in re.findall(_DAY, _DAY_RANGE.sub(" ", text)))
    for pattern, named in _DAY_SETS.items():
        if re.search(pattern, text, re.I):
            days.update(named)
    return tuple(sorted(days)) or None


def _day_index(name: str) -> int:
    return next(i for i, day in enumerate(DAY_NAMES) if day.startswith(name.lower().rstrip(".s")[:3]))


def _day_part(text: str) -> str | None:
    found = [(match.start(), part) for part, pattern in _DAY_PARTS.items() if (match := pattern.search(text))]
    return min(found)[1] if found else None


def themes_in(text: str) -> list[str]:
    """The themes a playbook passage says its platform is for, from its first sentence that lists them.

    "X is for news, quick tips and customer service." gives ["News", "Quick tips", "Customer service"]; a list after
    a colon wins ("Instagram is our home base: roast days, ..."). Items lose leading "our", articles and length
    words ("long brew guides" is "Brew guides") and trailing clauses ("... we have permission to share").
    """
    for sentence in sentences(text):
        intro = _THEME_INTRO.search(sentence)
        if ": " in sentence or intro:
            listed = sentence.rsplit(": ", 1)[1] if ": " in sentence else sentence[intro.end() :]
            themes = [theme for part in re.split(r"[,;]", listed.rstrip(".!")) for theme in _themes_of(part)]
            if themes:
                return list(dict.fromkeys(themes))
    return []


def _themes_of(part: str) -> list[str]:
    part = _THEME_CUT.sub("", re.sub(r"\([^)]*\)|[\"“”]", " ", f" {part} ")).strip()
    themes = []
    for piece in re.split(r"\s+(?:and|or|plus)\s+", part):
        words = piece.split()
        while words and words[0].lower() in _THEME_LEAD:
            words.pop(0)
        if words and not any(char.isdigit() for char in piece):
            theme = " ".join(words)
            themes.append(theme[0].upper() + theme[1:])
    return themes


def theme_key(theme: str) -> str:
    """A theme's identity for merging: case-insensitive, and "brew guide" is "brew guides"."""
    words = theme.lower().split()
    return " ".join([*words[:-1], _singular(words[-1])])
