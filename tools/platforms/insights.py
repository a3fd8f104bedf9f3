"""What the platform clients' insights readers share: distinct ids in batches, counts read leniently, totals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from tools.platforms.base import PermanentError, PostInsights

METRICS = ("impressions", "reach", "engagements", "clicks", "video_views")


def distinct(ids: Iterable[str]) -> list[str]:
    """`ids` as text without blanks or repeats, in their first order."""
    seen: dict[str, None] = {}
    for value in ids:
        text = str(value).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def batches(ids: Sequence[str], size: int) -> Iterator[list[str]]:
    """`ids` in consecutive lists of at most `size`."""
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def count(value: Any) -> float | None:
    """A count from an API answer (a number, or a number in a string as YouTube sends); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def total(*values: float | None) -> float | None:
    """The sum of the counts that are there; None when none is."""
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def totals(**values: float | None) -> dict[str, float]:
    """The metrics that have a count (keyword names are BrandPilot's metric names)."""
    unknown = set(values) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; use {', '.join(METRICS)}")
    return {name: value for name, value in values.items() if value is not None}


def read_listed(
    ids: Sequence[str],
    size: int,
    fetch: Callable[[list[str]], Mapping[str, Any]],
    key: str,
    to_totals: Callable[[Mapping[str, Any]], dict[str, float]],
    *,
    platform: str,
    name: str,
) -> list[PostInsights]:
    """Posts read `size` ids at a time from answers that list them under `key`; missing ones are left out.

    `fetch(batch)` makes one request; each listed object with an asked-for `id` becomes `to_totals(object)`.
    The result keeps the order of `ids`.
    """
    found: dict[str, dict[str, float]] = {}
    for batch in batches(ids, size):
        listed = fetch(batch).get(key)
        if not isinstance(listed, list):
            raise malformed(platform, name, f"no list of {key}")
        for item in listed:
            if isinstance(item, Mapping) and str(item.get("id")) in batch:
                found[str(item["id"])] = to_totals(item)
    return [PostInsights(external_id=i, totals=found[i]) for i in ids if i in found]


def malformed(platform: str, name: str, what: str) -> PermanentError:
    """The error for an answer that is not the shape the API documents (`what` says what was wrong)."""
    return PermanentError(
        platform, f"{name} answered the insights request with {what}; no numbers were read", code="malformed_answer"
    )
