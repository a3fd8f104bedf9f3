"""Post metrics from a CSV file, validated whole: every bad row is reported and a file with errors gives nothing."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

PLATFORMS = ("x", "linkedin", "instagram", "facebook", "tiktok", "youtube")
REQUIRED = ("platform", "post_id", "published_at", "date")
COUNTS = ("impressions", "reach", "engagements", "clicks", "video_views", "conversions")
AMOUNTS = ("spend", "revenue")
TEXTS = ("text", "campaign", "url", "media_kind")
KNOWN = (*REQUIRED, *COUNTS, *AMOUNTS, *TEXTS)
MEDIA_KINDS = ("text", "image", "video", "carousel", "document")
MAX_ERRORS = 50  # more than this many problems are counted, not listed
MAX_BYTES = 50 * 1024 * 1024
MAX_LENGTHS = {"post_id": 255, "campaign": 128, "url": 1024, "text": 100_000}  # the database's columns
MAX_DIGITS = 15  # counts beyond this are typos, and would not fit the database's 64-bit integers


class MetricsFileError(ValueError):
    """The file can't be imported; `problems` lists what is wrong, each with its line."""

    def __init__(self, problems: list[str], total: int | None = None) -> None:
        shown = problems[:MAX_ERRORS]
        more = (total or len(problems)) - len(shown)
        tail = f"\n… and {more} more" if more > 0 else ""
        super().__init__("nothing was imported:\n" + "\n".join(f"- {p}" for p in shown) + tail)
        self.problems = problems


@dataclass
class ImportedPost:
    """One post of the file with its days of metrics."""

    platform: str
    post_id: str
    published_at: datetime
    text: str = ""
    campaign: str | None = None
    url: str | None = None
    media_kind: str | None = None
    days: dict[date, dict[str, float]] = field(default_factory=dict)


def parse_metrics_csv(raw: bytes, timezone: str) -> list[ImportedPost]:
    """The file's posts with their daily metrics, or MetricsFileError listing every problem.

    Columns: `platform`, `post_id` (the platform's id), `published_at` (ISO 8601; without an offset it is
    in `timezone`), `date` (the metrics' day, YYYY-MM-DD) and any of impressions, reach, engagements, clicks,
    video_views, conversions (whole numbers, 0 or more), spend, revenue (0 or more), text, campaign, url,
    media_kind. One row per post and day; a post's rows must agree on its time (the first text, campaign and
    url given are kept).
    """
    posts: dict[tuple[str, str], ImportedPost] = {}
    problems = read_rows(raw, REQUIRED, KNOWN, lambda _line, row: _add_row(posts, row, ZoneInfo(timezone)))
    if problems:
        raise MetricsFileError(problems)
    return list(posts.values())


def read_rows(
    raw: bytes, required: tuple[str, ...], known: tuple[str, ...], add_row: Callable[[int, dict[str, str]], None]
) -> list[str]:
    """Give `add_row` each row of a CSV (line number, trimmed values by lower-cased column); return the problems.

    A ValueError from `add_row` becomes that line's problem. A file too large, not UTF-8 (a BOM is fine) or whose
    header lacks a `required` column or has one not in `known` raises MetricsFileError before any row is read.
    """
    if len(raw) > MAX_BYTES:
        raise MetricsFileError([f"the file is {len(raw) // 1024 // 1024} MB; split it below 50 MB"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MetricsFileError([f"the file is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in required if name not in header]
    unknown = [name for name in header if name and name not in known]
    if missing or unknown or len(set(header)) != len(header):
        raise MetricsFileError(_header_problems(header, missing, unknown, required, known))
    reader.fieldnames = header
    problems: list[str] = []
    rows = 0
    try:
        for line, row in enumerate(reader, start=2):
            rows += 1
            try:
                add_row(line, _clean(row))
            except ValueError as error:
                problems.append(f"line {line}: {error}")
    except csv.Error as error:  # e.g. a NUL byte, or a quote never closed
        problems.append(f"line {reader.line_num}: the CSV can't be read ({error}); check the quotes on that line")
    if not rows:
        problems.append("the file has a header but no rows")
    return problems


def _header_problems(
    header: list[str], missing: list[str], unknown: list[str], required: tuple[str, ...], known: tuple[str, ...]
) -> list[str]:
    problems = []
    if not header:
        return ["the file is empty; the first line must name the columns, e.g. " + ",".join(required)]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}; required are {', '.join(required)}")
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)}; allowed are {', '.join(known)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"line 1: column(s) named twice: {', '.join(repeated)}")
    return problems


def _clean(row: dict[str | None, object]) -> dict[str, str]:
    if None in row:
        raise ValueError("more values than columns (a comma inside a value needs quotes)")
    return {key: ("" if value is None else str(value).strip()) for key, value in row.items() if key}


def _add_row(posts: dict[tuple[str, str], ImportedPost], row: dict[str, str], zone: ZoneInfo) -> None:
    platform = row["platform"].lower()
    if platform not in PLATFORMS:
        raise ValueError(f"platform {row['platform']!r} is not one of {', '.join(PLATFORMS)}")
    if not row["post_id"]:
        raise ValueError("post_id is empty; give the platform's id of the post")
    for name, limit in MAX_LENGTHS.items():
        if len(row.get(name, "")) > limit:
            raise ValueError(f"{name} is {len(row[name])} characters long; at most {limit} fit")
    published = read_moment(row, "published_at", zone)
    day = _day(row["date"])
    if day < published.astimezone(zone).date():
        raise ValueError(f"date {day} is before the post was published ({published.date()})")
    numbers = {name: float(_count(row, name)) for name in COUNTS} | {name: read_amount(row, name) for name in AMOUNTS}
    media = row.get("media_kind", "").lower() or None
    if media is not None and media not in MEDIA_KINDS:
        raise ValueError(f"media_kind {media!r} is not one of {', '.join(MEDIA_KINDS)}")
    key = (platform, row["post_id"])
    post = posts.setdefault(key, ImportedPost(platform, row["post_id"], published))
    if post.published_at != published:
        raise ValueError(f"post {row['post_id']} has another published_at on an earlier line")
    if day in post.days:
        raise ValueError(f"post {row['post_id']} already has a row for {day}; keep one row per post and day")
    post.days[day] = numbers
    post.text = post.text or row.get("text", "")
    post.campaign = post.campaign or row.get("campaign") or None
    post.url = post.url or row.get("url") or None
    post.media_kind = post.media_kind or media


def read_moment(row: dict[str, str], name: str, zone: ZoneInfo) -> datetime:
    """The row's `name` as an aware date and time (ISO 8601; without an offset it is in `zone`)."""
    value = row[name]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date and time like 2026-11-02T09:30:00-05:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"date {value!r} is not a day like 2026-11-02") from None


def _count(row: dict[str, str], name: str) -> int:
    value = row.get(name, "").replace(",", "")
    if not value:
        return 0
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"{name} {row[name]!r} is not a whole number of 0 or more")
    if len(value) > MAX_DIGITS:
        raise ValueError(f"{name} {row[name]!r} is too large to be a real count")
    return int(value)


def read_amount(row: dict[str, str], name: str) -> float:
    """The row's `name` as an amount of 0 or more (blank is 0; thousands commas and $ € £ are fine)."""
    value = row.get(name, "").replace(",", "").lstrip("$€£")
    if not value:
        return 0.0
    try:
        amount = float(value)
    except ValueError:
        raise ValueError(f"{name} {row[name]!r} is not an amount like 12.50") from None
    if amount < 0 or not math.isfinite(amount) or amount >= 10**MAX_DIGITS:
        raise ValueError(f"{name} {row[name]!r} must be 0 or more (and a real amount)")
    return amount
