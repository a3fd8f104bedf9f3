"""Customer journeys from a CSV of touches, validated whole: every bad row is reported; a bad file gives none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tools.analytics.metrics_csv import MetricsFileError, read_amount, read_moment, read_rows

REQUIRED = ("journey_id", "channel", "at")
KNOWN = (*REQUIRED, "converted", "value", "campaign")
MAX_LENGTHS = {"journey_id": 255, "channel": 64, "campaign": 128}  # the database's columns
YES = ("true", "yes", "1")
NO = ("false", "no", "0")


@dataclass(frozen=True)
class ImportedJourney:
    """One journey of the file: its touches in time order (UTC), and whether and for how much it converted."""

    journey_id: str
    touches: tuple[tuple[str, datetime], ...]
    converted: bool = False
    value: float = 0.0
    campaign: str | None = None

    @property
    def ended_at(self) -> datetime:
        """The time of the latest touch."""
        return self.touches[-1][1]


@dataclass
class _Draft:
    """A journey while its rows are read: each touch's line, and each attribute with the line that gave it."""

    touches: dict[tuple[str, datetime], int] = field(default_factory=dict)
    said: dict[str, tuple[bool | float | str, int]] = field(default_factory=dict)


def parse_journeys_csv(raw: bytes, timezone: str) -> list[ImportedJourney]:
    """The file's journeys in the order they first appear, or MetricsFileError listing every problem.

    One row per touch. Columns: `journey_id` (your id of the journey; importing it again replaces it), `channel`
    (e.g. email, paid_search; lower-cased, at most 64 characters), `at` (ISO 8601; without an offset it is in
    `timezone`), and optionally `converted` (true/false, yes/no, 1/0), `value` (the conversion's value, 0 or more)
    and `campaign`. A journey converted if any of its rows says so; its rows must not disagree on converted, value
    or campaign (blank says nothing), and only a converted journey can have a value.
    """
    drafts: dict[str, _Draft] = {}
    zone = ZoneInfo(timezone)
    problems = read_rows(raw, REQUIRED, KNOWN, lambda line, row: _add_row(drafts, line, row, zone))
    problems += [problem for journey_id, draft in drafts.items() for problem in _unconverted_value(journey_id, draft)]
    if problems:
        raise MetricsFileError(problems)
    return [_journey(journey_id, draft) for journey_id, draft in drafts.items()]


def _add_row(drafts: dict[str, _Draft], line: int, row: dict[str, str], zone: ZoneInfo) -> None:
    journey_id = row["journey_id"]
    if not journey_id:
        raise ValueError("journey_id is empty; give every touch the id of the journey it belongs to")
    channel = row["channel"].lower()
    if not channel:
        raise ValueError("channel is empty; name the channel of the touch, e.g. email or paid_search")
    for name, limit in MAX_LENGTHS.items():
        if len(row.get(name, "")) > limit:
            raise ValueError(f"{name} is {len(row[name])} characters long; at most {limit} fit")
    at = _utc(read_moment(row, "at", zone), row["at"])
    said: dict[str, bool | float | str | None] = {
        "converted": _converted(row.get("converted", "")),
        "value": read_amount(row, "value") if row.get("value") else None,
        "campaign": row.get("campaign") or None,
    }
    draft = drafts.setdefault(journey_id, _Draft())
    earlier = draft.touches.get((channel, at))
    if earlier is not None:
        raise ValueError(
            f"journey {journey_id} already has this {channel} touch at {at:%Y-%m-%d %H:%M:%S} UTC (line {earlier}); "
            "keep one row per touch"
        )
    for name, value in said.items():
        if value is None:
            continue
        given, where = draft.said.setdefault(name, (value, line))
        if given != value:
            raise ValueError(
                f"journey {journey_id} has {name} {_shown(value)} here but {_shown(given)} on line {where}; "
                f"give its {name} on one row, or the same on every row"
            )
    draft.touches[(channel, at)] = line


def _utc(moment: datetime, written: str) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"at {written!r} is out of range; give a real date and time") from None


def _converted(value: str) -> bool | None:
    word = value.lower()
    if not word:
        return None
    if word in YES or word in NO:
        return word in YES
    raise ValueError(f"converted {value!r} is not one of true/false, yes/no, 1/0 (or blank)")


def _shown(value: bool | float | str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else repr(value)


def _unconverted_value(journey_id: str, draft: _Draft) -> list[str]:
    value, line = draft.said.get("value", (0.0, 0))
    converted, _ = draft.said.get("converted", (False, 0))
    if value and not converted:
        return [
            f"line {line}: journey {journey_id} has value {_shown(value)} but no row says it converted; "
            "set converted to yes on its rows, or leave value blank"
        ]
    return []


def _journey(journey_id: str, draft: _Draft) -> ImportedJourney:
    touches = tuple(sorted(draft.touches, key=lambda touch: (touch[1], draft.touches[touch])))
    converted = bool(draft.said.get("converted", (False, 0))[0])
    value = float(draft.said.get("value", (0.0, 0))[0])
    campaign = draft.said.get("campaign", (None, 0))[0]
    return ImportedJourney(journey_id, touches, converted, value, str(campaign) if campaign else None)
