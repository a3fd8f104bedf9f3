"""What the platform clients' insights readers share: distinct ids in batches, counts read leniently, totals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tools.platforms.base import PermanentError

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


def malformed(platform: str, name: str, what: str) -> PermanentError:
    """The error for an answer that is not the shape the API documents (`what` says what was wrong)."""
    return PermanentError(
        platform, f"{name} answered the insights request with {what}; no numbers were read", code="malformed_answer"
    )
