"""The volume chart of a crisis alert card: mentions per bin, their likely-negative part, the usual level, the alert."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from tools.monitor.signals import floor_bin
from tools.reports.charts import (
    ANNOTATION_SIZE,
    BAR_ROOM,
    BLUE,
    GREY,
    GRID,
    LABEL_SIZE,
    MAX_DATE_TICKS,
    MONTHS,
    MUTED_TEXT,
    TEXT,
    VERMILLION,
    legend_above,
    new_chart,
    render_png,
    tick_number,
)

EMPTY_WINDOW = timedelta(hours=24)  # what an empty series spans, ending at `now`
TICK_STEPS = tuple(timedelta(minutes=m) for m in (5, 10, 15, 30, 60, 120, 180, 360, 720, 1440))
DAY = timedelta(days=1)


@dataclass(frozen=True)
class VolumePoint:
    """One time bin of a brand's mentions: its start (aware, UTC), the mentions and the expected negative ones."""

    start: datetime
    count: int
    negative: float = 0.0  # the sum of each mention's P(negative)


def volume_points(
    mentions: Iterable[tuple[datetime, float]], start: datetime, end: datetime, bin: timedelta
) -> list[VolumePoint]:
    """Every bin of width `bin` from `start` up to `end`, counting the (created_at, P(negative)) mentions in it.

    Bins start at `start`, empty bins are zero, mentions outside [start, end) are ignored; when the window is not
    a whole number of bins, the last bin is cut short at `end`.

    Raises:
        ValueError: `bin` is not positive, `start` or `end` has no time zone, or `end` is before `start`.
    """
    if bin <= timedelta(0):
        raise ValueError(f"bin is {bin}: pass a positive width, e.g. timedelta(minutes=5)")
    start, end = _utc("start", start), _utc("end", end)
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start}): pass the window's bounds in order")
    bins = math.ceil((end - start) / bin)
    counts, negatives = [0] * bins, [0.0] * bins
    for at, negative in mentions:
        if start <= at < end:
            index = (at - start) // bin
            counts[index] += 1
            negatives[index] += negative
    return [VolumePoint(start + i * bin, counts[i], negatives[i]) for i in range(bins)]


def incident_volume_chart(
    points: Sequence[VolumePoint],
    *,
    brand: str,
    opened_at: datetime,
    now: datetime,
    baseline: Sequence[VolumePoint] = (),
) -> bytes:
    """Render the incident's volume chart as 1000x560 PNG bytes (see `incident_volume_figure`)."""
    return render_png(incident_volume_figure(points, brand=brand, opened_at=opened_at, now=now, baseline=baseline))


def incident_volume_figure(
    points: Sequence[VolumePoint],
    *,
    brand: str,
    opened_at: datetime,
    now: datetime,
    baseline: Sequence[VolumePoint] = (),
) -> Figure:
    """The volume chart's figure: bars of mentions per bin with their likely-negative part, the alert marker.

    The usual level is a dashed line over the bars; with no mentions at all, a note says so instead.
    `baseline[i]` is the usual level of `points[i]` (e.g. the same hour a week before; its own start is not used).

    Raises:
        ValueError: the points are not in time order, `baseline` has another length, or a time has no time zone.
    """
    opened_at, now = _utc("opened_at", opened_at), _utc("now", now)
    if any(later.start <= earlier.start for earlier, later in zip(points, points[1:], strict=False)):
        raise ValueError("points are not in time order: pass one point per bin, oldest first (see volume_points)")
    if baseline and len(baseline) != len(points):
        raise ValueError(f"baseline has {len(baseline)} points for {len(points)} bins: pass one per bin, or none")
    if points:
        start = _utc("points[0].start", points[0].start)
        width = points[1].start - start if len(points) > 1 else (now - start if now > start else timedelta(hours=1))
        span = points[-1].start + width - start
    else:
        start, width, span = now - EMPTY_WINDOW, None, EMPTY_WINDOW
    left, right = min(start, opened_at), max(start + span, now, opened_at)

    fig, ax = new_chart(f"Mentions of {brand}, last {_duration(span)}", demo=False)
    x = date2num([point.start for point in points])
    bar_days = (width or DAY) / DAY * (0.85 if len(points) <= 96 else 1.0)  # gaps only while bars are wide
    ax.bar(x, [p.count for p in points], width=bar_days, align="edge", color=BLUE, linewidth=0, zorder=3)
    ax.bar(x, [p.negative for p in points], width=bar_days, align="edge", color=VERMILLION, linewidth=0, zorder=4)
    handles: list[object] = [Patch(color=BLUE), Patch(color=VERMILLION)]
    labels = ["Mentions", "Likely negative"]
    if baseline:
        centres = x + (width or DAY) / DAY / 2
        ax.plot(centres, [p.count for p in baseline], color=GREY, linewidth=2, linestyle="--", zorder=5)
        handles.append(Line2D([], [], color=GREY, linewidth=2, linestyle="--"))
        labels.append("Usual level")

    alert_x = date2num(opened_at)
    ax.axvline(alert_x, color=TEXT, linewidth=1.5, zorder=6)
    on_left = opened_at - left > (right - left) * 0.9  # near the right edge the label goes left of the line
    ax.annotate(
        "alert",
        (alert_x, 1),
        xycoords=("data", "axes fraction"),
        xytext=(-4 if on_left else 4, -2),
        textcoords="offset points",
        ha="right" if on_left else "left",
        va="top",
        fontsize=ANNOTATION_SIZE,
        fontweight="bold",
        color=TEXT,
        zorder=6,
    )
    top = max([p.count for p in points] + [p.count for p in baseline], default=0)
    if not any(p.count for p in points):
        ax.text(
            0.5,
            0.5,
            "No mentions in this window",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=LABEL_SIZE,
            color=MUTED_TEXT,
        )

    ticks = _time_ticks(left, right)
    ax.set_xticks(date2num(ticks), _time_labels(ticks))
    ax.set_xlim(date2num(left), date2num(right))
    ax.set_xlabel("Time (UTC)", fontsize=LABEL_SIZE, color=TEXT)
    ax.set_ylabel(f"Mentions per {_duration(width)}" if width else "Mentions", fontsize=LABEL_SIZE, color=TEXT)
    ax.set_ylim(0, top * BAR_ROOM if top > 0 else 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(tick_number))
    ax.grid(axis="y", color=GRID, linewidth=1)
    legend_above(ax, handles, labels)
    return fig


def _utc(name: str, value: datetime) -> datetime:
    """`value` in UTC; a time without a time zone is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} ({value}) has no time zone: pass an aware UTC time, e.g. datetime(..., tzinfo=UTC)")
    return value.astimezone(UTC)


def _duration(span: timedelta) -> str:
    """A span in words: "5 minutes", "hour" (as in "last hour"), "24 hours", "3 days" (days from 48 hours on)."""
    minutes = round(span / timedelta(minutes=1))
    if minutes % 1440 == 0 and minutes > 2880:
        count, unit = minutes // 1440, "day"
    elif minutes % 60 == 0 and minutes > 0:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes, "minute"
    return unit if count == 1 else f"{count} {unit}s"


def _time_ticks(left: datetime, right: datetime) -> list[datetime]:
    """At most about `MAX_DATE_TICKS` round UTC times in [left, right]: every 5 minutes up to every few days."""
    span = right - left
    step = next((s for s in TICK_STEPS if span / s <= MAX_DATE_TICKS), DAY * math.ceil(span / DAY / MAX_DATE_TICKS))
    first = floor_bin(left, step)
    first += step if first < left else timedelta(0)
    return [first + i * step for i in range(int((right - first) // step) + 1)]


def _time_labels(ticks: Sequence[datetime]) -> list[str]:
    """Tick labels like "15:00", with the day ("3 Mar") under the first tick and wherever the day changes."""
    labels = []
    for i, tick in enumerate(ticks):
        label = f"{tick:%H:%M}"
        if i == 0 or tick.date() != ticks[i - 1].date():
            label += f"\n{tick.day} {MONTHS[tick.month - 1]}"
        labels.append(label)
    return labels
