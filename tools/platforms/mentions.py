"""What the platform clients' mention readers share: timestamps, language, counts, cursors and malformed answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from tools.monitor.mentions import Mention
from tools.platforms.base import MentionPage, PermanentError

log = logging.getLogger(__name__)

_FRACTION = re.compile(r"(\.\d{6})\d+")


class SkippedItem(ValueError):
    """One item of an otherwise good answer lacks what a mention needs; it is logged and left out."""


def malformed(platform: str, name: str, what: str) -> PermanentError:
    """The error for an answer that is not the shape the API documents (`what` says what was wrong)."""
    return PermanentError(
        platform, f"{name} answered the mentions request with {what}; no mentions were read", code="malformed_answer"
    )


def parse_time(value: Any) -> datetime:
    """An ISO 8601 timestamp as X, Google and Graph send it ("...Z", "+0000", fractions) as an aware UTC datetime.

    Raises:
        SkippedItem: the value is not such a timestamp or has no time zone.
    """
    if not isinstance(value, str) or not value.strip():
        raise SkippedItem(f"timestamp {value!r} is missing")
    try:
        moment = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()).replace("Z", "+00:00"))
    except ValueError:
        raise SkippedItem(f"timestamp {value!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise SkippedItem(f"timestamp {value!r} has no time zone")
    return moment.astimezone(UTC)


def epoch_millis(value: Any) -> datetime:
    """Unix milliseconds (LinkedIn's `created.time`) as an aware UTC datetime.

    Raises:
        SkippedItem: the value is not a whole number.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise SkippedItem(f"time {value!r} is not Unix milliseconds")
    return datetime.fromtimestamp(value / 1000, UTC)


def text_of(value: Any) -> str:
    """An item's text as given (kept verbatim; `Mention` cleans it), "" when there is none."""
    return value if isinstance(value, str) else ""


def required(item: Mapping[str, Any], key: str) -> str:
    """An item's id-like field as text.

    Raises:
        SkippedItem: the field is missing, empty or not a string or number.
    """
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise SkippedItem(f"missing {key}")
    return str(value)


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list from an answer, leaving out anything that is not one."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def cursor_time(cursor: str | None, platform: str) -> datetime | None:
    """The moment a timestamp cursor stands for; None without one.

    Raises:
        PermanentError: (code "bad_cursor") the cursor is not a timestamp this client gave out.
    """
    if cursor is None:
        return None
    try:
        return parse_time(cursor)
    except SkippedItem:
        raise PermanentError(
            platform,
            f"the mentions cursor {cursor!r} is not a timestamp; poll once without a cursor",
            code="bad_cursor",
        ) from None


def timestamp_cursor(mentions: Iterable[Mention]) -> str | None:
    """The cursor after these mentions: the newest `created_at` as ISO 8601 UTC ("...Z"); None when there are none."""
    newest = max((m.created_at for m in mentions), default=None)
    return newest.isoformat().replace("+00:00", "Z") if newest else None


def newest_page(found: Iterable[Mention], since: datetime | None, limit: int) -> MentionPage:
    """The `limit` newest of `found` created after `since`, oldest first, with the newest timestamp as the cursor.

    A mention created at the very instant of `since` counts as already read. When more than `limit` are new, the
    older ones are logged and not read, since the cursor moves past them.
    """
    fresh = sorted({m.external_id: m for m in found if since is None or m.created_at > since}.values(), key=_order)
    kept = fresh[-limit:] if limit > 0 else []
    if len(fresh) > len(kept):
        log.warning("%d older mentions were past the limit of %d and were not read", len(fresh) - len(kept), limit)
    return MentionPage(mentions=kept, cursor=timestamp_cursor(kept))


def skip(platform: str, what: str, error: Exception) -> None:
    """Log one item left out of an answer (malformed, or without an author the platform withheld)."""
    log.warning("%s: left out %s: %s", platform, what, error)


def _order(mention: Mention) -> tuple[datetime, str]:
    return mention.created_at, mention.external_id
